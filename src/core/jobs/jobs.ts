import type { JobInfo, JobKind } from '../contract'
import { isAbort, toWireError } from '../errors'
import type { EventBus } from '../services'
import type { JobHandle, JobManager } from './types'

const KEEP_FINISHED = 50
const MIN_INTERVAL_MS = 100 // progress events at most ~10/s per job

export function createJobManager(events: EventBus): JobManager {
  const jobs = new Map<string, JobInfo>()
  const controllers = new Map<string, AbortController>()
  let seq = 0

  const publish = (job: JobInfo) => events.emit({ type: 'job.update', job: { ...job } })
  const prune = () => {
    const finished = [...jobs.values()].filter((j) => j.status !== 'running')
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) jobs.delete(j.id)
  }

  return {
    start<T>(kind: JobKind, label: string, work: (job: JobHandle) => Promise<T>) {
      const id = `job_${Date.now().toString(36)}_${++seq}`
      const controller = new AbortController()
      const info: JobInfo = { id, kind, label, status: 'running', progress: null, detail: null, error: null, startedAt: Date.now(), endedAt: null }
      jobs.set(id, info)
      controllers.set(id, controller)
      publish(info)
      let last = 0
      let trailing: ReturnType<typeof setTimeout> | null = null
      const flush = () => {
        if (trailing) clearTimeout(trailing)
        trailing = null
        last = Date.now()
        if (info.status === 'running') publish(info)
      }
      const handle: JobHandle = {
        id,
        signal: controller.signal,
        progress(progress, detail) {
          info.progress = progress
          if (detail !== undefined) info.detail = detail
          const wait = MIN_INTERVAL_MS - (Date.now() - last)
          if (wait <= 0 || progress === 1) flush()
          // throttled: the latest value still goes out once the interval has passed
          else trailing ??= setTimeout(flush, wait)
        }
      }
      const done = (async () => {
        try {
          const result = await work(handle)
          info.status = 'done'
          info.progress = 1
          return result
        } catch (err) {
          info.status = controller.signal.aborted || isAbort(err) ? 'cancelled' : 'failed'
          info.error = toWireError(err).message
          throw err
        } finally {
          if (trailing) clearTimeout(trailing)
          info.endedAt = Date.now()
          controllers.delete(id)
          publish(info)
          prune()
        }
      })()
      done.catch(() => undefined) // callers that ignore `done` must not crash the process
      return { id, done }
    },
    cancel(id) {
      const c = controllers.get(id)
      if (!c) return false
      c.abort()
      return true
    },
    list: () => [...jobs.values()].map((j) => ({ ...j })).sort((a, b) => b.startedAt - a.startedAt),
    get: (id) => {
      const j = jobs.get(id)
      return j ? { ...j } : undefined
    }
  }
}
