import { z } from 'zod'
import { TEACHER_HTTP_LIMITS as L } from '../../shared/teacher'
import { m } from './define'

/** Long work (downloads, model loads, generation, training, rounds, experiment runs) is a job. */
export type JobKind = 'download' | 'model.load' | 'chat' | 'train' | 'round' | 'experiment'
export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled'
export interface JobInfo {
  id: string
  kind: JobKind
  label: string
  status: JobStatus
  /** 0..1 when known */
  progress: number | null
  /** Free text such as "1.2 GB of 4.1 GB, 35 s left" */
  detail: string | null
  error: string | null
  startedAt: number
  endedAt: number | null
}

export interface GpuReport {
  /** 'cuda' | 'metal' | 'vulkan' | 'cpu' */
  backend: 'cuda' | 'metal' | 'vulkan' | 'cpu'
  deviceNames: string[]
  vramTotalBytes: number | null
  vramFreeBytes: number | null
  ramTotalBytes: number
  ramFreeBytes: number
  /** When backend is 'cpu': the honest reason (no GPU found, driver missing, build failed...) */
  cpuReason: string | null
}

export interface Settings {
  tau: number
  k: number
  estimator: 'rss' | 'token-entropy' | 'self-certainty'
  rssNormalize: 'sum' | 'mean'
  /** RSS candidate actions: the tool names, N sampled full calls (with the greedy answer), or both */
  rssCandidates: 'tools' | 'sampled-calls' | 'tools-and-sampled-calls'
  /** how many full calls to sample when rssCandidates includes them */
  rssSamples: number
  reviewPolicy: 'manual' | 'auto-approve-valid'
  adaptationMode: 'per-query' | 'session' | 'tt-icl'
  autoImprove: boolean
  lora: { rank: number; alpha: number; targets: string[]; seed: number }
  optim: { lr: number; epochs: number; warmup: number; schedule: 'cosine' | 'linear' | 'constant'; weightDecay: number }
  /** demo: the built-in template pair writer (not a model) for trying the loop offline on the demo model */
  teacher: { kind: 'none' } | { kind: 'demo' } | { kind: 'local'; modelId: string } | {
        kind: 'http'
        baseUrl: string
        model: string
        hasApiKey: boolean
        /** the whole request (connect, answer) must finish within this many seconds */
        timeoutSec: number
        /** answers larger than this are refused (MiB) */
        maxResponseMb: number
      }
  contextSize: number
  /** the longest answer, in tokens: chat answers (unless a request says otherwise) and the answers a round gives before and after adapting */
  maxAnswerTokens: number
  /** load the model used last (remembered by the engine, whichever shell loaded it) when the app starts */
  loadLastModel: boolean
}

/** A numeric setting's limits, from the engine's schema (`settings.bounds`): the renderer's <input min max step> and field checks. */
export interface SettingBound {
  min?: number
  max?: number
  /** the minimum itself is not allowed (e.g. a learning rate must be above 0) */
  minExclusive?: boolean
  integer?: boolean
  step?: number
}

export interface SystemInfo {
  version: string
  dataDir: string
  gpu: GpuReport
  trainer: { available: boolean; path: string | null; backend: string | null; reason: string | null }
  loadedModelId: string | null
  shell: 'electron' | 'web' | 'cli'
}

/**
 * The engine's health. With a damaged database the engine still starts, in a degraded mode: only system.status and
 * system.moveDamagedDbAside work, every other method answers the damage (code db_corrupt).
 */
export interface SystemStatus {
  database: 'ok' | 'damaged'
  /** the database file, full path */
  dbFile: string
  /** while damaged: what is wrong, where, and what to do */
  problem: string | null
  /** where a damaged database was moved to in this session (it is kept) */
  movedAsideTo: string | null
}

/** Where to write an export: the path the user chose (null: they cancelled) and who chose it. */
export interface ExportPathChoice {
  path: string | null
  /** dialog: the desktop's save dialog (which asked before replacing a file); exports-folder: a new name there */
  via: 'dialog' | 'exports-folder'
}

export type SystemEvent =
  | { type: 'job.update'; job: JobInfo }
  | { type: 'settings.changed'; settings: Settings }
  | { type: 'system.status'; status: SystemStatus }

export const settingsPatchSchema = z
  .object({
    tau: z.number().min(0).max(1),
    k: z.number().int().min(1).max(20),
    estimator: z.enum(['rss', 'token-entropy', 'self-certainty']),
    rssNormalize: z.enum(['sum', 'mean']),
    rssCandidates: z.enum(['tools', 'sampled-calls', 'tools-and-sampled-calls']),
    rssSamples: z.number().int().min(1).max(32),
    reviewPolicy: z.enum(['manual', 'auto-approve-valid']),
    adaptationMode: z.enum(['per-query', 'session', 'tt-icl']),
    autoImprove: z.boolean(),
    lora: z.object({
      rank: z.number().int().min(1).max(256),
      alpha: z.number().positive(),
      targets: z.array(z.string()).min(1),
      seed: z.number().int()
    }),
    optim: z.object({
      lr: z.number().positive().max(1),
      epochs: z.number().int().min(1).max(100),
      warmup: z.number().min(0).max(1),
      schedule: z.enum(['cosine', 'linear', 'constant']),
      weightDecay: z.number().min(0)
    }),
    teacher: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('none') }),
      z.object({ kind: z.literal('demo') }),
      z.object({ kind: z.literal('local'), modelId: z.string() }),
      z.object({
        kind: z.literal('http'),
        baseUrl: z.string().url(),
        model: z.string().min(1),
        apiKey: z.string().optional(),
        timeoutSec: z.number().int().min(L.timeoutSec.min).max(L.timeoutSec.max).default(L.timeoutSec.default),
        maxResponseMb: z.number().int().min(L.maxResponseMb.min).max(L.maxResponseMb.max).default(L.maxResponseMb.default)
      })
    ]),
    contextSize: z.number().int().min(256).max(131072),
    maxAnswerTokens: z.number().int().min(16).max(8192),
    loadLastModel: z.boolean()
  })
  .partial()
  .strict() // a misspelt key is an error, not a silent no-op

export const systemMethods = {
  'system.info': m<SystemInfo>()(z.object({})),
  'jobs.list': m<JobInfo[]>()(z.object({})),
  'jobs.cancel': m<{ cancelled: boolean }>()(z.object({ jobId: z.string() })),
  'settings.get': m<Settings>()(z.object({})),
  'settings.update': m<Settings>()(settingsPatchSchema),
  /** the limits of each numeric setting (dotted path), from the schema above: the renderer's <input min max step> */
  'settings.bounds': m<Record<string, SettingBound>>()(z.object({})),
  'system.status': m<SystemStatus>()(z.object({})),
  /** degraded mode only: renames the damaged database (kept beside the new one) and starts fresh in this process */
  'system.moveDamagedDbAside': m<{ movedTo: string; status: SystemStatus }>()(z.object({})),
  /**
   * Call before export.pairs / export.adapter. Desktop: the save dialog (the chosen path is granted to the next
   * export). Web shell, CLI: a name in the exports folder that no file uses yet. Never an existing file silently.
   */
  'system.chooseExportPath': m<ExportPathChoice>()(
    z.object({
      suggestedName: z.string().min(1).max(200),
      filter: z.object({ name: z.string().min(1).max(80), extensions: z.array(z.string().regex(/^[A-Za-z0-9]{1,10}$/, 'an extension is letters and digits, without the dot')).min(1).max(5) }).optional()
    })
  )
} as const
