import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { backendArgs } from './backends'
import { defaultTrainerPath, eventLines, exitError, trackChild, TrainerError, trainerStatus, type RunOptions } from './client'
import type { ErrorEvent, StartedEvent, TrainerEvent, TrainJob, TrainResult } from './protocol'

export interface WorkerOptions {
  trainerPath?: string
  /** the worker exits after this long without a job, freeing the base model's memory (default 60 s) */
  idleMs?: number
  /** jobs trained on one load of the base before the worker reloads it (default 32) */
  maxJobsPerLoad?: number
}

interface Current {
  opts: RunOptions
  t0: number
  started: StartedEvent | null
  error: ErrorEvent | null
  resolve: (r: TrainResult) => void
  reject: (e: Error) => void
}

/**
 * A warm trainer (`autodidact-trainer --serve`): jobs go to one long-lived process that keeps the base model
 * loaded while consecutive jobs use the same one, saving the process start and the model load per round.
 * Same contract as runTraining. One job at a time (later calls wait their turn; one cancelled while waiting
 * is rejected at once). Any failure ends the process (the trainer exits on every error); the next job starts
 * a fresh one.
 */
export class TrainerWorker {
  private child: ChildProcess | null = null
  private childPath = ''
  private stderr = ''
  private current: Current | null = null
  private queue: Promise<unknown> = Promise.resolve()
  private idleTimer: NodeJS.Timeout | null = null
  private disposed = false

  constructor(private readonly options: WorkerOptions = {}) {}

  /** The worker's process id, while one runs. */
  get pid(): number | null {
    return this.child?.pid ?? null
  }

  run(job: TrainJob, opts: RunOptions = {}): Promise<TrainResult> {
    let waiting = true
    const turn = this.queue.then(() => {
      waiting = false
      return this.runNow(job, opts)
    })
    this.queue = turn.catch(() => undefined)
    const signal = opts.signal
    if (!signal) return turn
    // cancelled while waiting its turn: rejected at once (its turn then finds the signal aborted and passes)
    return new Promise<TrainResult>((resolve, reject) => {
      const onAbort = () => waiting && reject(new TrainerError('training was cancelled', 'cancelled'))
      signal.addEventListener('abort', onAbort, { once: true })
      if (signal.aborted) onAbort()
      turn.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  /** Ends a waiting worker now (freeing its copy of the base model) and waits for it to exit; no-op while training. */
  async release(): Promise<void> {
    const child = this.child
    if (!child || this.current) return
    this.clearIdle()
    const exited = new Promise((r) => child.once('exit', r))
    this.retire()
    await exited
  }

  /** Ends the worker: EOF to a waiting one, SIGKILL to one still training. */
  async dispose(): Promise<void> {
    this.disposed = true
    this.clearIdle()
    const child = this.child
    if (!child) return
    const exited = new Promise((r) => child.once('exit', r))
    if (this.current) child.kill('SIGKILL')
    else child.stdin?.end()
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
  }

  private async runNow(job: TrainJob, opts: RunOptions): Promise<TrainResult> {
    if (this.disposed) throw new TrainerError('the trainer worker was shut down', 'cancelled')
    const path = opts.trainerPath ?? this.options.trainerPath ?? defaultTrainerPath()
    if (!existsSync(path)) throw new TrainerError(trainerStatus(path).reason ?? `trainer not found at ${path}`, 'unavailable')
    if (opts.signal?.aborted) throw new TrainerError('training was cancelled', 'cancelled')
    this.clearIdle()
    const args = backendArgs(opts.backends)
    const key = [path, ...args].join('\0')
    if (this.child && this.childPath !== key) this.retire() // another trainer binary or backend folder: a new worker for it
    const child = this.child ?? this.start(path, args, key)
    setReferenced(child, true)
    return new Promise<TrainResult>((resolve, reject) => {
      let killTimer: NodeJS.Timeout | null = null
      const onAbort = () => {
        child.kill('SIGTERM')
        killTimer = setTimeout(() => child.kill('SIGKILL'), opts.graceMs ?? 3000)
      }
      const finish = () => {
        opts.signal?.removeEventListener('abort', onAbort)
        this.current = null
        const stopping = child.exitCode === null && child.signalCode === null
        if (killTimer && stopping) {
          // cancelled just as its job finished: the worker is stopping, so the next job must not go to it
          killTimer.unref()
          if (this.child === child) this.retire()
        } else if (killTimer) clearTimeout(killTimer)
        if (this.child) {
          setReferenced(this.child, false)
          this.armIdle()
        }
      }
      this.current = {
        opts,
        t0: Date.now(),
        started: null,
        error: null,
        resolve: (r) => {
          finish()
          resolve(r)
        },
        reject: (e) => {
          finish()
          reject(e)
        }
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      this.stderr = ''
      child.stdin!.write(JSON.stringify(job) + '\n')
    })
  }

  private start(path: string, backend: string[], key: string): ChildProcess {
    const args = [...backend, '--serve', '--max-jobs-per-load', String(this.options.maxJobsPerLoad ?? 32)]
    const child = spawn(path, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    trackChild(child)
    this.child = child
    this.childPath = key
    child.stdin!.on('error', () => undefined) // a worker that died mid-write: reported by 'exit'
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000)
    })
    child.stdout!.on('data', eventLines((ev) => this.onEvent(ev)))
    child.on('error', (err) => {
      if (this.child !== child) return
      this.child = null
      this.current?.reject(new TrainerError(`the trainer could not start: ${err.message}`, 'crashed'))
    })
    child.on('exit', (code, signal) => {
      if (this.child !== child) return // a replaced worker ending: no job of ours was on it
      this.child = null
      this.clearIdle()
      const cur = this.current
      if (cur) cur.reject(exitError(code, signal, Boolean(cur.opts.signal?.aborted), cur.error, this.stderr))
    })
    return child
  }

  private onEvent(ev: TrainerEvent): void {
    const cur = this.current
    if (!cur) return
    if (ev.type === 'started') cur.started = ev
    if (ev.type === 'error') cur.error = ev // the process exits next; 'exit' rejects
    cur.opts.onEvent?.(ev)
    if (ev.type === 'done') cur.resolve({ ...ev, started: cur.started!, wallMs: Date.now() - cur.t0 })
  }

  private armIdle(): void {
    this.clearIdle()
    this.idleTimer = setTimeout(() => this.retire(), this.options.idleMs ?? 60_000)
    this.idleTimer.unref()
  }

  /** EOF to the waiting worker, which then exits; it is detached at once, so a new job starts a new one. */
  private retire(): void {
    this.child?.stdin?.end()
    this.child = null
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
  }
}

/** A waiting worker must not keep the app's event loop alive (a CLI command ends when its work does). */
function setReferenced(child: ChildProcess, on: boolean): void {
  for (const h of [child, child.stdin, child.stdout, child.stderr] as ({ ref?: () => void; unref?: () => void } | null)[]) {
    if (on) h?.ref?.()
    else h?.unref?.()
  }
}
