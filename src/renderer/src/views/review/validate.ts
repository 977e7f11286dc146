import type { ToolCall, ToolDef } from '../../../../core/contract'

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
  const problem = argumentProblem(args, tool.parameters)
  return problem ? { ok: false, problem: `${problem}.` } : { ok: true, call: { name: tool.name, arguments: args }, text: null }
}

/** The first way `value` breaks the JSON-schema subset tool parameters use (type, enum, const, required, properties, items, anyOf/oneOf), or null. */
export function argumentProblem(value: unknown, schema: unknown, at = 'arguments'): string | null {
  if (!isObject(schema)) return null
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => same(e, value))) return `${at} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`
  if ('const' in schema && !same(schema.const, value)) return `${at} must be ${JSON.stringify(schema.const)}`
  const alternatives = (Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null) as unknown[] | null
  if (alternatives && !alternatives.some((s) => argumentProblem(value, s, at) === null)) return `${at} matches none of the allowed forms`
  const types = schema.type === undefined ? [] : ([] as unknown[]).concat(schema.type).map(String)
  if (types.length && !types.some((t) => hasType(value, t))) return `${at} must be ${types.join(' or ')}, not ${typeName(value)}`
  if (isObject(value)) {
    const props = isObject(schema.properties) ? schema.properties : {}
    const required = Array.isArray(schema.required) ? schema.required.map(String) : []
    const missing = required.find((r) => !(r in value))
    if (missing) return `${at}.${missing} is required`
    for (const [k, v] of Object.entries(value)) {
      if (k in props) {
        const p = argumentProblem(v, props[k], `${at}.${k}`)
        if (p) return p
      } else if (schema.additionalProperties === false || Object.keys(props).length > 0) {
        return `${at}.${k} is not a parameter (known: ${Object.keys(props).join(', ') || 'none'})`
      }
    }
  }
  if (Array.isArray(value) && schema.items) {
    for (let i = 0; i < value.length; i++) {
      const p = argumentProblem(value[i], schema.items, `${at}[${i}]`)
      if (p) return p
    }
  }
  return null
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : Number.isInteger(v) ? 'an integer' : typeof v === 'object' ? 'an object' : `a ${typeof v}`)
function hasType(v: unknown, t: string): boolean {
  if (t === 'string') return typeof v === 'string'
  if (t === 'number') return typeof v === 'number' && Number.isFinite(v)
  if (t === 'integer') return Number.isInteger(v)
  if (t === 'boolean') return typeof v === 'boolean'
  if (t === 'object') return isObject(v)
  if (t === 'array') return Array.isArray(v)
  if (t === 'null') return v === null
  return true
}
