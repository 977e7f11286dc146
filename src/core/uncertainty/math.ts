/**
 * Pure uncertainty math, unit-tested against hand-computed values.
 * RSS (Relative Softmax Scoring, TT-SI paper): p_n = softmax(l)_n over candidate log-likelihoods l_n;
 * margin u = p(1) - p(2); uncertain when u < tau.
 */
export function softmax(logits: number[]): number[] {
  if (logits.length === 0) return []
  const max = Math.max(...logits)
  const exps = logits.map((l) => Math.exp(l - max))
  const sum = exps.reduce((a, b) => a + b, 0)
  return exps.map((e) => e / sum)
}

export interface RssResult {
  scores: number[]
  margin: number
  uncertain: boolean
  reason: string | null
}

export function rssMargin(logProbs: number[], tau: number): RssResult {
  if (logProbs.length < 2) {
    return { scores: logProbs.map(() => 1), margin: 1, uncertain: false, reason: 'fewer than two candidate actions: nothing to choose between' }
  }
  const scores = softmax(logProbs)
  const sorted = [...scores].sort((a, b) => b - a)
  const margin = sorted[0] - sorted[1]
  return { scores, margin, uncertain: margin < tau, reason: null }
}

/** Sum of token log-probabilities, or their mean ('mean' = length-normalised). */
export function sequenceLogProb(tokenLogProbs: number[], normalize: 'sum' | 'mean'): number {
  const sum = tokenLogProbs.reduce((a, b) => a + b, 0)
  return normalize === 'mean' ? sum / Math.max(1, tokenLogProbs.length) : sum
}

/** Shannon entropy (nats) of a distribution given as probabilities (need not be complete: top-k). */
export function entropy(probs: Iterable<number>): number {
  let h = 0
  for (const p of probs) if (p > 0) h -= p * Math.log(p)
  return h
}

/**
 * Self-certainty of one token (Kang et al.): KL(U || p) = -(1/V) * sum_j log p_j - log V.
 * Computed over the full distribution when given all V probabilities. Higher = more certain.
 */
export function selfCertainty(probs: ArrayLike<number>, vocabSize = probs.length): number {
  let s = 0
  for (let i = 0; i < probs.length; i++) s += Math.log(Math.max(probs[i], 1e-30))
  return -s / vocabSize - Math.log(vocabSize)
}

export interface TokenStats {
  meanConfidence: number
  minConfidence: number
  meanEntropy: number
  maxEntropy: number
}

export function tokenStats(confidences: number[], entropies: number[]): TokenStats {
  const n = Math.max(1, confidences.length)
  return {
    meanConfidence: confidences.reduce((a, b) => a + b, 0) / n,
    minConfidence: confidences.length ? Math.min(...confidences) : 1,
    meanEntropy: entropies.reduce((a, b) => a + b, 0) / Math.max(1, entropies.length),
    maxEntropy: entropies.length ? Math.max(...entropies) : 0
  }
}

export interface DistributionStats {
  entropy: number
  /** undefined when fewer than two tokens were possible (nothing was decided at this step) */
  selfCertainty?: number
  /** how many tokens had non-zero probability */
  support: number
}

/**
 * Entropy and self-certainty of one next-token distribution as llama.cpp returns it: the FULL vocabulary
 * (node-llama-cpp's `probabilities: true` with greedy sampling keeps every token; no top-k approximation).
 * Under a tool-call grammar the tokens the grammar forbids have probability exactly 0 and KL(U || p) over
 * the whole vocabulary would be infinite, so self-certainty is taken over the support S (tokens with
 * p > 0): KL(U_S || p) = -(1/|S|) * sum_{j in S} log p_j - log |S|. Without a grammar S is (up to float
 * underflow) the whole vocabulary, i.e. the paper's definition. Steps with |S| < 2 are forced by the
 * grammar and carry no self-certainty.
 */
export function distributionStats(probs: Iterable<number>): DistributionStats {
  let h = 0
  let logSum = 0
  let support = 0
  for (const p of probs) {
    if (!(p > 0)) continue
    const lp = Math.log(p)
    h -= p * lp
    logSum += lp
    support++
  }
  if (support < 2) return { entropy: Math.max(0, h), support }
  return { entropy: h, selfCertainty: -logSum / support - Math.log(support), support }
}

export interface TokenProb {
  token: number
  prob: number
}

/** Keeps the `k` most probable entries seen so far (insertion into a short sorted list: O(V·k) worst case, O(V) typical). */
function pushTop(top: TokenProb[], k: number, token: number, prob: number): void {
  if (k <= 0 || (top.length === k && prob <= top[k - 1].prob)) return
  let i = top.length === k ? k - 1 : top.length
  if (top.length < k) top.push({ token, prob })
  while (i > 0 && top[i - 1].prob < prob) {
    top[i] = top[i - 1]
    i--
  }
  top[i] = { token, prob }
}

/**
 * distributionStats() and the top `k` tokens of a next-token distribution given as llama.cpp's flat
 * [token, prob, token, prob, ...] array, in ONE pass and without building a Map of the vocabulary (at 128k-152k
 * tokens the Map alone cost more than evaluating a small model's token).
 */
export function flatDistributionStats(flat: ArrayLike<number>, k: number): DistributionStats & { top: TokenProb[] } {
  let h = 0
  let logSum = 0
  let support = 0
  const top: TokenProb[] = []
  for (let i = 1; i < flat.length; i += 2) {
    const p = flat[i]
    if (!(p > 0)) continue
    const lp = Math.log(p)
    h -= p * lp
    logSum += lp
    support++
    pushTop(top, k, flat[i - 1], p)
  }
  if (support < 2) return { entropy: Math.max(0, h), support, top }
  return { entropy: h, selfCertainty: -logSum / support - Math.log(support), support, top }
}

/**
 * Probabilities of the top tokens from their logits (flat [token, logit, ...], any order) and llama.cpp's
 * total logit weight Z = sum_j exp(l_j - max_j l_j) over the whole (grammar-masked) vocabulary:
 * p_i = exp(l_i - max) / Z, exact without the rest of the distribution.
 */
export function topFromLogits(flat: ArrayLike<number>, totalLogitWeight: number, k: number): TokenProb[] {
  let max = -Infinity
  for (let i = 1; i < flat.length; i += 2) if (flat[i] > max) max = flat[i]
  const top: TokenProb[] = []
  if (!(totalLogitWeight > 0) || max === -Infinity) return top
  for (let i = 1; i < flat.length; i += 2) {
    const p = Math.exp(flat[i] - max) / totalLogitWeight
    if (p > 0) pushTop(top, k, flat[i - 1], p)
  }
  return top
}
