#!/usr/bin/env node
// Release step (.github/workflows/release.yml): checks the trainer `npm install` built and makes it ready to
// package, then, with --packaged DIR, checks the copy inside the package electron-builder wrote.
//   node scripts/stage-trainer.mjs               after npm install: the trainer exists, did not fail to build,
//                                                 and starts (its shared libraries resolve); on Windows the ggml
//                                                 DLLs it links are copied beside it first (Windows has no RPATH)
//   node scripts/stage-trainer.mjs --packaged dist   the same start check on the packaged copy
// The start check runs the trainer with no job: it must answer with its usage as a bad_input error event (exit 2).
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const exe = process.platform === 'win32' ? 'autodidact-trainer.exe' : 'autodidact-trainer'

function die(msg) {
  console.error(`[stage-trainer] FAILED: ${msg}`)
  process.exit(1)
}

/** Runs the trainer without a job; it must start, load its libraries and print a bad_input error event. */
export function startCheck(path) {
  const r = spawnSync(path, [], { encoding: 'utf8', timeout: 60_000 })
  if (r.error) return `${path} could not start: ${r.error.message}`
  const first = (r.stdout ?? '').split('\n').find((l) => l.trim()) ?? ''
  let ev = null
  try {
    ev = JSON.parse(first)
  } catch {
    // reported below
  }
  if (r.status !== 2 || ev?.type !== 'error' || ev?.kind !== 'bad_input')
    return `${path} did not answer as expected (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}): ${first || (r.stderr ?? '').slice(-600)}`
  return null
}

/** The folders under `dir` that hold a packaged trainer (AppImage/deb/nsis unpacked dirs, the macOS .app). */
export function packagedTrainers(dir) {
  const found = []
  const walk = (d, depth) => {
    if (depth > 8 || !existsSync(d)) return
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p, depth + 1)
      else if (e.name === exe && p.split(/[\\/]/).slice(-5).join('/') === `app.asar.unpacked/native/build/bin/${exe}`) found.push(p)
    }
  }
  walk(dir, 0)
  return found
}

// Windows: the DLLs a hybrid trainer links (ggml-base, ggml) from node-llama-cpp's plain package, put beside it
export function copyWindowsDlls(binDir) {
  const bins = join(root, 'node_modules', '@node-llama-cpp', `win-${process.arch}`, 'bins')
  if (!existsSync(bins)) return
  for (const sub of readdirSync(bins)) {
    const dir = join(bins, sub)
    if (!statSync(dir).isDirectory()) continue
    for (const f of readdirSync(dir)) {
      if (!/^ggml(-base)?\.dll$/.test(f)) continue
      copyFileSync(join(dir, f), join(binDir, f))
      console.log(`[stage-trainer] copied ${f} from ${dir}`)
    }
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) {
  const at = process.argv.indexOf('--packaged')
  if (at > 0) {
    const dir = process.argv[at + 1] ?? 'dist'
    const trainers = packagedTrainers(join(root, dir))
    if (!trainers.length) die(`no packaged trainer (app.asar.unpacked/native/build/bin/${exe}) under ${dir}`)
    for (const t of trainers) {
      const err = startCheck(t)
      if (err) die(err)
      console.log(`[stage-trainer] packaged trainer starts: ${t}`)
    }
  } else {
    const binDir = join(root, 'native', 'build', 'bin')
    const failed = join(root, 'native', 'build', 'BUILD_FAILED.txt')
    if (existsSync(failed)) die(`the trainer build failed: ${readFileSync(failed, 'utf8')}`)
    if (!existsSync(join(binDir, exe))) die(`${join(binDir, exe)} was not built`)
    const backend = existsSync(join(binDir, 'backend.txt')) ? readFileSync(join(binDir, 'backend.txt'), 'utf8').trim() : '?'
    if (process.platform === 'win32' && backend === 'hybrid') copyWindowsDlls(binDir)
    const err = startCheck(join(binDir, exe))
    if (err) die(err)
    console.log(`[stage-trainer] ${exe} (${backend}) built and starts`)
  }
}
