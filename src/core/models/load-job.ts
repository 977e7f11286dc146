import type { LoadedModelInfo, ModelInfo } from '../contract'
import type { Services } from '../services'
import { lastModelRepo } from './last-model-repo'

/**
 * Loads a library model as a `model.load` job (progress and cancellation like any job). A successful load is
 * remembered as the last model used (src/core/models/last-model.ts loads it at the next start) and announced.
 */
export function startModelLoad(s: Services, m: ModelInfo, opts: { contextSize?: number; gpuLayers: 'auto' | number }): { jobId: string; done: Promise<LoadedModelInfo> } {
  const { id, done } = s.jobs.start('model.load', `Loading ${m.name}`, async (job) => {
    const info = await s.host.load(m.id, m.path, { contextSize: opts.contextSize, gpuLayers: opts.gpuLayers, signal: job.signal, onProgress: (p) => job.progress(p, `${Math.round(p * 100)}%`) })
    // best effort: a database that cannot be written now must not turn a loaded model into a failed load
    await lastModelRepo.remember(s.db, { modelId: m.id, contextSize: opts.contextSize ?? null }).catch(() => undefined)
    return info
  })
  return {
    jobId: id,
    done: done.then((info) => {
      s.events.emit({ type: 'model.loaded', model: info })
      s.events.emit({ type: 'models.changed' })
      return info
    })
  }
}
