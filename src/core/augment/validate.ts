import type { ToolCall, ToolDef } from '../contract'
import { schemaProblem } from '../../shared/json-schema'

export { schemaProblem }

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').replace(/[^\p{L}\p{N} ]/gu, '').trim()

export interface Candidate {
  input: string
  call: ToolCall | null
  text: string | null
}

/** Checks one generated pair: a real input, a known tool with valid arguments, not the query, not a duplicate. */
export function pairProblem(pair: Candidate, tools: ToolDef[], query: string, accepted: Candidate[]): string | null {
  if (!pair.input || !pair.input.trim()) return 'the input is empty'
  if (norm(pair.input) === norm(query)) return 'the input is a copy of the query'
  if (accepted.some((a) => norm(a.input) === norm(pair.input))) return 'duplicate of another generated example'
  if (tools.length === 0) return pair.text && pair.text.trim() ? null : 'the answer is empty'
  if (!pair.call) return 'no tool call'
  const tool = tools.find((t) => t.name === pair.call!.name)
  if (!tool) return `unknown tool "${pair.call.name}" (tools: ${tools.map((t) => t.name).join(', ')})`
  return schemaProblem(pair.call.arguments, tool.parameters)
}
