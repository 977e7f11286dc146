import { describe, expect, it } from 'vitest'
import type { MethodMetrics } from '../../src/core/contract'
import { bestForMethod, compareRuns } from '../../src/renderer/src/views/experiments/compare'

const m = (method: MethodMetrics['method'], tau: number, seed: number, exact: number, extra: Partial<MethodMetrics> = {}): MethodMetrics => ({
  method, tau, seed, items: 10, exact, nameOnly: exact, firstCall: exact, flaggedShare: tau / 2, errors: 0, msPerItem: 100 * (seed + 1), ...extra
})

describe('comparing experiment runs', () => {
  it('averages seeds per τ and keeps the τ with the best accuracy', () => {
    const metrics = [m('tt-si', 0.5, 0, 0.4), m('tt-si', 0.5, 1, 0.6), m('tt-si', 0.9, 0, 0.7), m('tt-si', 0.9, 1, 0.5), m('tt-si', 0.95, 0, 0.3)]
    const b = bestForMethod(metrics, 'tt-si')!
    // 0.5 -> 0.5 and 0.9 -> 0.6 on average: 0.9 wins although seed 0 at 0.9 alone is the single best number
    expect(b.tau).toBe(0.9)
    expect(b.exact).toBeCloseTo(0.6, 10)
    expect(b.seeds).toBe(2)
    expect(b.msPerItem).toBe(150)
    expect(b.flaggedShare).toBeCloseTo(0.45, 10)
    expect(bestForMethod(metrics, 'baseline')).toBeNull()
  })

  it('breaks ties toward the smaller τ', () => {
    expect(bestForMethod([m('tt-icl', 0.95, 0, 0.5), m('tt-icl', 0.5, 0, 0.5)], 'tt-icl')!.tau).toBe(0.5)
  })

  it('lines runs up per method, in the canonical method order, and names a strict winner only', () => {
    const a = { id: 'a', metrics: [m('tt-si', 0.9, 0, 0.6), m('baseline', 0, 0, 0.4)] }
    const b = { id: 'b', metrics: [m('baseline', 0, 0, 0.4), m('tt-si', 0.9, 0, 0.7), m('tt-d', 0.9, 0, 0.8)] }
    const c = compareRuns([a, b])
    expect(c.runIds).toEqual(['a', 'b'])
    expect(c.methods).toEqual(['baseline', 'tt-si', 'tt-d'])
    expect(c.winner).toEqual({ baseline: null, 'tt-si': 'b', 'tt-d': null })
    expect(c.cells['tt-d'].a).toBeUndefined()
    expect(c.cells['tt-si'].a.exact).toBe(0.6)
  })
})
