import type { Token } from 'node-llama-cpp'
import { describe, expect, it } from 'vitest'
import type { TokenTrace } from '../../src/core/contract'
import { distributionStats } from '../../src/core/uncertainty/math'
import { logProbFrom } from '../../src/core/uncertainty/rss'
import { scoreTokens } from '../../src/core/uncertainty/token'

const trace = (prob: number, entropy: number, selfCertainty?: number): TokenTrace => ({ token: 1, text: 'x', prob, top: [], entropy, selfCertainty })

describe('per-distribution stats', () => {
  it('full distribution: entropy and KL(U || p) by hand', () => {
    // p = [0.5, 0.25, 0.25]: H = 0.5 ln2 + 2 * 0.25 ln4 = 1.5 ln 2; SC = -(ln .5 + 2 ln .25)/3 - ln 3 = (5/3) ln 2 - ln 3
    const s = distributionStats([0.5, 0.25, 0.25])
    expect(s.support).toBe(3)
    expect(s.entropy).toBeCloseTo(1.5 * Math.LN2, 12)
    expect(s.selfCertainty!).toBeCloseTo((5 / 3) * Math.LN2 - Math.log(3), 12)
  })
  it('tokens a grammar forbids (p = 0) are outside the support, not floored', () => {
    const s = distributionStats([0.5, 0, 0.25, 0, 0, 0.25])
    expect(s.support).toBe(3)
    expect(s.selfCertainty!).toBeCloseTo((5 / 3) * Math.LN2 - Math.log(3), 12)
  })
  it('a forced step (one allowed token) has zero entropy and no self-certainty', () => {
    const s = distributionStats([0, 1, 0, 0])
    expect(s).toEqual({ entropy: 0, support: 1 })
  })
  it('uniform over the support has self-certainty 0', () => {
    expect(distributionStats([0.25, 0.25, 0, 0.25, 0.25]).selfCertainty).toBeCloseTo(0, 12)
  })
})

describe('token-level estimators (scoreTokens)', () => {
  const tokens = [trace(0.9, 0.2, 3), trace(0.6, 1.0, 1), trace(1, 0)] // the last step was forced by the grammar
  it('token confidence: mean/min confidence and mean/max entropy', () => {
    const s = scoreTokens('token-entropy', tokens, 0.8)
    expect(s.estimator).toBe('token-entropy')
    expect(s.margin).toBeCloseTo((0.9 + 0.6 + 1) / 3, 12)
    expect(s.uncertain).toBe(false) // 0.8333 >= 0.8
    const by = Object.fromEntries(s.candidates.map((c) => [c.label, c.score]))
    expect(by['min confidence']).toBe(0.6)
    expect(by['mean entropy (nats)']).toBeCloseTo(0.4, 12)
    expect(by['max entropy (nats)']).toBe(1)
    expect(scoreTokens('token-entropy', tokens, 0.9).uncertain).toBe(true)
  })
  it('self-certainty: mean over decided steps only, mapped by sc / (sc + 1)', () => {
    const s = scoreTokens('self-certainty', tokens, 0.95)
    // mean of 3 and 1 is 2 -> 2/3
    expect(s.margin).toBeCloseTo(2 / 3, 12)
    expect(s.uncertain).toBe(true)
    expect(scoreTokens('self-certainty', tokens, 0.6).uncertain).toBe(false)
  })
})

describe('log P(token) from filtered logits', () => {
  it('equals log softmax', () => {
    const logits = [2, 0.5, -1, 3]
    const max = 3
    const w = logits.reduce((a, l) => a + Math.exp(l - max), 0)
    const next = { logits: new Map<Token, number>([[1 as Token, 0.5], [3 as Token, 3]]), totalLogitWeight: w }
    const z = Math.log(logits.reduce((a, l) => a + Math.exp(l), 0))
    expect(logProbFrom(next, 1 as Token)).toBeCloseTo(0.5 - z, 12)
    expect(logProbFrom(next, 3 as Token)).toBeCloseTo(3 - z, 12)
    expect(() => logProbFrom(next, 2 as Token)).toThrow(/no logits/)
  })
})
