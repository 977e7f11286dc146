#!/usr/bin/env node
// Builds native/ (the LoRA trainer) against the exact llama.cpp source node-llama-cpp ships.
// Runs as npm's postinstall. Steps: clone node-llama-cpp's llama/gitRelease.bundle into native/build/llama.cpp,
// apply native/patches/*.patch (none touches ggml/), configure CMake, build, copy the binary to native/build/bin.
// Default, the "hybrid" build: only the patched libllama and the trainer are compiled (a C++ compiler and CMake:
// no nvcc, no CUDA headers, no Vulkan SDK); ggml is node-llama-cpp's prebuilt libggml-base + libggml from the
// @node-llama-cpp/* package npm installed for this platform, and the trainer loads ggml's backends (CPU, CUDA,
// Vulkan, Metal) at run time from node-llama-cpp's binary folders. Opt-in full source build (ggml compiled too,
// with its GPU toolkit): AUTODIDACT_TRAINER_BACKEND=cuda|vulkan|metal|cpu-source.
// Skips when a stamp (hash of sources, patches, llama.cpp release, backend) matches. A failed build prints why
// and leaves native/build/BUILD_FAILED.txt; npm install still succeeds and the app reports the trainer as
// unavailable with that reason.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { delimiter, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { copyWindowsDlls } from './stage-trainer.mjs'
import { cudaArchDefs } from './trainer-cuda.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const native = join(root, 'native')
const buildRoot = join(native, 'build')
const llamaDir = join(buildRoot, 'llama.cpp')
const bundle = join(root, 'node_modules/node-llama-cpp/llama/gitRelease.bundle')
const exe = process.platform === 'win32' ? 'autodidact-trainer.exe' : 'autodidact-trainer'
const outBin = join(buildRoot, 'bin', exe)
const failedFile = join(buildRoot, 'BUILD_FAILED.txt')
const force = process.argv.includes('--force')

function log(msg) {
  console.log(`[trainer] ${msg}`)
}
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: opts.quiet ? 'pipe' : 'inherit', encoding: 'utf8', ...opts })
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`)
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} exited with ${r.status}${r.stderr ? `: ${r.stderr.slice(-800)}` : ''}`)
  return r.stdout ?? ''
}
function has(cmd) {
  const r = spawnSync(process.platform === 'win32' ? 'where' : 'which', [cmd], { stdio: 'pipe' })
  return r.status === 0
}
function detectBackend() {
  // hybrid: ggml from node-llama-cpp's packages; a full source build only when asked for
  return process.env.AUTODIDACT_TRAINER_BACKEND || 'hybrid'
}

// node-llama-cpp's prebuilt binary folders on this platform, in the order it tries them for inference (GPU
// packages first, the plain one last); each is { pkg, dir } for the packages npm installed.
export function prebuiltFolders(platform = process.platform, arch = process.arch) {
  const plat = platform === 'darwin' ? 'mac' : platform === 'win32' ? 'win' : platform
  const a = arch === 'arm' ? 'armv7l' : arch
  const names =
    plat === 'mac' ? (a === 'arm64' ? ['mac-arm64-metal'] : ['mac-x64'])
    : a === 'x64' ? [`${plat}-x64-cuda`, `${plat}-x64-cuda-ext`, `${plat}-x64-vulkan`, `${plat}-x64`]
    : [`${plat}-${a}`]
  const out = []
  for (const pkg of names) {
    const bins = join(root, 'node_modules', '@node-llama-cpp', pkg, 'bins')
    if (!existsSync(bins)) continue
    for (const sub of readdirSync(bins).sort()) {
      const dir = join(bins, sub)
      if (pkg.endsWith('-ext') && existsSync(join(dir, 'fallback'))) out.push({ pkg, dir: join(dir, 'fallback') })
      else if (statSync(dir).isDirectory()) out.push({ pkg, dir })
    }
  }
  return out
}

// The libraries a hybrid build links: libggml-base and the backend loader libggml (libggml.v0.5.0.so, ...).
function prebuiltGgml(dir) {
  const files = readdirSync(dir)
  const base = files.find((f) => /^(lib)?ggml-base\.(so|dylib|dll)$/.test(f))
  const loader = files.find((f) => /^(lib)?ggml(\.[A-Za-z0-9.]+)?\.(so|dylib|dll)$/.test(f) && !f.includes('-'))
  return base && loader ? { base: join(dir, base), loader: join(dir, loader) } : null
}

