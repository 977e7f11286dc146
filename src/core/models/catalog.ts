import type { CatalogEntry, FitCheck, GpuReport } from '../contract'
import { formatBytes } from './units'

type Arch = CatalogEntry['arch']
const QWEN_05: Arch = { layers: 24, embd: 896, headsKv: 2, headDim: 64, ctxTrain: 32768 }
const QWEN_15: Arch = { layers: 28, embd: 1536, headsKv: 2, headDim: 128, ctxTrain: 32768 }
const QWEN_3: Arch = { layers: 36, embd: 2048, headsKv: 2, headDim: 128, ctxTrain: 32768 }
const LLAMA_1: Arch = { layers: 16, embd: 2048, headsKv: 8, headDim: 64, ctxTrain: 131072 }
const LLAMA_3: Arch = { layers: 28, embd: 3072, headsKv: 8, headDim: 128, ctxTrain: 131072 }

const MB = 1024 * 1024
function entry(family: string, params: string, quant: CatalogEntry['quant'], sizeMb: number, hfRepo: string, hfFile: string, arch: Arch, license: string, notes: string): CatalogEntry {
  const id = `${family}-${params}-instruct-${quant}`.toLowerCase().replace(/[^a-z0-9.]+/g, '-')
  return { id, family, name: `${family} ${params} Instruct`, params, quant, sizeBytes: Math.round(sizeMb * MB), hfRepo, hfFile, license, arch, notes }
}

/**
 * Instruct models that suit TT-SI: small enough to answer AND train an adapter on a consumer GPU, with
 * tool-calling ability (the paper's main results use Qwen2.5-1.5B-Instruct). Sizes are the published files'.
 */
export const CATALOG: CatalogEntry[] = [
  entry('Qwen2.5', '0.5B', 'Q4_K_M', 469, 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', 'qwen2.5-0.5b-instruct-q4_k_m.gguf', QWEN_05, 'Apache-2.0', 'Fastest; good for trying the loop.'),
  entry('Qwen2.5', '0.5B', 'Q8_0', 645, 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', 'qwen2.5-0.5b-instruct-q8_0.gguf', QWEN_05, 'Apache-2.0', ''),
  entry('Qwen2.5', '1.5B', 'Q4_K_M', 1066, 'Qwen/Qwen2.5-1.5B-Instruct-GGUF', 'qwen2.5-1.5b-instruct-q4_k_m.gguf', QWEN_15, 'Apache-2.0', 'The model of the TT-SI paper: +5.5 points average with TT-SI.'),
  entry('Qwen2.5', '1.5B', 'Q8_0', 1801, 'Qwen/Qwen2.5-1.5B-Instruct-GGUF', 'qwen2.5-1.5b-instruct-q8_0.gguf', QWEN_15, 'Apache-2.0', ''),
  entry('Qwen2.5', '3B', 'Q4_K_M', 2002, 'Qwen/Qwen2.5-3B-Instruct-GGUF', 'qwen2.5-3b-instruct-q4_k_m.gguf', QWEN_3, 'Qwen Research', 'Stronger tool calling; research licence.'),
  entry('Qwen2.5', '3B', 'Q8_0', 3447, 'Qwen/Qwen2.5-3B-Instruct-GGUF', 'qwen2.5-3b-instruct-q8_0.gguf', QWEN_3, 'Qwen Research', ''),
  entry('Llama-3.2', '1B', 'Q4_K_M', 771, 'bartowski/Llama-3.2-1B-Instruct-GGUF', 'Llama-3.2-1B-Instruct-Q4_K_M.gguf', LLAMA_1, 'Llama 3.2 Community', ''),
  entry('Llama-3.2', '1B', 'Q8_0', 1259, 'bartowski/Llama-3.2-1B-Instruct-GGUF', 'Llama-3.2-1B-Instruct-Q8_0.gguf', LLAMA_1, 'Llama 3.2 Community', ''),
  entry('Llama-3.2', '3B', 'Q4_K_M', 1926, 'bartowski/Llama-3.2-3B-Instruct-GGUF', 'Llama-3.2-3B-Instruct-Q4_K_M.gguf', LLAMA_3, 'Llama 3.2 Community', ''),
  entry('Llama-3.2', '3B', 'Q8_0', 3263, 'bartowski/Llama-3.2-3B-Instruct-GGUF', 'Llama-3.2-3B-Instruct-Q8_0.gguf', LLAMA_3, 'Llama 3.2 Community', '')
]

/** Runtime overhead beyond weights and KV cache: compute buffers, scratch (a conservative estimate). */
export const OVERHEAD_BYTES = 400 * MB

/** KV cache bytes for `contextSize` tokens with an F16 cache. */
export function kvCacheBytes(arch: Arch, contextSize: number): number {
  return 2 * arch.layers * arch.headsKv * arch.headDim * 2 * contextSize
}

/** Does the model fit this machine at this context size? Where, and why (not)? */
export function fitCheck(e: CatalogEntry, gpu: GpuReport, contextSize: number): FitCheck {
  const ctx = Math.min(contextSize, e.arch.ctxTrain)
  const needed = e.sizeBytes + kvCacheBytes(e.arch, ctx) + OVERHEAD_BYTES
  const parts = `${formatBytes(e.sizeBytes)} weights + ${formatBytes(kvCacheBytes(e.arch, ctx))} KV cache for ${ctx} tokens + ${formatBytes(OVERHEAD_BYTES)} buffers`
  if (gpu.backend !== 'cpu' && gpu.vramFreeBytes !== null) {
    if (needed <= gpu.vramFreeBytes) {
      return { fits: true, where: 'gpu', neededBytes: needed, availableBytes: gpu.vramFreeBytes, reason: `Fits in GPU memory: needs ${formatBytes(needed)} (${parts}); ${formatBytes(gpu.vramFreeBytes)} free on ${gpu.deviceNames[0] ?? 'the GPU'}.` }
    }
    const ram = gpu.ramFreeBytes
    return {
      fits: needed <= ram,
      where: needed <= ram ? 'cpu' : 'none',
      neededBytes: needed,
      availableBytes: gpu.vramFreeBytes,
      reason: `Does not fit in GPU memory: needs ${formatBytes(needed)} (${parts}) but only ${formatBytes(gpu.vramFreeBytes)} is free; ${needed <= ram ? 'it would run partly on the CPU (slower).' : `not enough RAM either (${formatBytes(ram)} free).`}`
    }
  }
  const ram = gpu.ramFreeBytes
  return {
    fits: needed <= ram,
    where: needed <= ram ? 'cpu' : 'none',
    neededBytes: needed,
    availableBytes: ram,
    reason: needed <= ram
      ? `Runs on the CPU (no GPU in use: ${gpu.cpuReason ?? 'CPU only'}): needs ${formatBytes(needed)} (${parts}); ${formatBytes(ram)} RAM free.`
      : `Too large for this machine: needs ${formatBytes(needed)} (${parts}) but ${formatBytes(ram)} of RAM is free.`
  }
}
