import type { ExperimentMethod, MethodMetrics, RunInfo } from '../../../../core/contract'

/** One method in one run, averaged over seeds, at the τ where its exact-match accuracy is highest. */
export interface BestCell {
  exact: number
  tau: number
  flaggedShare: number
  msPerItem: number
  items: number
  seeds: number
}

export interface Comparison {
  runIds: string[]
  methods: ExperimentMethod[]
  /** cells[method][runId], absent where the run did not evaluate that method */
  cells: Record<string, Record<string, BestCell>>
  /** per method: the run with the highest accuracy, or null when fewer than two runs have it or they tie */
  winner: Record<string, string | null>
}

const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length

/** Seed-averaged metrics per τ for one method, and the best of them (ties go to the smaller τ, which flags less). */
export function bestForMethod(metrics: MethodMetrics[], method: ExperimentMethod): BestCell | null {
  const rows = metrics.filter((m) => m.method === method)
  if (!rows.length) return null
  const taus = [...new Set(rows.map((m) => m.tau))].sort((a, b) => a - b)
  let best: BestCell | null = null
  for (const tau of taus) {
    const at = rows.filter((m) => m.tau === tau)
    const cell = { tau, exact: mean(at.map((m) => m.exact)), flaggedShare: mean(at.map((m) => m.flaggedShare)), msPerItem: mean(at.map((m) => m.msPerItem)), items: mean(at.map((m) => m.items)), seeds: at.length }
    if (!best || cell.exact > best.exact) best = cell
  }
  return best
}

/** Lines up several runs method by method. */
export function compareRuns(runs: Pick<RunInfo, 'id' | 'metrics'>[]): Comparison {
  const order: ExperimentMethod[] = ['baseline', 'tt-icl', 'tt-si', 'tt-d']
  const present = new Set(runs.flatMap((r) => r.metrics.map((m) => m.method)))
  const methods = order.filter((m) => present.has(m))
  const cells: Comparison['cells'] = {}
  const winner: Comparison['winner'] = {}
  for (const method of methods) {
    cells[method] = {}
    for (const r of runs) {
      const b = bestForMethod(r.metrics, method)
      if (b) cells[method][r.id] = b
    }
    const entries = Object.entries(cells[method]).sort((a, b) => b[1].exact - a[1].exact)
    winner[method] = entries.length >= 2 && entries[0][1].exact > entries[1][1].exact ? entries[0][0] : null
  }
  return { runIds: runs.map((r) => r.id), methods, cells, winner }
}
