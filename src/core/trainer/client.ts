import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { backendArgs, type BackendFolders } from './backends'
import type { ErrorEvent, StartedEvent, TrainerEvent, TrainJob, TrainResult } from './protocol'

export type { TrainJob, TrainResult, TrainerEvent } from './protocol'

/** A training failure, with the trainer's own error kind or how the process died. */
export class TrainerError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorEvent['kind'] | 'crashed' | 'unavailable',
    readonly stderrTail: string = ''
  ) {
    super(message)
    this.name = 'TrainerError'
  }
}

const exe = process.platform === 'win32' ? 'autodidact-trainer.exe' : 'autodidact-trainer'

/** Where the binary lives: an explicit path, AUTODIDACT_TRAINER, the packaged app, or native/build/bin. */
export function defaultTrainerPath(): string {
  if (process.env.AUTODIDACT_TRAINER) return process.env.AUTODIDACT_TRAINER
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath
  // packaged: unpacked beside node-llama-cpp's binaries, in the same relative layout as in the source tree (the
  // trainer finds the ggml libraries it links through that relative path); older packages: resources/trainer
  for (const dir of resources ? [join(resources, 'app.asar.unpacked', 'native', 'build', 'bin'), join(resources, 'trainer')] : [])
    if (existsSync(join(dir, exe))) return join(dir, exe)
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'native', 'build', 'bin', exe)
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  return join(process.cwd(), 'native', 'build', 'bin', exe)
}

export interface TrainerStatus {
  available: boolean
  path: string | null
  backend: string | null
  reason: string | null
}

export function trainerStatus(path = defaultTrainerPath()): TrainerStatus {
  const binDir = dirname(path)
  const failed = join(binDir, '..', 'BUILD_FAILED.txt')
  if (!existsSync(path)) {
    const why = existsSync(failed) ? `the trainer build failed: ${readFileSync(failed, 'utf8').slice(0, 400)}` : 'the trainer is not built: run npm run build:trainer'
    return { available: false, path: null, backend: null, reason: why }
  }
  const read = (f: string) => (existsSync(join(binDir, f)) ? readFileSync(join(binDir, f), 'utf8').trim() : null)
  return { available: true, path, backend: read('backend.txt'), reason: read('backend-note.txt') }
}

// Every live trainer, killed when this process exits (the trainer also has PDEATHSIG on Linux).
const live = new Set<ChildProcess>()
let exitHookInstalled = false
export function trackChild(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL')
    })
  }
}

export interface RunOptions {
  onEvent?: (e: TrainerEvent) => void
  signal?: AbortSignal
  trainerPath?: string
  /** how long a cancelled trainer may take to stop before SIGKILL */
  graceMs?: number
  /** where the job file is written; default beside the output adapter */
  jobDir?: string
  /** the binary folder node-llama-cpp loaded ggml's backends from for inference (backends.ts); default: the trainer picks */
  backends?: BackendFolders | null
}

/** A stdout listener that parses JSON-lines trainer events (lines that are not JSON are not ours: ignored). */
export function eventLines(onEvent: (ev: TrainerEvent) => void): (d: Buffer) => void {
  let buf = ''
  return (d) => {
    buf += d.toString()
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim()
      buf = buf.slice(nl + 1)
      if (!line) continue
      let ev: TrainerEvent
      try {
        ev = JSON.parse(line) as TrainerEvent
      } catch {
        continue
      }
      onEvent(ev)
    }
  }
}

/** Why a trainer process ended without finishing its job: cancelled, its own error event, or how it died. */
export function exitError(code: number | null, signal: NodeJS.Signals | null, cancelled: boolean, error: ErrorEvent | null, stderr: string): TrainerError {
  const tail = stderr.trim().split('\n').slice(-6).join('\n')
  if (cancelled) return new TrainerError('training was cancelled', 'cancelled', tail)
  if (error) return new TrainerError(error.message, error.kind, tail)
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
  return new TrainerError(`the trainer process ${how} before finishing${tail ? `: ${tail}` : ''}`, 'crashed', tail)
}

/** Runs one training job in a child process. Resolves with the `done` event; rejects with a TrainerError. */
export async function runTraining(job: TrainJob, opts: RunOptions = {}): Promise<TrainResult> {
  const path = opts.trainerPath ?? defaultTrainerPath()
  if (!existsSync(path)) throw new TrainerError(trainerStatus(path).reason ?? `trainer not found at ${path}`, 'unavailable')
  if (opts.signal?.aborted) throw new TrainerError('training was cancelled', 'cancelled')
  const jobDir = opts.jobDir ?? dirname(job.out)
  await mkdir(jobDir, { recursive: true })
  const jobFile = join(jobDir, `job-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`)
  await writeFile(jobFile, JSON.stringify(job))
  const t0 = Date.now()
  try {
    return await new Promise<TrainResult>((resolve, reject) => {
      const child = spawn(path, [...backendArgs(opts.backends), jobFile], { stdio: ['ignore', 'pipe', 'pipe'] })
      trackChild(child)
      let started: StartedEvent | null = null
      let done: TrainResult | null = null
      let error: ErrorEvent | null = null
      let stderr = ''
      let killTimer: NodeJS.Timeout | null = null
      const onAbort = () => {
        child.kill('SIGTERM')
        killTimer = setTimeout(() => child.kill('SIGKILL'), opts.graceMs ?? 3000)
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      child.stderr!.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000)
      })
      child.stdout!.on(
        'data',
        eventLines((ev) => {
          if (ev.type === 'started') started = ev
          if (ev.type === 'error') error = ev
          if (ev.type === 'done') done = { ...ev, started: started!, wallMs: Date.now() - t0 }
          opts.onEvent?.(ev)
        })
      )
      child.on('error', (err) => reject(new TrainerError(`the trainer could not start: ${err.message}`, 'crashed')))
      child.on('exit', (code, signal) => {
        if (killTimer) clearTimeout(killTimer)
        opts.signal?.removeEventListener('abort', onAbort)
        if (done && code === 0) return resolve(done)
        reject(exitError(code, signal, Boolean(opts.signal?.aborted), error, stderr))
      })
    })
  } finally {
    await rm(jobFile, { force: true })
  }
}
