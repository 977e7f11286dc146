import { freemem, totalmem } from 'node:os'
import { getLlama, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel } from 'node-llama-cpp'
import type { GpuReport, LoadedModelInfo } from '../contract'
import { UserError } from '../errors'
import { checkAdapter } from './adapter-check'
import { checkTensorExtents, readGgufHeader } from './gguf-read'
import { GgufError, metaString, type GgufHeader } from './gguf-types'
import { cpuFallbackReason, probeGpu } from './gpu-reason'
import { hyperparameterProblem } from './hparams'
import { isKnownArchitecture } from './llama-archs'
import { chatTemplateProblem } from './template-check'
import { explainMemoryError, isMemoryError } from './memory'
import type { ContextLease, LoraRef, ModelHost } from './types'

export interface HostOptions {
  gpu?: 'auto' | 'cpu'
  /** distinct adapters attached before the model is recycled (node-llama-cpp frees adapters only with the model) */
  maxAdaptersPerLoad?: number
  defaultContextSize?: () => Promise<number>
  /** CPU threads for evaluation; default: the machine's math cores (node-llama-cpp's own default oversubscribes small CPUs) */
  threads?: number
  /** RAM node-llama-cpp keeps in reserve in its memory checks (bytes; its default: 25% of RAM, at most 1 GB on Linux) */
  ramPadding?: number
}

interface Loaded {
  info: LoadedModelInfo & { path: string }
  model: LlamaModel
  header: GgufHeader
  context: LlamaContext | null
  sequence: LlamaContextSequence | null
  contextKey: string
  adaptersSeen: Set<string>
  opts: { contextSize?: number; gpuLayers?: 'auto' | number }
}