// AUTODIDACT_GGML_IMPLIBS ('<ggml-base.lib>;<ggml.lib>') when given, else written by win-import-libs.mjs
function windowsImportLibs() {
  if (process.env.AUTODIDACT_GGML_IMPLIBS) return process.env.AUTODIDACT_GGML_IMPLIBS
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'win-import-libs.mjs')], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  const libs = r.status === 0 ? r.stdout.trim().split(/\r?\n/).pop() : ''
  if (!libs) throw new Error(`a trainer build on Windows needs import libraries for node-llama-cpp's ggml DLLs and they could not be made (${(r.stderr || r.error?.message || '').trim().slice(-300)}): run \`npm run build:trainer\` from a "Developer Command Prompt for VS" (dumpbin and lib on PATH), or set AUTODIDACT_GGML_IMPLIBS to the two .lib files`)
  return libs
}

function hashSources(backend) {
  const h = createHash('sha256')
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === 'build') continue
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else h.update(p.slice(native.length)).update(readFileSync(p))
    }
  }
  walk(native)
  h.update(backend).update(String(existsSync(bundle) ? statSync(bundle).size : 0))
  h.update(readFileSync(join(root, 'node_modules/node-llama-cpp/llama/llama.cpp.info.json')))
  return h.digest('hex').slice(0, 16)
}

