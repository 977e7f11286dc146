import { z } from 'zod'
import { idList, m } from './define'

export type ExperimentMethod = 'baseline' | 'tt-icl' | 'tt-si' | 'tt-d'

export interface DatasetInfo {
  id: string
  name: string
  path: string
  items: number
  /** every rejected line with its number and what is wrong (file: when a folder was imported) */
  errors: { line: number; message: string; file?: string }[]
  createdAt: number
  /** non-empty lines read; rejected = lines - items; blank lines are counted, not imported */
  lines: number
  rejected: number
  blank: number
  files: string[]
}

export interface RunConfig {
  datasetId: string
  modelId: string
  methods: ExperimentMethod[]
  taus: number[]
  seeds: number[]
  limit: number | null
  k: number
  teacherModelId: string | null
  /** keep each round's adapter (for export) instead of discarding it after the item, as TT-SI does */
  keepAdapters?: boolean
  /** token limit of every answer in the run, base and adapted alike (default EXPERIMENT_MAX_TOKENS) */
  maxTokens?: number
}

/** An experiment's answers share one token limit, so the methods compare on equal terms. */
export const EXPERIMENT_MAX_TOKENS = 384

export interface MethodMetrics {
  method: ExperimentMethod
  tau: number
  seed: number
  items: number
  exact: number
  nameOnly: number
  /** the first call the agent made is right (the agent makes one call per answer) */
  firstCall: number
  flaggedShare: number
  /** items whose answer failed (counted as wrong) */
  errors: number
  msPerItem: number
}

export interface RunInfo {
  id: string
  config: RunConfig
  status: 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted'
  done: number
  total: number
  metrics: MethodMetrics[]
  error: string | null
  createdAt: number
  updatedAt: number
}

export interface AdapterInfo {
  id: string
  name: string
  path: string
  sourcePath: string
  modelId: string | null
  architecture: string | null
  sizeBytes: number
  createdAt: number
}

export type ExperimentEvent = { type: 'experiment.progress'; runId: string; done: number; total: number }

export const experimentMethods = {
  'datasets.list': m<DatasetInfo[]>()(z.object({})),
  'datasets.import': m<DatasetInfo>()(z.object({ path: z.string().min(1), name: z.string().optional() })),
  'experiments.start': m<{ runId: string; jobId: string }>()(
    z.object({
      datasetId: z.string(),
      modelId: z.string(),
      methods: z.array(z.enum(['baseline', 'tt-icl', 'tt-si', 'tt-d'])).min(1),
      taus: z.array(z.number().min(0).max(1)).min(1).default([0.95]),
      seeds: z.array(z.number().int()).min(1).default([0]),
      limit: z.number().int().positive().nullable().default(null),
      k: z.number().int().min(1).max(10).default(1),
      teacherModelId: z.string().nullable().default(null),
      keepAdapters: z.boolean().default(false),
      maxTokens: z.number().int().min(8).max(4096).default(EXPERIMENT_MAX_TOKENS)
    })
  ),
  'experiments.list': m<RunInfo[]>()(z.object({})),
  'experiments.get': m<RunInfo & { report: unknown }>()(z.object({ id: z.string() })),
  'experiments.resume': m<{ jobId: string }>()(z.object({ id: z.string() })),
  'export.pairs': m<{ path: string; count: number }>()(
    z.object({ format: z.enum(['openai', 'sharegpt']), path: z.string().min(1), roundIds: idList().optional(), overwrite: z.boolean().default(false) })
  ),
  'export.adapter': m<{ path: string; cardPath: string }>()(z.object({ roundId: z.string(), path: z.string().min(1), overwrite: z.boolean().default(false) })),
  'adapters.import': m<{ adapterId: string }>()(z.object({ path: z.string().min(1), name: z.string().optional() })),
  'adapters.list': m<AdapterInfo[]>()(z.object({}))
} as const
