import type { Message, TokenTrace, UncertaintySummary } from '../contract'
import { answerQuery, type AnswerResult } from '../agent/answer'
import type { PromptProfile, Turn } from '../agent/prompt'
import type { ContextLease } from '../models/types'
import type { Settings } from '../contract'
import { scoreRss } from '../uncertainty/rss'
import { distinctCalls, sampleCalls } from '../uncertainty/samples'
import { scoreTokens } from '../uncertainty/token'

/** The conversation so far as turns for the prompt (tool calls rendered as their JSON). */
export function historyTurns(messages: Message[]): Turn[] {
  return messages
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((m) => ({ role: m.role as 'user' | 'assistant', text: m.content }))
}

export interface Response {
  answer: AnswerResult
  uncertainty: UncertaintySummary
}

/** Answers a query and scores how sure the agent is, with the configured estimator. */
export async function respond(opts: {
  lease: ContextLease
  profile: PromptProfile
  history: Turn[]
  query: string
  settings: Pick<Settings, 'estimator' | 'tau' | 'rssNormalize'> & Partial<Pick<Settings, 'rssCandidates' | 'rssSamples'>>
  maxTokens?: number
  signal?: AbortSignal
  onToken?: (t: TokenTrace) => void
  demonstrations?: { input: string; output: string }[]
}): Promise<Response> {
  const rss = opts.settings.estimator === 'rss' && opts.profile.tools.length > 0
  // the token estimators need each token's whole distribution (entropy, self-certainty); RSS only the top-k trace
  const answer = await answerQuery({ ...opts, distribution: rss ? 'top' : 'full' })
  let uncertainty: UncertaintySummary
  if (rss) {
    uncertainty = await rssUncertainty(opts, answer)
  } else {
    uncertainty = scoreTokens(opts.settings.estimator === 'self-certainty' ? 'self-certainty' : 'token-entropy', answer.tokens, opts.settings.tau)
  }
  return { answer, uncertainty }
}

/** RSS over the tool names and/or sampled full calls (the greedy answer's call counts as the first sample). */
async function rssUncertainty(opts: Parameters<typeof respond>[0], answer: AnswerResult): Promise<UncertaintySummary> {
  const mode = opts.settings.rssCandidates ?? 'tools'
  const base = { ...opts, tau: opts.settings.tau, normalize: opts.settings.rssNormalize }
  if (mode === 'tools') return scoreRss(base)
  const samples = await sampleCalls({ ...opts, n: opts.settings.rssSamples ?? 5 })
  const calls = distinctCalls([answer.text, ...samples.texts], opts.profile)
  const summary = await scoreRss({ ...base, extraCandidates: calls, includeTools: mode === 'tools-and-sampled-calls' })
  const agreed = summary.candidates.length === 1 ? 'every sampled call was the same call: nothing to choose between' : null
  return { ...summary, ms: summary.ms + samples.ms, reason: agreed ?? summary.reason }
}
