import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { TrainingDevice } from '../contract'
import type { StartedEvent } from './protocol'

/** Which ggml backends node-llama-cpp uses for inference: `Llama.gpu`. */
export type InferenceGpu = 'cuda' | 'vulkan' | 'metal' | false

/** The binary folder the trainer loads ggml's backends from (its --backends), and node-llama-cpp's fallback folder. */
export interface BackendFolders {
  dir: string
  fallbackDir?: string
}

/**
 * The @node-llama-cpp/* package node-llama-cpp takes its prebuilt binaries from for this platform and GPU type
 * (with the package of its fallback build, for CUDA), or null where it has none (it then builds from source).
 */
export function prebuiltPackage(platform: string, arch: string, gpu: InferenceGpu): { pkg: string; ext?: string } | null {
  const plat = platform === 'darwin' ? 'mac' : platform === 'win32' ? 'win' : platform
  if (plat === 'mac') return arch === 'arm64' && gpu === 'metal' ? { pkg: 'mac-arm64-metal' } : arch === 'x64' && !gpu ? { pkg: 'mac-x64' } : null
  if (plat !== 'linux' && plat !== 'win') return null
  if (arch === 'x64') {
    if (gpu === 'cuda') return { pkg: `${plat}-x64-cuda`, ext: `${plat}-x64-cuda-ext` }
    if (gpu === 'vulkan') return { pkg: `${plat}-x64-vulkan` }
    return gpu ? null : { pkg: `${plat}-x64` }
  }
  const a = arch === 'arm' ? 'armv7l' : arch
  return ['arm64', 'armv7l', 'riscv64'].includes(a) && (plat === 'linux' || a === 'arm64') ? { pkg: `${plat}-${a}` } : null
}

/** node_modules/@node-llama-cpp, beside the node-llama-cpp that is installed. */
function packagesRoot(): string | null {
  try {
    const entry = createRequire(import.meta.url).resolve('node-llama-cpp')
    const root = entry.slice(0, entry.lastIndexOf('node-llama-cpp'))
    return join(root, '@node-llama-cpp')
  } catch {
    return null
  }
}

/** The one folder under a package's bins/ (e.g. bins/linux-x64-cuda). */
function binsFolder(pkgDir: string): string | null {
  const bins = join(pkgDir, 'bins')
  if (!existsSync(bins)) return null
  const dirs = readdirSync(bins).filter((d) => statSync(join(bins, d)).isDirectory())
  return dirs.length ? join(bins, dirs.sort()[0]) : null
}

/**
 * The folders node-llama-cpp loaded its ggml backends from for inference (same package, same order: the
 * package's folder, then the fallback folder), so the trainer trains on the backend inference runs on. Null when
 * node-llama-cpp uses no prebuilt package here (a local build): the trainer then picks by itself.
 */
export function backendFolders(gpu: InferenceGpu, platform: string = process.platform, arch: string = process.arch, root = packagesRoot()): BackendFolders | null {
  const p = prebuiltPackage(platform, arch, gpu)
  if (!p || !root) return null
  const dir = binsFolder(join(root, p.pkg))
  if (!dir) return null
  const ext = p.ext ? binsFolder(join(root, p.ext)) : null
  const fallbackDir = ext ? join(ext, 'fallback') : join(dir, 'fallback')
  return existsSync(fallbackDir) ? { dir, fallbackDir } : { dir }
}

/** The trainer's command-line options for these folders. */
export function backendArgs(folders: BackendFolders | null | undefined): string[] {
  if (!folders) return []
  return ['--backends', folders.dir, ...(folders.fallbackDir ? ['--backends-fallback', folders.fallbackDir] : [])]
}


/** What a round stores about where its training ran, from the trainer's `started` event. */
export function trainingDevice(e: StartedEvent): TrainingDevice {
  const p = e.placement
  return {
    placement: p?.device ?? e.backend,
    device: e.device,
    backend: e.ggmlBackend ?? (e.backend === 'gpu' ? 'GPU' : 'CPU'),
    cpuOps: p?.cpuOps ?? [],
    reason: p?.reason ?? null,
    f32Copy: p?.f32Copy ?? Boolean(e.baseCopy)
  }
}
