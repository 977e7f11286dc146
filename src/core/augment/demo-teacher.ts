import type { AgentProfile, ToolDef } from '../contract'
import { isObject } from '../../shared/json-schema'

/** How the demo teacher is named wherever its pairs appear (round, review queue, exports). */
export const DEMO_TEACHER = 'demo teacher (built-in, not a model)'

/**
 * The demo teacher: a deterministic, template-based pair writer over the profile's tools, so a first run on the
 * random-weight demo model can complete a whole round offline. No model runs; it fills each tool's JSON schema
 * with sample values and phrases a request from the tool's name. Its output goes through the same parser and
 * validator as a model's, and every pair is labelled with DEMO_TEACHER.
 */
export function demoTeacherPairs(profile: Pick<AgentProfile, 'tools' | 'systemPrompt'>, query: string, k: number, offset = 0): string {
  const examples: Record<string, unknown>[] = []
  const seen = new Set<string>()
  const tool = profile.tools.length ? closestTool(profile.tools, query) : null
  for (let n = 0; examples.length < k && n < k * 4; n++) {
    const i = n + offset
    const item = tool ? toolExample(tool, i) : textExample(query, i)
    const key = String(item.input).toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    examples.push(item)
  }
  return JSON.stringify({ examples })
}

const words = (s: string) => new Set(s.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 3))

/** The tool whose name, description and parameter names share the most words with the query (first on a tie). */
export function closestTool(tools: ToolDef[], query: string): ToolDef {
  const q = words(query)
  let best = tools[0]
  let bestScore = -1
  for (const t of tools) {
    const props = isObject(t.parameters.properties) ? Object.keys(t.parameters.properties).join(' ') : ''
    const w = words(`${t.name.replace(/_/g, ' ')} ${t.description} ${props}`)
    const score = [...q].filter((x) => w.has(x)).length
    if (score > bestScore) (best = t), (bestScore = score)
  }
  return best
}

const PHRASES = [(verb: string, args: string) => `Please ${verb}: ${args}.`, (verb: string, args: string) => `Can you ${verb} with ${args}?`, (verb: string, args: string) => `I need to ${verb} (${args}).`]

function toolExample(tool: ToolDef, i: number): Record<string, unknown> {
  const args = objectValue(tool.parameters, i)
  const verb = tool.name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
  const described = Object.entries(args).map(([key, v]) => `${key.replace(/_/g, ' ')} ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')
  return { input: PHRASES[i % PHRASES.length](verb, described || 'the defaults'), call: { name: tool.name, arguments: args } }
}

function textExample(query: string, i: number): Record<string, unknown> {
  const asks = ['Put differently', 'In other words', 'Another way to ask', 'Rephrased']
  const input = `${asks[i % asks.length]} (${Math.floor(i / asks.length) + 1}): ${query}`
  return { input, output: `(demo teacher: a template answer, not written by a model) An answer to "${query}" would go here.` }
}

const SAMPLES: [RegExp, string[]][] = [
  [/city|town|location|place|country/i, ['Oslo', 'Rome', 'Lima', 'Nairobi', 'Kyoto', 'Toronto', 'Lisbon', 'Seoul']],
  [/time|hour/i, ['09:30', '14:00', '18:15', '07:45', '12:30']],
  [/title|subject|name/i, ['Team sync', 'Dentist appointment', 'Book club', 'Project review', 'Lunch with Sam']],
  [/query|search|question|text|keyword/i, ['best hiking trails nearby', 'how to repot a cactus', 'train times to the airport', 'recipes with lentils', 'history of the bicycle']],
  [/mail/i, ['ana@example.com', 'li@example.org', 'sam@example.net']],
  [/url|link|site/i, ['https://example.com/a', 'https://example.org/b']]
]

function dateValue(i: number): string {
  const d = new Date(Date.UTC(2026, 0, 5 + i * 3))
  return d.toISOString().slice(0, 10)
}

function stringValue(schema: Record<string, unknown>, i: number, key: string): string {
  let v: string
  const hint = `${key} ${typeof schema.description === 'string' ? schema.description : ''}`
  if (schema.format === 'date' || /YYYY-MM-DD|\bdate\b/i.test(hint)) v = dateValue(i)
  else if (schema.format === 'date-time') v = `${dateValue(i)}T09:00:00Z`
  else if (schema.format === 'time') v = '09:30:00'
  else if (schema.format === 'email') v = 'ana@example.com'
  else if (schema.format === 'uri' || schema.format === 'url') v = 'https://example.com/a'
  else {
    const list = SAMPLES.find(([re]) => re.test(key) || re.test(hint))?.[1]
    v = list ? list[i % list.length] : `${key.replace(/_/g, ' ') || 'value'} ${i + 1}`
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity
  if (v.length > max) v = v.slice(0, max)
  if (v.length < min) v = v.padEnd(min, 'x')
  return v
}

function numberValue(schema: Record<string, unknown>, i: number, integer: boolean): number {
  const lo = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 1
  const hi = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : lo + 9
  const v = lo + ((i + 2) % Math.max(1, Math.floor(hi - lo) + 1))
  return integer ? Math.ceil(v) : v
}

/** A value that satisfies `schema` (the JSON-schema subset tools use), varied by `i`. */
export function sampleValue(schema: unknown, i: number, key: string): unknown {
  if (!isObject(schema)) return stringValue({}, i, key)
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[i % schema.enum.length]
  if ('const' in schema) return schema.const
  const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null
  if (alternatives?.length) return sampleValue(alternatives[0], i, key)
  const type = ([] as unknown[]).concat(schema.type ?? 'string').map(String).find((t) => t !== 'null') ?? 'null'
  if (type === 'object') return objectValue(schema, i)
  if (type === 'array') return [sampleValue(schema.items, i, key.replace(/s$/, ''))]
  if (type === 'integer') return numberValue(schema, i, true)
  if (type === 'number') return numberValue(schema, i, false)
  if (type === 'boolean') return i % 2 === 0
  if (type === 'null') return null
  return stringValue(schema, i, key)
}

/** Required properties always; optional ones in every other example, so the pairs differ in shape too. */
function objectValue(schema: Record<string, unknown>, i: number): Record<string, unknown> {
  const props = isObject(schema.properties) ? schema.properties : {}
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : [])
  const out: Record<string, unknown> = {}
  for (const [k, p] of Object.entries(props)) if (required.has(k) || i % 2 === 1) out[k] = sampleValue(p, i, k)
  return out
}
