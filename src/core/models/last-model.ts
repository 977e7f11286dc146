import { existsSync } from 'node:fs'
import type { LastModelState, LoadedModelInfo } from '../contract'
import { isAbort, toUserMessage } from '../errors'
import type { Services } from '../services'
import { lastModelRepo } from './last-model-repo'
import { startModelLoad } from './load-job'
import { modelsRepo } from './repo'

interface StartLoad {
  atStart: LastModelState['atStart']
  message: string | null
  jobId: string | null
  /** while loading: what, and the job's promise (a models.load of the same model waits for it) */
  inflight: { modelId: string; contextSize: number | null; done: Promise<LoadedModelInfo> } | null
  /** the user loaded another model meanwhile: the start's load was cancelled for it, nothing to report */
  superseded: boolean
}

const starts = new WeakMap<Services, StartLoad>()

/**
 * At engine start: decides what to do with the model used last (awaited by createEngine: a few reads, so
 * `models.last` answers at once), then loads it in the background as a model.load job like any other, when
 * this shell loads at start (`enabled`: the desktop app and web shell; a CLI command does not) and the setting
 * `loadLastModel` is on. Never throws: a missing or damaged file, or a previous start that died while loading
 * it, leaves the engine running with no model and a message saying why and what to do. `loaded` settles when
 * the background load has ended; `signal` (the engine closing) cancels it.
 */
export async function loadLastModelAtStart(s: Services, enabled: boolean, signal: AbortSignal): Promise<{ loaded: Promise<void> }> {
  const state: StartLoad = { atStart: 'none', message: null, jobId: null, inflight: null, superseded: false }
  starts.set(s, state)
  const set = (patch: Partial<StartLoad>) => {
    Object.assign(state, patch)
    s.events.emit({ type: 'models.changed' })
  }
  const settled = { loaded: Promise.resolve() }
  try {
    const last = await lastModelRepo.get(s.db)
    const m = last && (await modelsRepo.get(s.db, last.modelId))
    if (!last || !m) return settled
    if (!enabled || !(await s.settings.get()).loadLastModel) return (set({ atStart: 'off' }), settled)
    if ((await lastModelRepo.loadingAtStart(s.db)) === m.id) {
      await lastModelRepo.setLoadingAtStart(s.db, null) // the next start tries again
      set({
        atStart: 'skipped',
        message: `${m.name} was not loaded at start: the previous start began loading it and never finished (the app may have crashed while loading it). Load it in Models if you trust the file, or pick another model.`
      })
      return settled
    }
    if (!existsSync(m.path)) {
      set({ atStart: 'failed', message: `The last model used, ${m.name}, was not loaded: its file is gone (${m.path}). Import the file again, or download, import or create another model in Models.` })
      return settled
    }
    await lastModelRepo.setLoadingAtStart(s.db, m.id)
    const job = startModelLoad(s, m, { contextSize: last.contextSize ?? undefined, gpuLayers: 'auto' })
    state.inflight = { modelId: m.id, contextSize: last.contextSize, done: job.done }
    set({ atStart: 'loading', jobId: job.jobId })
    const cancel = () => s.jobs.cancel(job.jobId)
    signal.addEventListener('abort', cancel, { once: true })
    const loaded = (async () => {
      try {
        await job.done
        set({ atStart: 'loaded' })
      } catch (err) {
        const cancelled = isAbort(err) || (err as { code?: string }).code === 'cancelled' || signal.aborted
        if (state.superseded) set({ atStart: 'cancelled', message: null })
        else if (cancelled) set({ atStart: 'cancelled', message: `Loading ${m.name} at start was cancelled. Load it in Models when you need it.` })
        else set({ atStart: 'failed', message: `The last model used, ${m.name}, could not be loaded: ${toUserMessage(err)} Load, import, download or create another model in Models.` })
      } finally {
        state.inflight = null
        signal.removeEventListener('abort', cancel)
        await lastModelRepo.setLoadingAtStart(s.db, null).catch(() => undefined)
      }
    })()
    return { loaded }
  } catch (err) {
    // e.g. the database could not be written: the app starts all the same, without a model
    set({ atStart: 'failed', message: `The last model used could not be loaded at start: ${toUserMessage(err)}` })
    return settled
  }
}

/**
 * For models.load while the start is still loading: the same model (and context size) waits for that load
 * instead of loading it twice; another model cancels it, since the user chose something else.
 */
export function joinStartLoad(s: Services, modelId: string, contextSize: number | undefined): Promise<LoadedModelInfo> | null {
  const state = starts.get(s)
  const f = state?.inflight
  if (!state || !f) return null
  if (f.modelId === modelId && (contextSize === undefined || contextSize === f.contextSize)) return f.done
  state.superseded = true
  if (state.jobId) s.jobs.cancel(state.jobId)
  return null
}

/** The remembered model and what this start did with it. */
export async function lastModelState(s: Services): Promise<LastModelState> {
  const state = starts.get(s)
  const last = await lastModelRepo.get(s.db)
  const m = last ? await modelsRepo.get(s.db, last.modelId) : null
  return {
    model: m ? { id: m.id, name: m.name, path: m.path } : null,
    atStart: state?.atStart ?? 'none',
    message: state?.message ?? null,
    jobId: state?.jobId ?? null
  }
}
