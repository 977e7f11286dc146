import type { Token } from 'node-llama-cpp'
import type { ContextLease } from '../models/types'
import { renderPrompt } from '../agent/answer'
import type { PromptProfile, Turn } from '../agent/prompt'
import { truncateTo } from '../agent/sequence'
import { sequenceLogProb } from './math'
import { candidateTokens, logProbFrom, rssCandidates, scoreNext, scoreRss, type NextScore } from './rss'

export interface RssBench {
  /** RSS as chat runs it: the prompt already in the KV cache (it was just answered), median of `repeats` */
  ms: number
  /** RSS from an empty KV cache: the prompt is evaluated once, then each candidate's own tokens */
  coldMs: number
  /** The naive way, for comparison: prompt + candidate evaluated from scratch for every candidate */
  naiveMs: number
  candidates: number
  promptTokens: number
  /** largest |log P| difference between the cached and the naive computation (should be ~1e-5) */
  maxAbsDiff: number
}

/**
 * log P(candidate | prompt) for each candidate by full independent evaluation of prompt + candidate,
 * clearing the KV cache before each one: N full passes. The reference RSS must agree with, and the
 * baseline the KV-reusing scorer is measured against.
 */
export async function independentLogProbs(lease: ContextLease, promptTokens: Token[], candidates: Token[][], normalize: 'sum' | 'mean'): Promise<number[]> {
  const { sequence } = lease
  const out: number[] = []
  for (const cand of candidates) {
    await truncateTo(sequence, 0)
    const all = [...promptTokens, ...cand]
    const first = promptTokens.length - 1 // the position whose next-token distribution predicts cand[0]
    const items = all.slice(0, -1).map((t, i) => (i >= first ? ([t, scoreNext([all[i + 1]])] as const) : t))
    const res = await sequence.controlledEvaluate(items as never)
    const lps = cand.map((tok, j) => logProbFrom(res[first + j]?.next as NextScore, tok))
    out.push(sequenceLogProb(lps, normalize))
  }
  await truncateTo(sequence, 0)
  return out
}

/** Micro benchmark of RSS scoring for one query (used by bench/round.ts). Leaves the KV cache empty. */
export async function benchRss(
  lease: ContextLease,
  profile: PromptProfile,
  query: string,
  opts: { repeats?: number; normalize?: 'sum' | 'mean'; history?: Turn[] } = {}
): Promise<RssBench> {
  const normalize = opts.normalize ?? 'sum'
  const input = { lease, profile, query, history: opts.history, tau: 0.95, normalize }
  const prompt = renderPrompt({ lease, profile, query, history: opts.history }) // also resolves the chat wrapper once
  await truncateTo(lease.sequence, 0)
  let t0 = performance.now()
  const cold = await scoreRss(input)
  const coldMs = performance.now() - t0
  const warm: number[] = []
  for (let i = 0; i < Math.max(1, opts.repeats ?? 3); i++) {
    t0 = performance.now()
    await scoreRss(input)
    warm.push(performance.now() - t0)
  }
  warm.sort((a, b) => a - b)
  const cands = rssCandidates(profile)
  const candTokens = cands.texts.map((t, i) => candidateTokens(lease.model, t, cands.cover[i]))
  t0 = performance.now()
  const naive = await independentLogProbs(lease, prompt.tokens, candTokens, normalize)
  const naiveMs = performance.now() - t0
  const maxAbsDiff = naive.reduce((m, l, i) => Math.max(m, Math.abs(l - cold.candidates[i].logProb)), 0)
  return { ms: warm[Math.floor(warm.length / 2)], coldMs, naiveMs, candidates: candTokens.length, promptTokens: prompt.tokens.length, maxAbsDiff }
}