function build(backendOverride) {
  if (!existsSync(bundle)) throw new Error('node-llama-cpp is not installed (its llama.cpp source bundle is missing): run npm install')
  if (!has('cmake')) throw new Error('CMake was not found: install CMake 3.19+ (Debian: apt-get install cmake) and run npm run build:trainer')
  const backend = backendOverride ?? detectBackend()
  const stampFile = join(buildRoot, `stamp-${backend}`)
  const stamp = hashSources(backend)
  if (!force && existsSync(outBin) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    log(`up to date (${backend}): ${outBin}`)
    return
  }
  mkdirSync(buildRoot, { recursive: true })
  const patches = readdirSync(join(native, 'patches')).filter((f) => f.endsWith('.patch')).sort()
  // the hybrid build uses node-llama-cpp's prebuilt ggml: a patch there would silently not apply to it
  for (const p of patches)
    if (/^diff --git a\/ggml\//m.test(readFileSync(join(native, 'patches', p), 'utf8'))) throw new Error(`native/patches/${p} changes ggml/, which the hybrid build takes prebuilt from node-llama-cpp: patch llama.cpp's src/ instead`)
  const patchStamp = join(buildRoot, 'llama-patched')
  const wantPatch = createHash('sha256').update(patches.map((p) => readFileSync(join(native, 'patches', p))).join('\n')).digest('hex')
  if (!existsSync(llamaDir) || !existsSync(patchStamp) || readFileSync(patchStamp, 'utf8') !== wantPatch) {
    rmSync(llamaDir, { recursive: true, force: true })
    log('cloning llama.cpp from node-llama-cpp\'s source bundle')
    run('git', ['clone', '--quiet', bundle, llamaDir])
    for (const p of patches) {
      log(`applying patch ${p}`)
      run('git', ['-C', llamaDir, 'apply', '--whitespace=nowarn', join(native, 'patches', p)])
    }
    writeFileSync(patchStamp, wantPatch)
  }
  const buildDir = join(buildRoot, backend)
  const defs = [`-DLLAMA_SRC=${llamaDir}`, '-DCMAKE_BUILD_TYPE=Release']
  let note = null
  if (backend === 'hybrid') {
    const folders = prebuiltFolders()
    const plain = folders[folders.length - 1]
    const libs = plain && prebuiltGgml(plain.dir)
    if (!libs) throw new Error(`no prebuilt ggml of node-llama-cpp was found for ${process.platform}-${process.arch} (node_modules/@node-llama-cpp/*): run npm install, or build ggml from source with AUTODIDACT_TRAINER_BACKEND=cpu-source`)
    const origin = process.platform === 'darwin' ? '@loader_path' : '$ORIGIN'
    const rel = relative(dirname(outBin), plain.dir).split('\\').join('/')
    defs.push(`-DAUTODIDACT_GGML_BASE=${libs.base}`, `-DAUTODIDACT_GGML=${libs.loader}`)
    defs.push(`-DAUTODIDACT_RPATH=${origin};${origin}/${rel};${plain.dir}`)
    // without a folder from the app, the trainer tries node-llama-cpp's GPU folders in order, then the plain one
    defs.push(`-DAUTODIDACT_DEFAULT_BACKENDS=${folders.map((f) => f.dir).join(delimiter)}`)
    // Windows has no RPATH and MSVC links a DLL through an import library: make them (or take the given ones)
    if (process.platform === 'win32') defs.push(`-DAUTODIDACT_GGML_IMPLIBS=${windowsImportLibs()}`)
    note = `ggml from ${plain.pkg} (prebuilt); backends at run time from ${folders.map((f) => f.pkg).join(', ')}`
  } else {
    if (backend === 'cuda') defs.push('-DGGML_CUDA=ON', ...cudaArchDefs(process.env))
    if (backend === 'metal') defs.push('-DGGML_METAL=ON', '-DGGML_METAL_EMBED_LIBRARY=ON')
    if (backend === 'vulkan') defs.push('-DGGML_VULKAN=ON')
    // Built on the user's own machine: optimise for it, unless a portable (packaged) build is asked for.
    defs.push(`-DGGML_NATIVE=${process.env.AUTODIDACT_TRAINER_PORTABLE ? 'OFF' : 'ON'}`)
  }
  log(`configuring (${backend})`)
  run('cmake', ['-S', native, '-B', buildDir, ...defs])
  const jobs = String(Math.max(1, Number(process.env.AUTODIDACT_BUILD_JOBS ?? cpus().length)))
  log(`building with ${jobs} jobs (the first build compiles llama.cpp: minutes)`)
  const t0 = Date.now()
  run('cmake', ['--build', buildDir, '--config', 'Release', '--target', 'autodidact-trainer', '-j', jobs])
  const built = [join(buildDir, 'bin', exe), join(buildDir, 'bin', 'Release', exe)].find((p) => existsSync(p))
  if (!built) throw new Error(`the build finished but ${exe} was not found in ${buildDir}/bin`)
  mkdirSync(dirname(outBin), { recursive: true })
  // copy beside, then rename: replacing the file in place fails (ETXTBSY) while a trainer is running, and
  // a rename leaves running trainers on the old file
  const tmpBin = `${outBin}.${process.pid}.tmp`
  copyFileSync(built, tmpBin)
  renameSync(tmpBin, outBin)
  if (backend === 'hybrid' && process.platform === 'win32') copyWindowsDlls(dirname(outBin))
  writeFileSync(join(dirname(outBin), 'backend.txt'), backend)
  rmSync(join(dirname(outBin), 'backend-note.txt'), { force: true })
  if (note) writeFileSync(join(dirname(outBin), 'build-note.txt'), note)
  else rmSync(join(dirname(outBin), 'build-note.txt'), { force: true })
  writeFileSync(stampFile, stamp)
  rmSync(failedFile, { force: true })
  log(`built ${outBin} (${backend}) in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) {
  try {
    if (process.env.AUTODIDACT_SKIP_TRAINER_BUILD) log('skipped (AUTODIDACT_SKIP_TRAINER_BUILD is set)')
    else {
      try {
        build()
      } catch (err) {
        if (detectBackend() === 'hybrid' || detectBackend() === 'cpu-source') throw err
        // Said out loud, recorded for system.info, never silent: the GPU build failed, the hybrid one is tried.
        console.error(`[trainer] the ${detectBackend()} build FAILED (${err.message}); building the hybrid trainer instead`)
        build('hybrid')
        writeFileSync(join(dirname(outBin), 'backend-note.txt'), `${detectBackend()} build failed: ${err.message}`)
      }
    }
  } catch (err) {
    mkdirSync(buildRoot, { recursive: true })
    writeFileSync(failedFile, String(err.message ?? err))
    console.error(`[trainer] BUILD FAILED: ${err.message ?? err}`)
    console.error('[trainer] The app still installs and runs; training stays unavailable until `npm run build:trainer` succeeds.')
  }
}
