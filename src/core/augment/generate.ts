import { LlamaGrammarEvaluationState } from 'node-llama-cpp'
import { chatWrapperFor } from '../agent/wrapper'
import type { AgentProfile, Settings, ToolCall } from '../contract'
import { callSchema, chatHistory } from '../agent/prompt'
import { schemaGrammar } from '../agent/schema-grammar'
import { syncPrefix } from '../agent/sequence'
import { exactText } from '../agent/template-text'
import type { ContextLease } from '../models/types'
import { postChatCompletion } from './http-teacher'
import type { Candidate } from './validate'

export interface AugmentRequest {
  profile: Pick<AgentProfile, 'systemPrompt' | 'tools'>
  query: string
  k: number
}

export function augmentationPrompt(r: AugmentRequest): { system: string; user: string } {
  const tools = r.profile.tools.map((t) => JSON.stringify({ name: t.name, description: t.description, parameters: t.parameters })).join('\n')
  const answerShape = r.profile.tools.length ? '"call": {"name": <tool>, "arguments": {...}}' : '"output": <the ideal answer>'
  return {
    system: 'You write training data for an assistant. Every example must be realistic, correct and different from the others.',
    user: [
      r.profile.tools.length ? `The assistant can call these tools:\n${tools}` : `The assistant's instructions: ${r.profile.systemPrompt}`,
      `A user asked: "${r.query}"`,
      `Write ${r.k} new user requests that are similar in intent to this one but varied in wording and details, each with the correct answer.`,
      `Reply with JSON only: {"examples": [{"input": <request>, ${answerShape}}, ...]}`
    ].join('\n\n')
  }
}

/** The JSON schema of the pairs the teacher writes (its grammar embeds the tool-call grammar). */
export function outputSchema(r: AugmentRequest): Record<string, unknown> {
  const item = r.profile.tools.length
    ? { type: 'object', properties: { input: { type: 'string' }, call: callSchema(r.profile.tools) }, required: ['input', 'call'] }
    : { type: 'object', properties: { input: { type: 'string' }, output: { type: 'string' } }, required: ['input', 'output'] }
  return { type: 'object', properties: { examples: { type: 'array', items: item, minItems: r.k, maxItems: r.k } }, required: ['examples'] }
}

/** The same model writes the pairs (TT-SI), grammar-constrained to the output schema. */
export async function generateWithModel(
  lease: ContextLease,
  r: AugmentRequest,
  opts: { maxTokens: number; signal?: AbortSignal; seed?: number; onProgress?: (tokens: number, maxTokens: number) => void }
): Promise<{ prompt: string; raw: string }> {
  const { model, sequence } = lease
  const p = augmentationPrompt(r)
  const state = chatWrapperFor(model).generateContextState({ chatHistory: chatHistory(p.system, [{ role: 'user', text: p.user }]) })
  const tokens = state.contextText.tokenize(model.tokenizer)
  const grammar = await model.llama.createGrammar({ grammar: schemaGrammar(outputSchema(r)), rootRuleName: 'root' })
  const grammarState = new LlamaGrammarEvaluationState({ model, grammar })
  const toEval = await syncPrefix(sequence, tokens)
  let raw = ''
  let n = 0
  const it = sequence.evaluate(toEval, { temperature: 0.7, seed: opts.seed ?? 1, grammarEvaluationState: grammarState })
  for await (const t of it) {
    if (opts.signal?.aborted || model.isEogToken(t)) break
    const piece = model.detokenize([t])
    raw += piece
    opts.onProgress?.(++n, opts.maxTokens)
    if (piece.includes('}') && completeJson(raw)) break
    if (n >= opts.maxTokens) break
  }
  await it.return?.()
  return { prompt: exactText(model, state.contextText), raw }
}

/** A teacher behind an OpenAI-compatible endpoint writes the pairs (TT-D). The key is sent, never stored. */
export async function generateWithHttpTeacher(
  teacher: Extract<Settings['teacher'], { kind: 'http' }>,
  apiKey: string | null,
  r: AugmentRequest,
  signal?: AbortSignal
): Promise<{ prompt: string; raw: string }> {
  const p = augmentationPrompt(r)
  const body = {
    model: teacher.model,
    messages: [{ role: 'system', content: p.system }, { role: 'user', content: p.user }],
    temperature: 0.7,
    response_format: { type: 'json_schema', json_schema: { name: 'examples', schema: outputSchema(r) } }
  }
  const raw = await postChatCompletion(teacher, apiKey, body, signal)
  return { prompt: `${p.system}\n\n${p.user}`, raw }
}

function completeJson(s: string): boolean {
  try {
    JSON.parse(s)
    return true
  } catch {
    return false
  }
}

/** Parses generated text into candidates; malformed output becomes ONE error with the parse message. */
export function parsePairs(raw: string, hasTools: boolean): { pairs: (Candidate & { raw: string })[]; error: string | null } {
  let v: unknown
  try {
    v = JSON.parse(raw.trim())
  } catch (err) {
    return { pairs: [], error: `the generated text is not valid JSON (${(err as Error).message})` }
  }
  const list = (v as { examples?: unknown })?.examples
  if (!Array.isArray(list)) return { pairs: [], error: 'the generated JSON has no "examples" array' }
  const pairs = list.map((item) => {
    const o = (item ?? {}) as { input?: unknown; call?: { name?: unknown; arguments?: unknown }; output?: unknown }
    const call: ToolCall | null =
      hasTools && o.call && typeof o.call.name === 'string'
        ? { name: o.call.name, arguments: (o.call.arguments && typeof o.call.arguments === 'object' ? o.call.arguments : {}) as Record<string, unknown> }
        : null
    return { input: typeof o.input === 'string' ? o.input : '', call, text: typeof o.output === 'string' ? o.output : null, raw: JSON.stringify(item) }
  })
  return { pairs, error: null }
}

