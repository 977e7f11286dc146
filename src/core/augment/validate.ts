import type { ToolCall, ToolDef } from '../contract'

/** Validates `value` against the JSON-schema subset tool definitions use. Returns the first problem, or null. */
export function schemaProblem(value: unknown, schema: unknown, path = 'arguments'): string | null {
  if (!schema || typeof schema !== 'object') return null
  const s = schema as Record<string, unknown>
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    return `${path} must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`
  }
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(value)) return `${path} must be ${JSON.stringify(s.const)}`
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(s[key]) && !(s[key] as unknown[]).some((sub) => schemaProblem(value, sub, path) === null)) return `${path} matches none of the allowed shapes`
  }
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string]
  if (types.length && !types.some((t) => isType(value, t))) return `${path} must be ${types.join(' or ')}, got ${kind(value)}`
  if (isType(value, 'object') && (types.includes('object') || s.properties)) {
    const obj = value as Record<string, unknown>
    const props = (s.properties ?? {}) as Record<string, unknown>
    for (const r of (s.required as string[] | undefined) ?? []) if (!(r in obj)) return `${path}.${r} is required`
    for (const [k, v] of Object.entries(obj)) {
      if (k in props) {
        const p = schemaProblem(v, props[k], `${path}.${k}`)
        if (p) return p
      } else if (s.additionalProperties === false || Object.keys(props).length > 0) {
        return `${path}.${k} is not a parameter of this tool`
      }
    }
  }
  if (Array.isArray(value) && s.items) {
    for (let i = 0; i < value.length; i++) {
      const p = schemaProblem(value[i], s.items, `${path}[${i}]`)
      if (p) return p
    }
  }
  return null
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
}
function isType(v: unknown, t: string): boolean {
  switch (t) {
    case 'string': return typeof v === 'string'
    case 'number': return typeof v === 'number' && Number.isFinite(v)
    case 'integer': return typeof v === 'number' && Number.isInteger(v)
    case 'boolean': return typeof v === 'boolean'
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v)
    case 'array': return Array.isArray(v)
    case 'null': return v === null
    default: return true // unknown type names are not enforced
  }
}

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
