import { z } from 'zod'
import { m } from './define'

export interface CatalogEntry {
  id: string // e.g. "qwen2.5-1.5b-instruct-q4_k_m"
  family: string // "Qwen2.5" | "Llama-3.2"
  name: string // "Qwen2.5 1.5B Instruct"
  params: string // "1.5B"
  quant: 'Q4_K_M' | 'Q8_0'
  sizeBytes: number
  hfRepo: string
  hfFile: string
  license: string
  /** Architecture facts for the fit check (KV cache size per token etc.) */
  arch: { layers: number; embd: number; headsKv: number; headDim: number; ctxTrain: number }
  notes: string
}

export interface FitCheck {
  fits: boolean
  where: 'gpu' | 'cpu' | 'none'
  /** Bytes the weights + KV cache at `contextSize` need */
  neededBytes: number
  availableBytes: number
  reason: string
}

export interface ModelInfo {
  id: string
  name: string
  path: string
  sizeBytes: number
  architecture: string | null
  source: 'catalog' | 'import' | 'generated'
  catalogId: string | null
  addedAt: number
  loaded: boolean
}

export interface LoadedModelInfo {
  modelId: string
  contextSize: number
  gpuLayers: number
  backend: string
  vramUsedBytes: number | null
}

/**
 * The model used last (every successful load is remembered, from any shell) and what this start did with it:
 * off (the setting, or a shell that does not load at start, e.g. the CLI), loading, loaded, failed (message: why
 * and what to do), skipped (the previous start died while loading it), cancelled; none: nothing was remembered.
 */
export interface LastModelState {
  model: { id: string; name: string; path: string } | null
  atStart: 'none' | 'off' | 'loading' | 'loaded' | 'failed' | 'skipped' | 'cancelled'
  message: string | null
  /** the load job of the start (progress arrives as job.update events) */
  jobId: string | null
}

export type ModelEvent =
  | { type: 'models.changed' }
  | { type: 'model.loaded'; model: LoadedModelInfo }
  | { type: 'model.unloaded'; modelId: string }

export const modelMethods = {
  'models.catalog': m<(CatalogEntry & { fit: FitCheck; downloaded: boolean })[]>()(
    z.object({ contextSize: z.number().int().positive().optional() })
  ),
  'models.list': m<ModelInfo[]>()(z.object({})),
  /** Starts a download job; progress arrives as job.update events. */
  'models.download': m<{ jobId: string }>()(z.object({ catalogId: z.string() })),
  'models.import': m<ModelInfo>()(z.object({ path: z.string().min(1), name: z.string().optional() })),
  /** deleteFile deletes only a file the app downloaded or generated inside its models folder; imported files are only forgotten (fileKept says why). */
  'models.remove': m<{ removed: boolean; fileDeleted?: boolean; fileKept?: string }>()(z.object({ modelId: z.string(), deleteFile: z.boolean().default(false) })),
  /** Starts a load job (progress via job.update), resolves when loaded. */
  'models.load': m<LoadedModelInfo>()(
    z.object({ modelId: z.string(), contextSize: z.number().int().positive().optional(), gpuLayers: z.union([z.literal('auto'), z.number().int().min(0)]).default('auto') })
  ),
  /** Writes a small random-weights demo model (real tokenizer) so the mechanics can be tried offline. */
  'models.createDemo': m<ModelInfo>()(z.object({ layers: z.number().int().min(1).max(32).default(2), embd: z.number().int().min(32).max(1024).default(64) })),
  'models.unload': m<{ unloaded: boolean }>()(z.object({})),
  'models.loaded': m<LoadedModelInfo | null>()(z.object({})),
  /** The remembered model and whether it was loaded at this start (models.changed announces a change). */
  'models.last': m<LastModelState>()(z.object({}))
} as const
