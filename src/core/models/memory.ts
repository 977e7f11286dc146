import { freemem } from 'node:os'
import { GgufInsights, readGgufFileInfo, type Llama } from 'node-llama-cpp'
import { formatBytes } from './units'

export interface MemoryEstimate {
  /** RAM and VRAM for the weights at this GPU layer count */
  model: { cpuRam: number; gpuVram: number }
  /** RAM and VRAM for a context (KV cache, compute buffers) of `contextSize` tokens */
  context: { cpuRam: number; gpuVram: number }
  contextSize: number
  gpuLayers: number
  ramFree: number
  /** part of ramFree node-llama-cpp keeps in reserve (its ramPadding) */
  ramReserve: number
  vramFree: number | null
}

/** node-llama-cpp's own estimate (GgufInsights) of what loading `path` with a `contextSize` context needs. */
export async function estimateMemory(llama: Llama, path: string, contextSize: number, gpuLayers?: number): Promise<MemoryEstimate> {
  const insights = await GgufInsights.from(await readGgufFileInfo(path, { logWarnings: false }), llama)
  const layers = llama.gpu === false ? 0 : Math.min(gpuLayers ?? insights.totalLayers, insights.totalLayers)
  const model = insights.estimateModelResourceRequirements({ gpuLayers: layers })
  // node-llama-cpp's default batch: min(contextSize, 512) tokens per decode
  const context = insights.estimateContextResourceRequirements({ contextSize, modelGpuLayers: layers, batchSize: Math.min(contextSize, 512) })
  const vram = llama.gpu === false ? null : await llama.getVramState()
  return { model, context, contextSize, gpuLayers: layers, ramFree: freemem(), ramReserve: llama.ramPaddingSize, vramFree: vram?.free ?? null }
}

/** "needs about 9.1 GB of RAM (1.2 GB weights + 7.9 GB for a 65536-token context) but 3.0 GB is free" */
export function describeShortfall(e: MemoryEstimate): string {
  const ram = e.model.cpuRam + e.context.cpuRam
  const vram = e.model.gpuVram + e.context.gpuVram
  const parts = [
    `about ${formatBytes(ram)} of RAM (${formatBytes(e.model.cpuRam)} weights + ${formatBytes(e.context.cpuRam)} for a ${e.contextSize}-token context) with ${formatBytes(e.ramFree)} free${e.ramReserve > 0 ? ` (${formatBytes(Math.min(e.ramReserve, e.ramFree))} of it kept in reserve)` : ''}`
  ]
  if (e.vramFree !== null && vram > 0) parts.push(`${formatBytes(vram)} of GPU memory with ${formatBytes(e.vramFree)} free`)
  return `it needs ${parts.join(', and ')}`
}

export function isMemoryError(err: unknown): boolean {
  const e = err as { name?: string; message?: string }
  return e?.name === 'InsufficientMemoryError' || /memory|VRAM|\bRAM\b|alloc/i.test(e?.message ?? '')
}

/** A user-facing explanation of a memory failure, with node-llama-cpp's estimate when one can be made. */
export async function explainMemoryError(llama: Llama, path: string, contextSize: number, gpuLayers: number | undefined, what: string): Promise<string> {
  let detail: string
  try {
    detail = describeShortfall(await estimateMemory(llama, path, contextSize, gpuLayers))
  } catch {
    detail = `${formatBytes(freemem())} of RAM is free`
  }
  return `Not enough memory ${what}: ${detail}. Pick a smaller model or quantization, lower the context size in Settings, or close other programs.`
}
