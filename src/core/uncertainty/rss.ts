import type { LlamaModel, Token } from 'node-llama-cpp'
import type { AgentProfile, UncertaintySummary } from '../contract'
import type { ContextLease } from '../models/types'
import { renderPrompt } from '../agent/answer'
import { CALL_PREFIX, type PromptProfile, type Turn } from '../agent/prompt'
import { syncPrefix, truncateTo } from '../agent/sequence'
import { rssMargin, sequenceLogProb } from './math'

export interface RssInput {
  lease: ContextLease
  profile: PromptProfile
  history?: Turn[]
  query: string
  tau: number
  normalize: 'sum' | 'mean'
  /** Extra full-call candidates (e.g. sampled calls) scored beside the tool names */
  extraCandidates?: string[]
  /** Score the tool names as candidates (default); false: only the extra full calls */
  includeTools?: boolean
}

/** The label of the "answer in plain text" action of profiles that allow text */
export const TEXT_CANDIDATE = '(plain text answer)'

/** What every call continues with after the tool's name (the grammar writes compact JSON, name first) */
export const AFTER_NAME = '","arguments":'

/**
 * The candidate actions RSS scores: each tool of the profile (unless excluded), then any extra full calls.
 * A tool's candidate is its call's opening `{"name":"<tool>"` followed by what every real call continues
 * with; `cover` is how much of the text the scored tokens must cover (up to the name's closing quote).
 */
export function rssCandidates(profile: Pick<AgentProfile, 'tools'>, extra: string[] = [], includeTools = true): { texts: string[]; labels: string[]; cover: number[] } {
  const names = includeTools ? profile.tools.map((t) => t.name) : []
  return {
    texts: names.map((name) => `${CALL_PREFIX}${name}${AFTER_NAME}`).concat(extra),
    labels: names.concat(extra.map((c, i) => `sample ${i + 1}: ${c}`)),
    cover: names.map((name) => `${CALL_PREFIX}${name}"`.length).concat(extra.map((c) => c.length))
  }
}

/**
 * The tokens a candidate is scored on: the text tokenized as a whole (so they are the tokens of a real call
 * that goes on the same way), cut after the first token that reaches `cover` characters. In BPE vocabularies
 * the name's closing quote merges with what follows (`","`): scoring a lone `"` instead would score a token
 * the model never writes there, and that one unlikely token would decide the margin.
 */
export function candidateTokens(model: LlamaModel, text: string, cover: number): Token[] {
  const tokens = model.tokenize(text, false, 'trimLeadingSpace')
  for (let i = 0; i < tokens.length; i++) {
    if (model.detokenize(tokens.slice(0, i + 1), false).trimStart().length >= cover) return tokens.slice(0, i + 1)
  }
  return tokens
}

/**
 * What to ask llama.cpp for at a position whose next token must be scored: the logits of just the tokens
 * needed plus the top one, and the softmax normaliser. Far cheaper than the full-vocabulary probability
 * map (32k-150k entries per position crossing into JS).
 */
export function scoreNext(tokens: Token[]) {
  return { generateNext: { logits: { filter: { tokens, includeTop: 1 } }, totalLogitWeight: true } } as const
}

export type NextScore = { logits?: Map<Token, number>; totalLogitWeight?: number } | undefined

/** log P(token) from a scoreNext() result: logit - max logit - log(sum_j exp(logit_j - max logit)). */
export function logProbFrom(next: NextScore, token: Token): number {
  const logit = next?.logits?.get(token)
  if (logit === undefined || !next?.totalLogitWeight) throw new Error('the model returned no logits for a candidate token')
  let max = -Infinity
  for (const l of next.logits!.values()) if (l > max) max = l
  return logit - max - Math.log(next.totalLogitWeight)
}

/**
 * RSS margin over the profile's tools: l_n = log P(the tokens of '{"name":"<tool>","arguments":' up to the one
 * holding the name's closing quote | prompt). The prompt (and the
 * part of the call prefix all candidates share) is evaluated ONCE; each candidate then costs only its own
 * few tokens, after which the sequence is truncated back to the shared prefix.
 */
export async function scoreRss(input: RssInput): Promise<UncertaintySummary> {
  const t0 = performance.now()
  const { model, sequence } = input.lease
  const prompt = renderPrompt(input)
  const { texts, labels: allLabels, cover } = rssCandidates(input.profile, input.extraCandidates, input.includeTools ?? true)
  if (texts.length === 0) {
    const reason = input.includeTools === false ? 'no candidate calls to choose between' : 'the profile has no tools: nothing to choose between'
    return { estimator: 'rss', margin: 1, tau: input.tau, uncertain: false, candidates: [], ms: performance.now() - t0, reason }
  }
  const candTokens = texts.map((t, i) => candidateTokens(model, t, cover[i]))
  // tokens every candidate starts with: evaluated once with the prompt
  let shared = 0
  while (candTokens.every((c) => c.length > shared + 1 && c[shared] === candTokens[0][shared])) shared++
  const sharedTokens = candTokens[0].slice(0, shared)
  const base = [...prompt.tokens, ...sharedTokens]
  // the prompt's cached part is kept; its last token is always evaluated again so its distribution is known
  const toEval = [...(await syncPrefix(sequence, prompt.tokens)), ...sharedTokens]
  const firstProb = toEval.length - 1 - shared // the item whose next-token distribution predicts the candidates
  const firstTokens = [...new Set(candTokens.map((c) => c[shared]))]
  const first = await sequence.controlledEvaluate(
    toEval.map((t, i) => {
      if (i < firstProb) return t
      const j = i - firstProb // predicts the candidates' token j
      return [t, scoreNext(j < shared ? [sharedTokens[j]] : firstTokens)] as const
    }) as never
  )
  const next = (i: number) => first[firstProb + i]?.next as NextScore
  // log P of the shared call prefix (the same for every candidate; it matters for 'mean')
  const sharedLps = sharedTokens.map((t, i) => logProbFrom(next(i), t))
  const logProbs: number[] = []
  for (const cand of candTokens) {
    const rest = cand.slice(shared)
    const tokenLps = [...sharedLps, logProbFrom(next(shared), rest[0])]
    if (rest.length > 1) {
      const items = rest.slice(0, -1).map((t: Token, i) => [t, scoreNext([rest[i + 1]])] as const)
      const outs = await sequence.controlledEvaluate(items as never)
      for (let i = 1; i < rest.length; i++) tokenLps.push(logProbFrom(outs[i - 1]?.next as NextScore, rest[i]))
      await truncateTo(sequence, base.length)
    }
    logProbs.push(sequenceLogProb(tokenLps, input.normalize))
  }
  const labels = [...allLabels]
  if (input.profile.allowText) {
    // A profile that may answer in text has one more action: not opening a call. Its probability is the mass
    // the model puts on every token other than the one all calls open with (one token: the same for 'mean').
    const open = shared > 0 ? Math.exp(sharedLps[0]) : firstTokens.reduce((a, t) => a + Math.exp(logProbFrom(next(0), t)), 0)
    logProbs.push(Math.log(Math.max(1e-300, 1 - open)))
    labels.push(TEXT_CANDIDATE)
  }
  const r = rssMargin(logProbs, input.tau)
  return {
    estimator: 'rss',
    margin: r.margin,
    tau: input.tau,
    uncertain: r.uncertain,
    candidates: labels.map((label, i) => ({ label, logProb: logProbs[i], score: r.scores[i] })),
    ms: performance.now() - t0,
    reason: r.reason
  }
}
