import { z } from 'zod'
import { m } from './define'

export type ExperimentMethod = 'baseline' | 'tt-icl' | 'tt-si' | 'tt-d'

export interface DatasetInfo {
  id: string
  name: string
  path: string
  items: number
  errors: { line: number; message: string }[]
  createdAt: number
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
}

export interface MethodMetrics {
  method: ExperimentMethod
  tau: number
  seed: number
  items: number
  exact: number
  nameOnly: number
  flaggedShare: number
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
      teacherModelId: z.string().nullable().default(null)
    })
  ),
  'experiments.list': m<RunInfo[]>()(z.object({})),
  'experiments.get': m<RunInfo & { report: unknown }>()(z.object({ id: z.string() })),
  'experiments.resume': m<{ jobId: string }>()(z.object({ id: z.string() })),
  'export.pairs': m<{ path: string; count: number }>()(
    z.object({ format: z.enum(['openai', 'sharegpt']), path: z.string().min(1), roundIds: z.array(z.string()).optional() })
  ),
  'export.adapter': m<{ path: string; cardPath: string }>()(z.object({ roundId: z.string(), path: z.string().min(1) })),
  'adapters.import': m<{ adapterId: string }>()(z.object({ path: z.string().min(1) }))
} as const
