import { LlamaGrammarEvaluationState, type LlamaModel, type Token } from 'node-llama-cpp'
import type { TokenTrace, ToolCall } from '../contract'
import type { ContextLease } from '../models/types'
import { callSchema, chatHistory, parseCall, toolSystemPrompt, type PromptProfile, type Turn } from './prompt'
import { schemaGrammar, schemaOrTextGrammar } from './schema-grammar'
import { syncPrefix } from './sequence'
import { exactText } from './template-text'
import { chatWrapperFor } from './wrapper'
import { flatDistributionStats } from '../uncertainty/math'
import { captureSteps } from './step-capture'

export interface AnswerInput {
  lease: ContextLease
  profile: PromptProfile
  history?: Turn[]
  query: string
  /** Extra demonstrations placed before the query (TT-ICL) */
  demonstrations?: { input: string; output: string }[]
  maxTokens?: number
  signal?: AbortSignal
  onToken?: (t: TokenTrace) => void
  /** How many alternatives to keep per token for traces */
  topK?: number
  /**
   * What each token's trace carries (greedy answers): 'top' (default) the top-k alternatives with exact
   * probabilities; 'full' also the entropy and self-certainty of the whole distribution (the token estimators
   * need them; it costs one pass over the vocabulary per token). Sampled answers carry only each token's
   * probability.
   */
  distribution?: 'top' | 'full'
  /** Sample instead of greedy decoding (e.g. for RSS candidate calls); traces then carry only each token's probability */
  sampling?: { temperature: number; seed: number }
  /** Only a tool call, even where the profile allows text (RSS's sampled candidate calls) */
  callOnly?: boolean
}

export interface AnswerResult {
  text: string
  call: ToolCall | null
  parseError: string | null
  tokens: TokenTrace[]
  prompt: string
  promptTokens: number
  ms: number
  stopReason: 'eos' | 'complete' | 'maxTokens' | 'cancelled'
}

/**
 * The prompt the model sees for a query (shared with uncertainty scoring): its tokens, and its exact text
 * (special tokens as the model writes them), which tokenizes back to the same tokens.
 */
export function renderPrompt(input: Pick<AnswerInput, 'lease' | 'profile' | 'history' | 'query' | 'demonstrations'>) {
  const { model } = input.lease
  const wrapper = chatWrapperFor(model)
  const turns: Turn[] = []
  for (const d of input.demonstrations ?? []) turns.push({ role: 'user', text: d.input }, { role: 'assistant', text: d.output })
  turns.push(...(input.history ?? []), { role: 'user', text: input.query })
  const state = wrapper.generateContextState({ chatHistory: chatHistory(toolSystemPrompt(input.profile), turns) })
  const tokens = state.contextText.tokenize(model.tokenizer)
  return { text: exactText(model, state.contextText), tokens, stopTriggers: state.stopGenerationTriggers.map((t) => exactText(model, t)) }
}

/**
 * The agent answers `query`: a tool call (grammar-constrained) when the profile has tools, free text
 * otherwise. Greedy decoding (unless `sampling` is given); every token's probability and top alternatives
 * are captured for traces.
 */
export async function answerQuery(input: AnswerInput): Promise<AnswerResult> {
  const t0 = performance.now()
  const { model, sequence } = input.lease
  const prompt = renderPrompt(input)
  const hasTools = input.profile.tools.length > 0
  const grammar = await answerGrammar(model, input.profile, input.callOnly)
  const grammarState = grammar ? new LlamaGrammarEvaluationState({ model, grammar }) : undefined
  const toEvaluate = await syncPrefix(sequence, prompt.tokens)
  const detok = (t: Token) => model.detokenize([t], true)
  const tokens: TokenTrace[] = []
  let text = ''
  let stopReason: AnswerResult['stopReason'] = 'maxTokens'
  const maxTokens = input.maxTokens ?? 256
  const sampling = input.sampling ?? { temperature: 0, seed: 0 }
  const traceMode = input.sampling ? undefined : (input.distribution ?? 'top')
  const k = input.topK ?? 5
  // the step capture asks llama.cpp for just what the trace shows; without it, the public full-vocabulary Map
  const capture = traceMode ? captureSteps(input.lease.context, traceMode, k) : null
  const iterator = sequence.evaluateWithMetadata(
    toEvaluate,
    { confidence: true, probabilities: !!traceMode && !capture },
    { temperature: sampling.temperature, seed: sampling.seed, grammarEvaluationState: grammarState }
  )
  try {
    for await (const out of iterator) {
      if (input.signal?.aborted) {
        stopReason = 'cancelled'
        break
      }
      if (model.isEogToken(out.token)) {
        stopReason = 'eos'
        break
      }
      const piece = detok(out.token)
      const probs = (out as { probabilities?: Map<Token, number> }).probabilities
      const stats = capture ? capture.take(out.token) : probs ? mapStats(probs, k) : undefined
      const trace: TokenTrace = {
        token: out.token,
        text: piece,
        prob: out.confidence,
        top: (stats?.top ?? []).map((t) => ({ text: detok(t.token as Token), prob: t.prob })),
        ...(stats?.entropy === undefined || traceMode !== 'full' ? {} : { entropy: stats.entropy }),
        ...(stats?.selfCertainty === undefined || traceMode !== 'full' ? {} : { selfCertainty: stats.selfCertainty })
      }
      tokens.push(trace)
      text += piece
      input.onToken?.(trace)
      // a call is an answer that opens with '{' (the grammar lets text answers start with anything else)
      const isCall = hasTools && text.trimStart().startsWith('{')
      if (!isCall && prompt.stopTriggers.some((s) => s && text.endsWith(s))) {
        const trigger = prompt.stopTriggers.find((s) => s && text.endsWith(s))!
        text = text.slice(0, -trigger.length)
        stopReason = 'eos'
        break
      }
      if (isCall && piece.includes('}') && isCompleteJson(text)) {
        stopReason = 'complete'
        break
      }
      if (tokens.length >= maxTokens) break
    }
  } finally {
    await iterator.return?.()
    capture?.restore()
  }
  const textAnswer = !hasTools || (input.profile.allowText && !input.callOnly && !text.trimStart().startsWith('{'))
  const parsed = textAnswer ? { call: null, error: null } : parseCall(text, input.profile.tools)
  return {
    text: text.trim(),
    call: parsed.call,
    parseError: parsed.error,
    tokens,
    prompt: prompt.text,
    promptTokens: prompt.tokens.length,
    ms: performance.now() - t0,
    stopReason
  }
}

/**
 * The grammar an answer is generated under: none without tools; one call of the profile's tools; or, when
 * the profile allows text, that call OR plain text (anything not opening with '{' or whitespace). Built from
 * the tools' schemas by schema-grammar.ts, so optional arguments stay optional.
 */
export async function answerGrammar(model: LlamaModel, profile: PromptProfile, callOnly = false) {
  if (profile.tools.length === 0) return undefined
  const schema = callSchema(profile.tools)
  const grammar = !profile.allowText || callOnly ? schemaGrammar(schema) : schemaOrTextGrammar(schema)
  return model.llama.createGrammar({ grammar, rootRuleName: 'root' })
}

/** The stats of the public full-vocabulary Map (only where the step capture is unavailable). */
function mapStats(probs: Map<Token, number>, k: number) {
  const flat: number[] = []
  for (const [t, p] of probs) flat.push(t, p)
  return flatDistributionStats(flat, k)
}

function isCompleteJson(text: string): boolean {
  try {
    JSON.parse(text.trim())
    return true
  } catch {
    return false
  }
}
