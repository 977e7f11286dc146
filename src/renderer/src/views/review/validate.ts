import type { ToolCall, ToolDef } from '../../../../core/contract'
import { isObject, schemaProblem } from '../../../../shared/json-schema'

export { schemaProblem as argumentProblem }

/**
 * Inline checks for an edited review example, run as the reviewer types. The engine checks again on
 * save (review.edit); this only spares a round trip and says precisely what is wrong, and where.
 */
export type EditCheck = { ok: true; call: ToolCall | null; text: string | null } | { ok: false; problem: string }

/** Checks the edited input and answer. With tools, `answer` is the call as JSON; without, plain text. */
export function checkEdit(input: string, answer: string, tools: ToolDef[]): EditCheck {
  if (!input.trim()) return { ok: false, problem: 'The input is empty: write the user request this example teaches.' }
  if (tools.length === 0) return answer.trim() ? { ok: true, call: null, text: answer } : { ok: false, problem: 'The answer is empty.' }
  let parsed: unknown
  try {
    parsed = JSON.parse(answer)
  } catch (err) {
    return { ok: false, problem: `The call is not valid JSON: ${(err as Error).message}` }
  }
  if (!isObject(parsed) || typeof parsed.name !== 'string') return { ok: false, problem: 'The call must be an object like {"name": "tool", "arguments": {...}}.' }
  const tool = tools.find((t) => t.name === parsed.name)
  if (!tool) return { ok: false, problem: `Unknown tool "${parsed.name}". This profile has: ${tools.map((t) => t.name).join(', ')}.` }
  const args = parsed.arguments ?? {}
  if (!isObject(args)) return { ok: false, problem: '"arguments" must be an object.' }
  const extra = Object.keys(parsed).filter((k) => k !== 'name' && k !== 'arguments')
  if (extra.length) return { ok: false, problem: `Unexpected field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')}: a call has only "name" and "arguments".` }
  const problem = schemaProblem(args, tool.parameters)
  return problem ? { ok: false, problem: `${problem}.` } : { ok: true, call: { name: tool.name, arguments: args }, text: null }
}
