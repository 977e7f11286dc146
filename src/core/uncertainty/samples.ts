import type { AgentProfile } from '../contract'
import { answerQuery } from '../agent/answer'
import { callText, parseCall, type PromptProfile, type Turn } from '../agent/prompt'
import type { ContextLease } from '../models/types'

export interface SampleInput {
  lease: ContextLease
  profile: PromptProfile
  history?: Turn[]
  query: string
  demonstrations?: { input: string; output: string }[]
  /** how many calls to sample */
  n: number
  temperature?: number
  /** first seed; sample i uses seed + i, so a query's candidates are reproducible */
  seed?: number
  maxTokens?: number
  signal?: AbortSignal
}

/**
 * Distinct full calls, in first-seen order, as the model wrote them (callers put the greedy answer first,
 * then the samples). Texts that are not a call of one of the profile's tools are dropped (a sample cut
 * off by the token limit), and calls equal up to JSON formatting count once.
 */
export function distinctCalls(texts: string[], profile: Pick<AgentProfile, 'tools'>): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const text of texts) {
    const { call } = parseCall(text, profile.tools)
    if (!call) continue
    const key = callText(call)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(text.trim())
  }
  return out
}

/**
 * Samples `n` full tool calls (grammar-constrained, temperature sampling) to be scored as RSS candidate
 * actions beside, or instead of, the tool names.
 */
export async function sampleCalls(input: SampleInput): Promise<{ texts: string[]; ms: number }> {
  const t0 = performance.now()
  const texts: string[] = []
  for (let i = 0; i < input.n && !input.signal?.aborted; i++) {
    const r = await answerQuery({
      ...input,
      maxTokens: input.maxTokens ?? 128,
      callOnly: true, // candidates are calls, also where the profile may answer in text (the same prompt)
      sampling: { temperature: input.temperature ?? 1, seed: (input.seed ?? 1) + i }
    })
    if (r.stopReason === 'complete') texts.push(r.text)
  }
  return { texts, ms: performance.now() - t0 }
}
