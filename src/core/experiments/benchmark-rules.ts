/**
 * Where a benchmark's own checker differs from strict equality, its rule (each one documented with the
 * checker it follows in docs/scoring.md). Written from the benchmarks' descriptions and checkers, not copied.
 */
import type { ToolDef } from '../contract'

type Schema = Record<string, unknown>
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const show = (v: unknown) => {
  const s = JSON.stringify(v)
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s
}

// ---- BFCL (gorilla, bfcl_eval/eval_checker/ast_eval/ast_checker.py) ----

/** BFCL compares strings lower-cased, without spaces and , . / - _ * ^, and with ' read as ". */
export function bfclStandardize(s: string): string {
  return s.replace(/[ ,./\-_*^]/g, '').toLowerCase().replace(/'/g, '"')
}

/** The JSON-schema type a value has, as BFCL's Python type check sees it (an integral number is an int). */
function jsonType(v: unknown): string {
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'boolean'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  if (Array.isArray(v)) return 'array'
  if (isObj(v)) return 'object'
  return 'null'
}

/** BFCL's type check: the value's type must be the parameter's, except that an int passes for a float. */
function typeFits(v: unknown, type: string): boolean {
  const t = jsonType(v)
  return t === type || (type === 'number' && t === 'integer')
}

/** Python's == on JSON values: deep, key order ignored, no conversions (1 == 1.0 holds: JSON cannot tell them apart). */
export function pythonEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pythonEqual(x, b[i]))
  if (isObj(a) && isObj(b)) return Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => k in b && pythonEqual(a[k], b[k]))
  return a === b
}

const standardizeItem = (v: unknown) => (typeof v === 'string' ? bfclStandardize(v) : v)

/** A dict argument against BFCL's acceptable dicts ({key: [acceptable values]}; "" = the key may be left out). */
function bfclDictOk(pred: Record<string, unknown>, acceptable: unknown[]): boolean {
  return acceptable.some((acc) => {
    if (!isObj(acc)) return false
    for (const [k, v] of Object.entries(pred)) {
      const vals = acc[k]
      if (!Array.isArray(vals) || !vals.some((a) => pythonEqual(standardizeItem(a), standardizeItem(v)))) return false
    }
    return Object.entries(acc).every(([k, vals]) => k in pred || (Array.isArray(vals) && vals.includes('')))
  })
}

/** Why one argument value is not acceptable under BFCL's rules (null when it is). */
export function bfclValueProblem(name: string, value: unknown, acceptable: unknown[], schema: Schema | undefined): string | null {
  const type = typeof schema?.type === 'string' ? schema.type : undefined
  const answers = acceptable.filter((a) => a !== '')
  // a gold value whose type differs from the schema's is a variable name: compared as given
  const variable = answers.length > 0 && type !== undefined && !typeFits(answers[0], type)
  if (variable) {
    if (jsonType(value) === jsonType(answers[0]) && answers.some((a) => pythonEqual(a, value))) return null
    return `argument ${name}: expected one of ${show(answers)}, got ${show(value)}`
  }
  if (type && !typeFits(value, type)) return `argument ${name}: expected a value of type ${type}, got ${show(value)}`
  const itemType = isObj(schema?.items) && typeof schema.items.type === 'string' ? schema.items.type : undefined
  if (type === 'array' && itemType && itemType !== 'object' && !(value as unknown[]).every((x) => typeFits(x, itemType))) {
    return `argument ${name}: every item must be of type ${itemType}, got ${show(value)}`
  }
  let ok: boolean
  if (type === 'string') ok = answers.some((a) => typeof a === 'string' && bfclStandardize(a) === bfclStandardize(value as string))
  else if (type === 'object') ok = bfclDictOk(value as Record<string, unknown>, answers)
  else if (type === 'array' && itemType === 'object') {
    const list = value as unknown[]
    ok = answers.some((a) => Array.isArray(a) && a.length === list.length && list.every((d, i) => isObj(d) && bfclDictOk(d, [a[i]])))
  } else if (type === 'array') ok = answers.some((a) => Array.isArray(a) && pythonEqual(a.map(standardizeItem), (value as unknown[]).map(standardizeItem)))
  else ok = answers.some((a) => pythonEqual(a, value))
  return ok ? null : `argument ${name}: expected one of ${show(answers)}${type === 'string' ? ' (case, spaces and punctuation ignored)' : ''}, got ${show(value)}`
}

/** Why a call's arguments fail BFCL's checker for one gold call (null when they pass). */
export function bfclArgumentsProblem(pred: Record<string, unknown>, possible: Record<string, unknown[]>, tool: ToolDef | undefined): string | null {
  const props = (tool?.parameters?.properties ?? {}) as Record<string, Schema>
  for (const r of (tool?.parameters?.required ?? []) as string[]) if (!(r in pred)) return `argument ${r} is missing (required)`
  for (const [k, v] of Object.entries(pred)) {
    if (!(k in possible) || (tool && !(k in props))) return `argument ${k} is extra (got ${show(v)})`
    const p = bfclValueProblem(k, v, possible[k], props[k])
    if (p) return p
  }
  for (const [k, vals] of Object.entries(possible)) if (!(k in pred) && !vals.includes('')) return `argument ${k} is missing (expected one of ${show(vals)})`
  return null
}

// ---- Seal-Tools (LLM_Evaluation/src/calculate_pluginscore_detailed.py): str(pred) == str(gold) ----

/** A value as Python's str() writes it (the form Seal-Tools compares). */
export function pythonStr(v: unknown, nested = false): string {
  if (typeof v === 'string') return nested ? (v.includes("'") && !v.includes('"') ? `"${v}"` : `'${v.replace(/'/g, "\\'")}'`) : v
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  if (v === null || v === undefined) return 'None'
  if (typeof v === 'number') return String(v)
  if (Array.isArray(v)) return `[${v.map((x) => pythonStr(x, true)).join(', ')}]`
  if (isObj(v)) return `{${Object.entries(v).map(([k, x]) => `${pythonStr(k, true)}: ${pythonStr(x, true)}`).join(', ')}}`
  return String(v)
}

// ---- API-Bank (api-bank/apis/*.py check_api_call_correctness) ----

/** Free-text inputs API-Bank's checkers accept when more than half of the words (set Jaccard) agree. */
export const APIBANK_TEXT_FIELDS = new Set(['content', 'meeting_topic'])

export function wordJaccard(a: string, b: string): number {
  const x = new Set(a.split(' '))
  const y = new Set(b.split(' '))
  let inter = 0
  for (const w of x) if (y.has(w)) inter++
  return inter / (x.size + y.size - inter)
}