/** node-llama-cpp behind a lock: one model, one context (keyed by its adapter set) at a time. */
export function createModelHost(options: HostOptions = {}): ModelHost {
  let llamaPromise: Promise<Llama> | null = null
  let current: Loaded | null = null
  let lock: Promise<unknown> = Promise.resolve()
  const maxAdapters = options.maxAdaptersPerLoad ?? 16

  const llama = () => (llamaPromise ??= getLlama({ gpu: options.gpu === 'cpu' ? false : 'auto', logLevel: 'error' as never, ramPadding: options.ramPadding }))

  async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = lock.then(fn, fn)
    lock = run.catch(() => undefined)
    return run
  }

  async function loadModel(path: string, header: GgufHeader, opts: Loaded['opts'], signal?: AbortSignal, onProgress?: (p: number) => void) {
    const l = await llama()
    try {
      return await l.loadModel({ modelPath: path, gpuLayers: opts.gpuLayers ?? 'auto', loadSignal: signal, onLoadProgress: onProgress })
    } catch (err) {
      const msg = (err as Error).message ?? String(err)
      if (signal?.aborted) throw new UserError('Loading was cancelled.', 'cancelled')
      if (/architecture/i.test(msg)) {
        throw new UserError(`This model's architecture (${metaString(header, 'general.architecture')}) is not supported by the bundled llama.cpp: ${msg}`, 'unsupported_arch')
      }
      if (isMemoryError(err)) {
        const ctx = opts.contextSize ?? (await options.defaultContextSize?.()) ?? 4096
        throw new UserError(await explainMemoryError(l, path, ctx, typeof opts.gpuLayers === 'number' ? opts.gpuLayers : undefined, 'to load this model'), 'out_of_memory')
      }
      throw new UserError(`The model could not be loaded: ${msg}`, 'model_load')
    }
  }

  async function contextFor(c: Loaded, adapters: LoraRef[]): Promise<LlamaContext> {
    const key = adapters.map((a) => `${a.path}@${a.scale ?? 1}`).join('|')
    if (c.context && c.contextKey === key) return c.context
    for (const a of adapters) {
      const problem = await checkAdapter(a.path, c.header)
      if (problem) throw new UserError(`The adapter ${a.path} does not fit the loaded model: ${problem}.`, 'adapter_mismatch')
    }
    await c.context?.dispose()
    c.context = null
    c.sequence = null
    const fresh = adapters.filter((a) => !c.adaptersSeen.has(a.path))
    if (fresh.length && c.adaptersSeen.size + fresh.length > maxAdapters) {
      // bound memory: every adapter node-llama-cpp has loaded stays resident until the model is disposed
      await c.model.dispose()
      c.model = await loadModel(c.info.path, c.header, c.opts)
      c.adaptersSeen.clear()
    }
    const ctx = await c.model
      .createContext({
        contextSize: c.info.contextSize,
        threads: options.threads ?? (Number(process.env.AUTODIDACT_THREADS ?? 0) || (await llama()).cpuMathCores),
        lora: adapters.length ? { adapters: adapters.map((a) => ({ filePath: a.path, scale: a.scale ?? 1 })) } : undefined
      })
      .catch(async (err: unknown) => {
        if (!isMemoryError(err)) throw err
        const what = `for a ${c.info.contextSize}-token context`
        throw new UserError(await explainMemoryError(await llama(), c.info.path, c.info.contextSize, c.model.gpuLayers, what), 'out_of_memory')
      })
    for (const a of adapters) c.adaptersSeen.add(a.path)
    c.context = ctx
    c.sequence = ctx.getSequence() // one sequence per context, kept so its KV cache (prompt prefix) is reused
    c.contextKey = key
    return ctx
  }

  return {
    llama,
    async gpuReport(): Promise<GpuReport> {
      const l = await llama()
      const backend = l.gpu === false ? 'cpu' : l.gpu
      const vram = backend === 'cpu' ? null : await l.getVramState()
      return {
        backend,
        deviceNames: backend === 'cpu' ? [] : await l.getGpuDeviceNames(),
        vramTotalBytes: vram?.total ?? null,
        vramFreeBytes: vram?.free ?? null,
        ramTotalBytes: totalmem(),
        ramFreeBytes: freemem(),
        cpuReason: backend !== 'cpu' ? null : cpuFallbackReason(options.gpu === 'cpu', probeGpu())
      }
    },
    load(modelId, path, opts = {}) {
      return exclusive(async () => {
        let header: GgufHeader
        try {
          header = await readGgufHeader(path)
        } catch (err) {
          if (err instanceof GgufError) throw new UserError(`${path} is not a usable GGUF model: ${err.message}.`, 'bad_gguf')
          throw new UserError(`The model file cannot be read: ${(err as Error).message}`, 'not_found')
        }
        const truncated = checkTensorExtents(header)
        if (truncated) throw new UserError(`${path} is damaged: ${truncated}. Download it again.`, 'bad_gguf')
        if (metaString(header, 'general.type') === 'adapter') throw new UserError('This file is a LoRA adapter, not a model.', 'bad_gguf')
        const arch = metaString(header, 'general.architecture')
        if (!arch) throw new UserError(`${path} has no general.architecture key: it is not a model llama.cpp can load.`, 'bad_gguf')
        if (!isKnownArchitecture(arch)) {
          throw new UserError(
            `This model's architecture "${arch}" is not supported by the bundled llama.cpp, so it cannot be loaded. Pick a model of a supported family (Llama, Qwen, Gemma, Phi, Mistral...).`,
            'unsupported_arch'
          )
        }
        const insane = hyperparameterProblem(header)
        if (insane) throw new UserError(`${path} cannot be loaded: ${insane}. The file is damaged or was converted wrongly; get the model again from its source.`, 'bad_gguf')
        const template = await chatTemplateProblem(header)
        if (template) throw new UserError(`${path} cannot be loaded: ${template}. Its chat template is broken or hostile; get the model from another source.`, 'bad_template')
        if (current) {
          await current.context?.dispose()
          await current.model.dispose()
          current = null
        }
        const loadOpts = { contextSize: opts.contextSize, gpuLayers: opts.gpuLayers }
        const model = await loadModel(path, header, loadOpts, opts.signal, opts.onProgress)
        const wanted = opts.contextSize ?? (await options.defaultContextSize?.()) ?? 4096
        const contextSize = Math.max(256, Math.min(wanted, model.trainContextSize || wanted))
        const l = await llama()
        const info = { modelId, path, contextSize, gpuLayers: model.gpuLayers, backend: l.gpu === false ? 'cpu' : l.gpu, vramUsedBytes: null }
        current = { info, model, header, context: null, sequence: null, contextKey: '', adaptersSeen: new Set(), opts: loadOpts }
        return { ...info }
      })
    },
    unload() {
      return exclusive(async () => {
        if (!current) return
        await current.context?.dispose()
        await current.model.dispose()
        current = null
      })
    },
    loaded: () => (current ? { ...current.info } : null),
    async acquire(opts = {}): Promise<ContextLease> {
      let release!: () => void
      const held = new Promise<void>((r) => (release = r))
      const acquired = new Promise<ContextLease>((resolve, reject) => {
        void exclusive(async () => {
          try {
            if (opts.signal?.aborted) throw new UserError('Cancelled.', 'cancelled')
            if (!current) throw new UserError('No model is loaded: load one in Models first.', 'no_model')
            const context = await contextFor(current, opts.adapters ?? [])
            resolve({ model: current.model, context, sequence: current.sequence!, release })
          } catch (err) {
            reject(err)
            release()
          }
          await held
        })
      })
      return acquired
    },
    async dispose() {
      await exclusive(async () => {
        await current?.context?.dispose()
        await current?.model.dispose()
        current = null
      })
      if (llamaPromise) await (await llamaPromise).dispose()
    }
  }
}
