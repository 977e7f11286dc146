import { describe, expect, it } from 'vitest'
import type { MethodMetrics, RunInfo } from '../../src/core/contract'
import { buildReport, REPORT_SCHEMA } from '../../src/core/experiments/report'
import type { RunItem } from '../../src/core/experiments/repo'

const metric = (method: MethodMetrics['method'], seed: number, exact: number): MethodMetrics => ({
  method, tau: 0.95, seed, items: 2, exact, nameOnly: exact, firstCall: exact, flaggedShare: 0.5, errors: 0, msPerItem: 10 + seed
})
const item = (method: RunItem['method'], seed: number, idx: number, exact: boolean, source = 'bfcl'): RunItem => ({
  method, tau: 0.95, seed, itemIdx: idx, itemId: `item-${idx}`, source, prediction: [], exact, nameOnly: exact, firstCall: exact, flagged: idx === 0,
  margin: idx === 0 ? 0.2 : 0.99, roundId: null, reason: null, error: null, ms: 5, createdAt: 0
})

describe('experiment report', () => {
  const run: RunInfo = {
    id: 'run_x', status: 'done', done: 6, total: 6, error: null, createdAt: 1, updatedAt: 2,
    config: { datasetId: 'ds', modelId: 'm', methods: ['baseline', 'tt-si'], taus: [0.95], seeds: [0, 1], limit: null, k: 1, teacherModelId: null },
    metrics: [metric('baseline', 0, 0.5), metric('baseline', 1, 0.5), metric('tt-si', 0, 0.5), metric('tt-si', 1, 1)]
  }
  const items = [
    item('baseline', 0, 0, false), item('baseline', 0, 1, true, 'sealtools'), item('baseline', 1, 0, false), item('baseline', 1, 1, true, 'sealtools'),
    item('tt-si', 0, 0, false), item('tt-si', 0, 1, true, 'sealtools'), item('tt-si', 1, 0, true), item('tt-si', 1, 1, true, 'sealtools')
  ]
  const r = buildReport(run, items, null, null)

  it('summarises seeds with mean, std and the delta against the baseline', () => {
    expect(r.schema).toBe(REPORT_SCHEMA)
    const si = r.summary.find((s) => s.method === 'tt-si')!
    expect(si.seeds).toBe(2)
    expect(si.exact.mean).toBeCloseTo(0.75)
    expect(si.exact.std).toBeCloseTo(Math.SQRT1_2 / 2)
    expect(si.deltaVsBaseline).toBeCloseTo(0.25)
    expect(si.msPerItem).toBeCloseTo(10.5)
    const base = r.summary.find((s) => s.method === 'baseline')!
    expect([base.exact.mean, base.exact.std, base.deltaVsBaseline]).toEqual([0.5, 0, null])
  })

  it('breaks results down per source and per item, keyed for comparison across runs', () => {
    expect(r.bySource.find((b) => b.method === 'tt-si' && b.seed === 1 && b.source === 'bfcl')).toMatchObject({ items: 1, exact: 1 })
    expect(r.bySource.find((b) => b.method === 'baseline' && b.seed === 0 && b.source === 'bfcl')).toMatchObject({ items: 1, exact: 0 })
    expect(r.items.map((i) => [i.id, i.source, i.margin])).toEqual([['item-0', 'bfcl', 0.2], ['item-1', 'sealtools', 0.99]])
    expect(r.items[0].results['tt-si|tau=0.95|seed=1']).toEqual({ exact: true, nameOnly: true, flagged: true, error: null })
    expect(Object.keys(r.items[0].results)).toHaveLength(4)
  })
})
