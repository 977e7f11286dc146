import { describe, expect, it } from 'vitest'
import { distributionStats, flatDistributionStats, topFromLogits } from '../../src/core/uncertainty/math'

/** A seeded vocabulary-sized distribution as llama.cpp returns it: flat [token, prob, ...], some tokens masked to 0. */
function distribution(v: number, seed: number, masked = 0) {
  let x = seed
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648)
  const logits = Array.from({ length: v }, () => (rnd() < masked ? -Infinity : rnd() * 12 - 6))
  const max = logits.reduce((m, l) => (l > m ? l : m), -Infinity)
  const w = logits.map((l) => Math.exp(l - max))
  const z = w.reduce((a, b) => a + b, 0)
  const flat: number[] = []
  logits.forEach((_, t) => flat.push(t, w[t] / z))
  return { logits, z, flat, map: new Map(logits.map((_, t) => [t, w[t] / z])) }
}

/** The trace's former top-k: every entry of the vocabulary Map, sorted. */
function oldTop(map: Map<number, number>, k: number) {
  return [...map].filter(([, p]) => p > 0).sort((a, b) => b[1] - a[1]).slice(0, k).map(([token, prob]) => ({ token, prob }))
}

describe('per-token trace stats without a vocabulary Map', () => {
  for (const [v, masked] of [[152_064, 0], [128_256, 0.999], [32_000, 0.5], [3, 0.5]] as const) {
    it(`one pass over the flat distribution equals the Map-based stats (V=${v}, ${masked * 100}% masked by a grammar)`, () => {
      const d = distribution(v, v, masked)
      const old = distributionStats(d.map.values())
      const s = flatDistributionStats(d.flat, 5)
      expect(s.support).toBe(old.support)
      expect(s.entropy).toBeCloseTo(old.entropy, 9)
      if (old.selfCertainty === undefined) expect(s.selfCertainty).toBeUndefined()
      else expect(s.selfCertainty!).toBeCloseTo(old.selfCertainty, 9)
      expect(s.top).toEqual(oldTop(d.map, 5))
    })
  }

  it('top-k probabilities from the top logits and the total logit weight are the exact softmax values', () => {
    const d = distribution(50_000, 7, 0.3)
    const order = d.logits.map((l, t) => [t, l] as const).filter(([, l]) => Number.isFinite(l)).sort((a, b) => b[1] - a[1]).slice(0, 5)
    const top = topFromLogits(order.flat(), d.z, 5)
    const expected = oldTop(d.map, 5)
    expect(top.map((t) => t.token)).toEqual(expected.map((t) => t.token))
    top.forEach((t, i) => expect(t.prob).toBeCloseTo(expected[i].prob, 12))
  })

  it('a step the grammar forces (one possible token) has entropy 0 and no self-certainty', () => {
    const s = flatDistributionStats([4, 0, 9, 1, 2, 0], 3)
    expect(s).toEqual({ entropy: 0, support: 1, top: [{ token: 9, prob: 1 }] })
  })
})
