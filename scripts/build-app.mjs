#!/usr/bin/env node
// Builds the app: main + preload + renderer with electron-vite where Electron is installed, else only the
// renderer with plain vite (enough for the web shell; Electron needs Node 22.12+ to install).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const electronInstalled = () => existsSync(join(root, 'node_modules', 'electron', 'package.json'))

export function buildApp() {
  const [tool, args] = electronInstalled()
    ? ['node_modules/electron-vite/bin/electron-vite.js', ['build']]
    : ['node_modules/vite/bin/vite.js', ['build', '--config', 'renderer.vite.config.ts', '--logLevel', 'warn']]
  if (!electronInstalled()) console.log('Electron is not installed: building the renderer only (web shell).')
  return spawnSync(process.execPath, [join(root, tool), ...args], { cwd: root, stdio: 'inherit' }).status ?? 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(buildApp())
