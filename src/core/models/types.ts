import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp'
import type { GpuReport, LoadedModelInfo } from '../contract'

export interface LoraRef {
  path: string
  scale?: number
}

/** Exclusive use of the loaded model's context (optionally with LoRA adapters). Call release() when done. */
export interface ContextLease {
  model: LlamaModel
  context: LlamaContext
  sequence: LlamaContextSequence
  release(): void
}

/**
 * Owns the native llama.cpp resources (node-llama-cpp). One model loaded at a time. Access to the
 * context is serialised with a lock. Adapters are cached by node-llama-cpp per file path and freed
 * only with the model, so the host recycles the model after a bounded number of adapters.
 */
export interface ModelHost {
  llama(): Promise<Llama>
  gpuReport(): Promise<GpuReport>
  load(
    modelId: string,
    path: string,
    opts?: { contextSize?: number; gpuLayers?: 'auto' | number; signal?: AbortSignal; onProgress?: (p: number) => void }
  ): Promise<LoadedModelInfo>
  unload(): Promise<void>
  loaded(): (LoadedModelInfo & { path: string }) | null
  /** Waits for the lock; with adapters, a context with those LoRAs attached. Throws when no model is loaded. */
  acquire(opts?: { adapters?: LoraRef[]; signal?: AbortSignal }): Promise<ContextLease>
  dispose(): Promise<void>
}
