import type { AgentProfile, Message, TokenTrace, UncertaintySummary } from '../contract'
import { answerQuery, type AnswerResult } from '../agent/answer'
import type { Turn } from '../agent/prompt'
import type { ContextLease } from '../models/types'
import type { Settings } from '../contract'
import { scoreRss } from '../uncertainty/rss'
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
  profile: Pick<AgentProfile, 'systemPrompt' | 'tools'>
  history: Turn[]
  query: string
  settings: Pick<Settings, 'estimator' | 'tau' | 'rssNormalize'>
  maxTokens?: number
  signal?: AbortSignal
  onToken?: (t: TokenTrace) => void
  demonstrations?: { input: string; output: string }[]
}): Promise<Response> {
  const answer = await answerQuery({ ...opts })
  let uncertainty: UncertaintySummary
  if (opts.settings.estimator === 'rss' && opts.profile.tools.length > 0) {
    uncertainty = await scoreRss({ ...opts, tau: opts.settings.tau, normalize: opts.settings.rssNormalize })
  } else {
    uncertainty = scoreTokens(opts.settings.estimator === 'self-certainty' ? 'self-certainty' : 'token-entropy', answer.tokens, opts.settings.tau)
  }
  return { answer, uncertainty }
}
