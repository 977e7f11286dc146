import type { DatasetInfo, ExperimentMethod, MethodMetrics, ModelInfo, RunInfo } from '../contract'
import type { RunItem } from './repo'

export const REPORT_SCHEMA = 'autodidact.experiment-report/1'

export interface SummaryRow {
  method: ExperimentMethod
  tau: number
  seeds: number
  /** mean over seeds, and the sample standard deviation (0 for one seed) */
  exact: { mean: number; std: number }
  nameOnly: { mean: number; std: number }
  flaggedShare: number
  msPerItem: number
  /** exact minus the baseline's exact (mean over seeds); null without a baseline */
  deltaVsBaseline: number | null
}

/**
 * A run as JSON that compares across runs: the same keys for every run (schema versioned), rates in
 * 0..1, per-cell metrics, per-source breakdown, a seed-averaged summary, and per-item outcomes keyed by the
 * dataset item id so two runs can be compared item by item.
 */
export interface ExperimentReport {
  schema: typeof REPORT_SCHEMA
  run: { id: string; status: RunInfo['status']; createdAt: number; updatedAt: number; done: number; total: number; error: string | null }
  config: RunInfo['config']
  model: { id: string; name: string | null; architecture: string | null }
  dataset: { id: string; name: string | null; items: number; rejectedLines: number }
  metrics: MethodMetrics[]
  bySource: { method: ExperimentMethod; tau: number; seed: number; source: string; items: number; exact: number; nameOnly: number }[]
  summary: SummaryRow[]
  items: { id: string; source: string; margin: number | null; results: Record<string, { exact: boolean; nameOnly: boolean; flagged: boolean; error: string | null }> }[]
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)
const std = (xs: number[]) => {
  if (xs.length < 2) return 0
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1))
}
export const cellKey = (c: { method: string; tau: number; seed: number }) => `${c.method}|tau=${c.tau}|seed=${c.seed}`

export function buildReport(run: RunInfo, items: RunItem[], dataset: DatasetInfo | null, model: ModelInfo | null): ExperimentReport {
  const bySource = new Map<string, { method: ExperimentMethod; tau: number; seed: number; source: string; items: number; exact: number; nameOnly: number }>()
  const perItem = new Map<string, ExperimentReport['items'][number]>()
  for (const it of items) {
    const k = `${cellKey(it)}|${it.source}`
    const b = bySource.get(k) ?? { method: it.method, tau: it.tau, seed: it.seed, source: it.source, items: 0, exact: 0, nameOnly: 0 }
    b.items++
    b.exact += +it.exact
    b.nameOnly += +it.nameOnly
    bySource.set(k, b)
    const p = perItem.get(it.itemId) ?? { id: it.itemId, source: it.source, margin: it.margin, results: {} }
    p.results[cellKey(it)] = { exact: it.exact, nameOnly: it.nameOnly, flagged: it.flagged, error: it.error }
    perItem.set(it.itemId, p)
  }
  const groups = new Map<string, MethodMetrics[]>()
  for (const m of run.metrics) groups.set(`${m.method}|${m.tau}`, [...(groups.get(`${m.method}|${m.tau}`) ?? []), m])
  const baselineExact = (tau: number) => {
    const b = groups.get(`baseline|${tau}`) ?? [...groups.entries()].find(([k]) => k.startsWith('baseline|'))?.[1]
    return b ? mean(b.map((m) => m.exact)) : null
  }
  const summary: SummaryRow[] = [...groups.values()].map((ms) => {
    const exact = ms.map((m) => m.exact)
    const base = ms[0].method === 'baseline' ? null : baselineExact(ms[0].tau)
    return {
      method: ms[0].method,
      tau: ms[0].tau,
      seeds: ms.length,
      exact: { mean: mean(exact), std: std(exact) },
      nameOnly: { mean: mean(ms.map((m) => m.nameOnly)), std: std(ms.map((m) => m.nameOnly)) },
      flaggedShare: mean(ms.map((m) => m.flaggedShare)),
      msPerItem: mean(ms.map((m) => m.msPerItem)),
      deltaVsBaseline: base === null ? null : mean(exact) - base
    }
  })
  return {
    schema: REPORT_SCHEMA,
    run: { id: run.id, status: run.status, createdAt: run.createdAt, updatedAt: run.updatedAt, done: run.done, total: run.total, error: run.error },
    config: run.config,
    model: { id: run.config.modelId, name: model?.name ?? null, architecture: model?.architecture ?? null },
    dataset: { id: run.config.datasetId, name: dataset?.name ?? null, items: dataset?.items ?? 0, rejectedLines: dataset?.rejected ?? 0 },
    metrics: run.metrics,
    bySource: [...bySource.values()].map((b) => ({ ...b, exact: b.exact / b.items, nameOnly: b.nameOnly / b.items })),
    summary,
    items: [...perItem.values()]
  }
}
