#!/usr/bin/env node
// `npm start`: build what is stale, then open the desktop window where Electron is installed and can show
// one; otherwise start the web shell (the same UI and engine, in a browser over a loopback WebSocket) and
// print its URL. `npm start -- --web` always starts the web shell. Other flags go to the web shell
// (--data-dir DIR, --port N).
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from './build-app.mjs'
import { engineEnv } from './engine-env.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const forceWeb = args.includes('--web')
const passThrough = args.filter((a) => a !== '--web')

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

function ensureBuilt() {
  const marker = join(root, 'out/renderer/index.html')
  // (a desktop start also needs the main-process bundle)
  const stale = !existsSync(marker) || newestMtime(join(root, 'src')) > statSync(marker).mtimeMs
  if (!stale) return
  console.log('Building the app (first start or sources changed)...')
  const status = buildApp()
  if (status !== 0) {
    console.error('The build failed (see above). Fix the error, or run `npm install` again if dependencies are missing.')
    process.exit(status)
  }
}

function electronBinary() {
  // Read the electron package's path.txt directly: requiring it would try to download a missing binary.
  const dir = join(root, 'node_modules', 'electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(bin) ? bin : null
}

function canShowWindow() {
  if (process.platform !== 'linux') return true
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

ensureBuilt()
const electron = forceWeb ? null : electronBinary()
if (electron && canShowWindow()) {
  const child = spawn(electron, [root], { stdio: 'inherit', env: engineEnv() })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  if (!forceWeb) {
    const why = electron ? 'no display found' : 'Electron is not installed on this machine'
    console.log(`Starting the web shell (${why}); open the URL below in a browser.`)
  }
  const tsx = join(root, 'node_modules/tsx/dist/cli.mjs')
  const child = spawn(process.execPath, [tsx, join(root, 'src/web/main.ts'), ...passThrough], { stdio: 'inherit', cwd: root, env: engineEnv() })
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code) => process.exit(code ?? 0))
}
