import type { Token } from 'node-llama-cpp'
import type { AgentProfile, UncertaintySummary } from '../contract'
import type { ContextLease } from '../models/types'
import { renderPrompt } from '../agent/answer'
import { CALL_PREFIX, type Turn } from '../agent/prompt'
import { syncPrefix, truncateTo } from '../agent/sequence'
import { rssMargin, sequenceLogProb } from './math'

export interface RssInput {
  lease: ContextLease
  profile: Pick<AgentProfile, 'systemPrompt' | 'tools'>
  history?: Turn[]
  query: string
  tau: number
  normalize: 'sum' | 'mean'
  /** Extra full-call candidates (e.g. sampled calls) scored beside the tool names */
  extraCandidates?: string[]
}

/** The candidate actions RSS scores: the call prefix of each tool name, then any extra full calls. */
export function rssCandidates(profile: Pick<AgentProfile, 'tools'>, extra: string[] = []): { texts: string[]; labels: string[] } {
  const names = profile.tools.map((t) => t.name)
  return {
    texts: names.map((name) => `${CALL_PREFIX}${name}"`).concat(extra),
    labels: names.concat(extra.map((c, i) => `sample ${i + 1}: ${c}`))
  }
}

/**
 * RSS margin over the profile's tools: l_n = log P('{"name":"<tool>"' | prompt). The prompt (and the
 * part of the call prefix all candidates share) is evaluated ONCE; each candidate then costs only its own
 * few tokens, after which the sequence is truncated back to the shared prefix.
 */
export async function scoreRss(input: RssInput): Promise<UncertaintySummary> {
  const t0 = performance.now()
  const { model, sequence } = input.lease
  const prompt = renderPrompt(input)
  const { texts, labels: allLabels } = rssCandidates(input.profile, input.extraCandidates)
  if (texts.length === 0) {
    const reason = 'the profile has no tools: nothing to choose between'
    return { estimator: 'rss', margin: 1, tau: input.tau, uncertain: false, candidates: [], ms: performance.now() - t0, reason }
  }
  const candTokens = texts.map((t) => model.tokenize(t, false, 'trimLeadingSpace'))
  // tokens every candidate starts with: evaluated once with the prompt
  let shared = 0
  while (candTokens.every((c) => c.length > shared + 1 && c[shared] === candTokens[0][shared])) shared++
  const base = [...prompt.tokens, ...candTokens[0].slice(0, shared)]
  const toEval = await syncPrefix(sequence, base)
  const first = await sequence.controlledEvaluate(
    toEval.map((t, i) => (i === toEval.length - 1 ? ([t, { generateNext: { probabilities: true } }] as const) : t)) as never
  )
  const baseDist = first[toEval.length - 1]?.next?.probabilities
  if (!baseDist) throw new Error('the model returned no probabilities for the prompt')
  const logProbs: number[] = []
  for (const cand of candTokens) {
    const rest = cand.slice(shared)
    const tokenLps = [Math.log(Math.max(baseDist.get(rest[0]) ?? 0, 1e-30))]
    if (rest.length > 1) {
      const items = rest.slice(0, -1).map((t: Token) => [t, { generateNext: { probabilities: true } }] as const)
      const outs = await sequence.controlledEvaluate(items as never)
      for (let i = 1; i < rest.length; i++) {
        const p = outs[i - 1]?.next?.probabilities?.get(rest[i]) ?? 0
        tokenLps.push(Math.log(Math.max(p, 1e-30)))
      }
      await truncateTo(sequence, base.length)
    }
    logProbs.push(sequenceLogProb(tokenLps, input.normalize))
  }
  const r = rssMargin(logProbs, input.tau)
  return {
    estimator: 'rss',
    margin: r.margin,
    tau: input.tau,
    uncertain: r.uncertain,
    candidates: allLabels.map((label, i) => ({ label, logProb: logProbs[i], score: r.scores[i] })),
    ms: performance.now() - t0,
    reason: r.reason
  }
}
