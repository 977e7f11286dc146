import type { TokenTrace, UncertaintySummary } from '../contract'
import { tokenStats } from './math'

/**
 * Token-level estimators over a generated answer (no extra model calls):
 * - 'token-entropy': score = mean token confidence (probability of the chosen token); uncertain when the
 *   mean is below tau. The summary lists min confidence and mean/max entropy.
 * - 'self-certainty': mean per-token KL(U || p) (full vocabulary; under a grammar over the allowed tokens,
 *   see math.ts distributionStats), mapped to [0,1) by score = sc / (sc + 1); uncertain when below tau.
 */
export function scoreTokens(estimator: 'token-entropy' | 'self-certainty', tokens: TokenTrace[], tau: number): UncertaintySummary {
  const t0 = performance.now()
  const conf = tokens.map((t) => t.prob)
  const ent = tokens.map((t) => t.entropy ?? 0)
  const stats = tokenStats(conf, ent)
  let score: number
  if (estimator === 'token-entropy') score = stats.meanConfidence
  else {
    // steps forced by a grammar (one possible token) have no self-certainty and are left out of the mean
    const decided = tokens.filter((t) => t.selfCertainty !== undefined)
    const sc = decided.length ? decided.reduce((a, t) => a + t.selfCertainty!, 0) / decided.length : 0
    score = sc / (sc + 1)
  }
  return {
    estimator,
    margin: score,
    tau,
    uncertain: score < tau,
    candidates: [
      { label: 'mean confidence', logProb: Math.log(Math.max(stats.meanConfidence, 1e-30)), score: stats.meanConfidence },
      { label: 'min confidence', logProb: Math.log(Math.max(stats.minConfidence, 1e-30)), score: stats.minConfidence },
      { label: 'mean entropy (nats)', logProb: 0, score: stats.meanEntropy },
      { label: 'max entropy (nats)', logProb: 0, score: stats.maxEntropy }
    ],
    ms: performance.now() - t0
  }
}
