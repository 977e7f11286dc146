import { describe, expect, it } from 'vitest'
import { entropy, rssMargin, selfCertainty, sequenceLogProb, softmax, tokenStats } from '../../src/core/uncertainty/math'

describe('RSS margin', () => {
  it('matches hand-computed softmax over log-likelihoods', () => {
    // l = [ln 0.6, ln 0.3, ln 0.1] -> p = [0.6, 0.3, 0.1], margin 0.3
    const r = rssMargin([Math.log(0.6), Math.log(0.3), Math.log(0.1)], 0.95)
    expect(r.scores[0]).toBeCloseTo(0.6, 10)
    expect(r.scores[1]).toBeCloseTo(0.3, 10)
    expect(r.margin).toBeCloseTo(0.3, 10)
    expect(r.uncertain).toBe(true)
  })
  it('is shift invariant and certain above tau', () => {
    // l = [0, -5]: p1 = 1/(1+e^-5) = 0.993307, margin = 0.986614
    const r = rssMargin([100, 95], 0.95)
    expect(r.margin).toBeCloseTo(0.9866142981514303, 10)
    expect(r.uncertain).toBe(false)
  })
  it('ties give margin 0', () => {
    expect(rssMargin([-2, -2, -9], 0.5).margin).toBeCloseTo(0, 12)
  })
  it('one candidate is certain, with the reason recorded', () => {
    const r = rssMargin([-3], 0.95)
    expect(r.margin).toBe(1)
    expect(r.uncertain).toBe(false)
    expect(r.reason).toMatch(/fewer than two/)
  })
  it('sum vs mean normalisation', () => {
    expect(sequenceLogProb([-1, -2, -3], 'sum')).toBe(-6)
    expect(sequenceLogProb([-1, -2, -3], 'mean')).toBe(-2)
  })
  it('softmax sums to one', () => {
    const p = softmax([1, 2, 3])
    expect(p.reduce((a, b) => a + b)).toBeCloseTo(1, 12)
    expect(p[2]).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 12)
  })
})

describe('token-level estimators', () => {
  it('entropy of a uniform distribution over 4 is ln 4', () => {
    expect(entropy([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(Math.log(4), 12)
  })
  it('self-certainty is 0 for a uniform distribution and grows when peaked', () => {
    expect(selfCertainty([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(0, 12)
    // p = [0.7, 0.1, 0.1, 0.1]: -(1/4)(ln .7 + 3 ln .1) - ln 4
    const expected = -(Math.log(0.7) + 3 * Math.log(0.1)) / 4 - Math.log(4)
    expect(selfCertainty([0.7, 0.1, 0.1, 0.1])).toBeCloseTo(expected, 12)
    expect(expected).toBeGreaterThan(0)
  })
  it('token stats: mean/min confidence and entropies', () => {
    const s = tokenStats([0.9, 0.5, 0.7], [0.1, 1.2, 0.5])
    expect(s.meanConfidence).toBeCloseTo(0.7, 12)
    expect(s.minConfidence).toBe(0.5)
    expect(s.meanEntropy).toBeCloseTo(0.6, 12)
    expect(s.maxEntropy).toBe(1.2)
  })
})
