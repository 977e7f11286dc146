import { existsSync, readdirSync, readFileSync } from 'node:fs'

/** What the machine shows of GPUs, independent of node-llama-cpp (so a failed GPU build can be told apart). */
export interface GpuProbe {
  platform: NodeJS.Platform
  arch: string
  /** first line of /proc/driver/nvidia/version, when an NVIDIA kernel driver is loaded */
  nvidiaDriver: string | null
  /** /dev/dri/renderD* nodes (any GPU with a DRM driver: AMD, Intel, NVIDIA) */
  renderNodes: number
}

export function probeGpu(): GpuProbe {
  let nvidiaDriver: string | null = null
  let renderNodes = 0
  try {
    if (existsSync('/proc/driver/nvidia/version')) nvidiaDriver = readFileSync('/proc/driver/nvidia/version', 'utf8').split('\n')[0].trim()
  } catch {
    nvidiaDriver = null
  }
  try {
    renderNodes = readdirSync('/dev/dri').filter((n) => n.startsWith('renderD')).length
  } catch {
    renderNodes = 0
  }
  return { platform: process.platform, arch: process.arch, nvidiaDriver, renderNodes }
}

/** Why models run on the CPU: forced by settings, a GPU without a usable build/driver, or no GPU at all. */
export function cpuFallbackReason(forced: boolean, p: GpuProbe): string {
  if (forced) return 'GPU use is turned off for this engine (started with the CPU forced).'
  if (p.nvidiaDriver) {
    return `An NVIDIA GPU driver is installed (${p.nvidiaDriver.slice(0, 80)}), but node-llama-cpp's CUDA and Vulkan builds could not use it (CUDA runtime missing or the driver too old?), so models run on the CPU (slow). Update the NVIDIA driver and restart.`
  }
  if (p.renderNodes > 0) {
    return 'A GPU is present, but no usable Vulkan driver was found for it, so models run on the CPU (slow). Install the Vulkan driver for your GPU (e.g. mesa-vulkan-drivers) and restart.'
  }
  if (p.platform === 'darwin' && p.arch === 'x64') return 'Metal acceleration needs an Apple Silicon Mac; on this Intel Mac models run on the CPU (slow).'
  return 'No supported GPU was found: node-llama-cpp found no usable CUDA, Vulkan or Metal device and driver, so models run on the CPU (slow).'
}
