import type { ChatHistoryItem } from 'node-llama-cpp'
import type { AgentProfile, ToolCall, ToolDef } from '../contract'

/**
 * How an agent's prompt is built. Tools are described in the system message and the model answers a
 * tool-using profile with exactly one JSON object {"name": ..., "arguments": {...}} (constrained by a
 * JSON-schema grammar), so the same prompt works with any model's chat template. The same builder renders
 * the training examples, so what the adapter learns is exactly what the agent is asked.
 */
export interface Turn {
  role: 'user' | 'assistant'
  text: string
}

export type PromptProfile = Pick<AgentProfile, 'systemPrompt' | 'tools' | 'allowText'>

export function toolSystemPrompt(profile: PromptProfile): string {
  const base = profile.systemPrompt.trim()
  if (profile.tools.length === 0) return base
  const tools = profile.tools.map((t) => JSON.stringify({ name: t.name, description: t.description, parameters: t.parameters })).join('\n')
  return [
    base,
    'You can call these tools:',
    tools,
    profile.allowText
      ? 'To call a tool, answer with exactly one JSON object of the form {"name": <tool name>, "arguments": {<arguments>}}. When no tool fits, answer in plain text instead.'
      : 'Answer with exactly one JSON object of the form {"name": <tool name>, "arguments": {<arguments>}} that calls the right tool.'
  ]
    .filter(Boolean)
    .join('\n\n')
}

/** Canonical text of a tool call, as the grammar makes the model write it (compact JSON, name first). */
export function callText(call: ToolCall): string {
  return JSON.stringify({ name: call.name, arguments: call.arguments })
}

/** The prefix every tool call starts with; RSS candidates are continuations of it. */
export const CALL_PREFIX = '{"name":"'

export function chatHistory(system: string, turns: Turn[], answer?: string): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = []
  if (system) history.push({ type: 'system', text: system })
  for (const t of turns) {
    history.push(t.role === 'user' ? { type: 'user', text: t.text } : { type: 'model', response: [t.text] })
  }
  history.push({ type: 'model', response: answer === undefined ? [] : [answer] })
  return history
}

/** Parses a tool call from model text; null when it is not one of `tools`' calls. */
export function parseCall(text: string, tools: ToolDef[]): { call: ToolCall | null; error: string | null } {
  const trimmed = text.trim()
  if (!trimmed.startsWith('{')) return { call: null, error: 'not a JSON object' }
  try {
    const v = JSON.parse(trimmed) as { name?: unknown; arguments?: unknown }
    if (typeof v.name !== 'string') return { call: null, error: 'no "name"' }
    if (!tools.some((t) => t.name === v.name)) return { call: null, error: `unknown tool "${v.name}"` }
    const args = v.arguments && typeof v.arguments === 'object' && !Array.isArray(v.arguments) ? (v.arguments as Record<string, unknown>) : {}
    return { call: { name: v.name, arguments: args }, error: null }
  } catch (err) {
    return { call: null, error: `invalid JSON: ${(err as Error).message}` }
  }
}

/** JSON schema for "one call of one of these tools" (used for the grammar). */
export function callSchema(tools: ToolDef[]): Record<string, unknown> {
  const variants = tools.map((t) => ({
    type: 'object',
    properties: { name: { const: t.name }, arguments: sanitizeSchema(t.parameters) },
    required: ['name', 'arguments'],
    additionalProperties: false
  }))
  return variants.length === 1 ? variants[0] : { oneOf: variants }
}

const KEEP = new Set(['type', 'properties', 'required', 'items', 'enum', 'const', 'oneOf', 'anyOf', 'additionalProperties', 'minItems', 'maxItems', 'minLength', 'maxLength', 'format', 'description'])
/** String formats node-llama-cpp's grammar can enforce; others are left to validation */
const FORMATS = new Set(['date-time', 'time', 'date'])

/**
 * Keeps the JSON-schema keywords the grammar compiler (schema-grammar.ts) understands; unknown types become
 * strings. An object without `properties` stays free-form (any JSON object).
 */
export function sanitizeSchema(schema: unknown): Record<string, unknown> {
  if (!schema || typeof schema !== 'object') return { type: 'string' }
  const s = schema as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(s)) {
    if (!KEEP.has(k) || k === 'description') continue
    if (k === 'format' && !FORMATS.has(String(v))) continue
    if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([pk, pv]) => [pk, sanitizeSchema(pv)]))
    } else if (k === 'items') out.items = sanitizeSchema(v)
    else if (k === 'additionalProperties') out.additionalProperties = typeof v === 'boolean' ? v : sanitizeSchema(v)
    else if ((k === 'oneOf' || k === 'anyOf') && Array.isArray(v)) out[k] = v.map(sanitizeSchema)
    else if (k === 'type') {
      const types = (Array.isArray(v) ? v : [v]).filter((t) => ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'].includes(String(t)))
      out.type = types.length === 0 ? 'string' : types.length === 1 ? types[0] : types
    } else out[k] = v
  }
  if (!out.type && !out.enum && !out.const && !out.oneOf && !out.anyOf) out.type = out.properties ? 'object' : 'string'
  if (out.type === 'object' && Array.isArray(out.required) && out.properties) {
    out.required = (out.required as string[]).filter((r) => r in (out.properties as object))
  }
  return out
}
