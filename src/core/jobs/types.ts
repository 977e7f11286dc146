import type { JobInfo, JobKind } from '../contract'

export interface JobHandle {
  id: string
  signal: AbortSignal
  /** progress 0..1 (or null when unknown) plus a human detail such as "35 s left" */
  progress(progress: number | null, detail?: string | null): void
}

/**
 * Long work runs as a job: progress is pushed as job.update events, jobs.cancel aborts its signal.
 * start() returns at once; `done` settles with the work's result.
 */
export interface JobManager {
  start<T>(kind: JobKind, label: string, work: (job: JobHandle) => Promise<T>): { id: string; done: Promise<T> }
  cancel(id: string): boolean
  list(): JobInfo[]
  get(id: string): JobInfo | undefined
}
