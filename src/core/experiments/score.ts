import type { ToolCall, ToolDef } from '../contract'
import { APIBANK_TEXT_FIELDS, bfclArgumentsProblem, pythonEqual, pythonStr, wordJaccard } from './benchmark-rules'

/**
 * Exact-match scoring of tool calls against a dataset item's gold calls.
 *
 * Rules (documented in docs/experiments.md):
 * - Names must be equal (case-sensitive; names may contain dots).
 * - Arguments are compared as normalised JSON: key order is irrelevant, numbers compare numerically
 *   (1 == 1.0), strings are trimmed. A numeric string equals a number with the same value ("40.7" == 40.7)
 *   unless `strictTypes` is set: several sources store numbers as strings (README: sealtools, apibank),
 *   so a model that follows the schema's type would otherwise be marked wrong for the annotation's quirk.
 *   Booleans never equal strings. Arrays are ordered.
 * - A missing or an extra argument is a mismatch, except that a top-level value "" means "unset" on either
 *   side (ToolAlpaca annotators write optional parameters as "").
 * - With BFCL's possible answers (`meta.bfcl_possible_answer`: [{fn: {arg: [acceptable values]}}]), any
 *   acceptable value matches and an argument whose list holds "" may be omitted.
 * - Several calls: by default a multiset (any order, as BFCL's parallel items); `ordered` compares
 *   position by position (sequential gold such as ToolAlpaca's action lists).
 * - `rules` names a benchmark whose own checker differs from the above (benchmark-rules.ts, docs/scoring.md):
 *   'bfcl' (type check, strings without case/spaces/punctuation, required and unexpected parameters from the
 *   tool's schema), 'sealtools' (Python str() equality), 'nexusraven' (Python equality: types strict, strings
 *   exact), 'apibank' (free-text content fields by word overlap).
 */
export interface ScoreOptions {
  strictTypes?: boolean
  ordered?: boolean
  /** BFCL possible answers, one entry per gold call */
  possible?: unknown
  /** the benchmark whose checker's rules apply (its source name); others: the rules above */
  rules?: string
  /** the item's tools (BFCL's checker reads parameter types and the required set from them) */
  tools?: ToolDef[]
}

export interface CallScore {
  /** every call matches, none missing, none extra */
  exact: boolean
  /** the multiset (or sequence) of function names matches */
  nameOnly: boolean
  /** the first predicted call matches the first gold call (ordered) or any gold call (multiset) */
  firstCall: boolean
  /** size of the best one-to-one matching of predicted and gold calls */
  matched: number
  expected: number
  predicted: number
  /** why it is not exact (null when exact) */
  reason: string | null
}

type Alt = { name: string; args: Record<string, unknown[]> }
type Gold = { kind: 'call'; call: ToolCall } | { kind: 'alt'; alt: Alt }

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const show = (v: unknown) => {
  const s = JSON.stringify(v)
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s
}

/** Deep equality under the normalisation rules above. */
export function valuesEqual(a: unknown, b: unknown, strictTypes = false): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b
  if (typeof a === 'string' && typeof b === 'string') return a.trim() === b.trim()
  if (!strictTypes && typeof a === 'number' && typeof b === 'string') return NUMERIC.test(b.trim()) && Number(b.trim()) === a
  if (!strictTypes && typeof a === 'string' && typeof b === 'number') return valuesEqual(b, a)
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i], strictTypes))
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a)
    if (ka.length !== Object.keys(b).length) return false
    return ka.every((k) => k in b && valuesEqual(a[k], b[k], strictTypes))
  }
  return a === b
}

const unset = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '')

/** Whether one argument value matches the gold one under the benchmark's rules. */
function argumentEqual(key: string, p: unknown, g: unknown, strictTypes: boolean, rules?: string): boolean {
  if (rules === 'sealtools') return pythonStr(p) === pythonStr(g)
  if (rules === 'nexusraven') return pythonEqual(p, g)
  if (rules === 'apibank' && APIBANK_TEXT_FIELDS.has(key) && typeof p === 'string' && typeof g === 'string') return wordJaccard(p, g) > 0.5
  return valuesEqual(p, g, strictTypes)
}

/** Why `pred` does not match the gold arguments, or null when it does. */
export function argumentsProblem(pred: Record<string, unknown>, gold: Record<string, unknown>, strictTypes = false, rules?: string): string | null {
  for (const k of new Set([...Object.keys(gold), ...Object.keys(pred)])) {
    const g = gold[k]
    const p = pred[k]
    if (unset(g) && unset(p)) continue
    if (unset(p)) return `argument ${k} is missing (expected ${show(g)})`
    if (unset(g)) return `argument ${k} is extra (got ${show(p)})`
    if (!argumentEqual(k, p, g, strictTypes, rules)) return `argument ${k}: expected ${show(g)}, got ${show(p)}`
  }
  return null
}

function acceptable(pred: unknown, acc: unknown, strictTypes: boolean): boolean {
  if (valuesEqual(pred, acc, strictTypes)) return true
  // BFCL nests acceptable-value lists inside dict arguments: {"email": ["a@b"], "bio": [""]}
  if (isObj(acc) && isObj(pred) && Object.values(acc).every(Array.isArray)) return altProblem(pred, acc as Record<string, unknown[]>, strictTypes) === null
  return false
}

function altProblem(pred: Record<string, unknown>, args: Record<string, unknown[]>, strictTypes: boolean): string | null {
  for (const [k, vals] of Object.entries(args)) {
    const optional = vals.some((v) => v === '')
    if (!(k in pred) || unset(pred[k])) {
      if (!optional) return `argument ${k} is missing (expected one of ${show(vals)})`
      continue
    }
    if (!vals.some((v) => v !== '' && acceptable(pred[k], v, strictTypes))) return `argument ${k}: expected one of ${show(vals.filter((v) => v !== ''))}, got ${show(pred[k])}`
  }
  for (const k of Object.keys(pred)) if (!(k in args) && !unset(pred[k])) return `argument ${k} is extra (got ${show(pred[k])})`
  return null
}

function callProblem(pred: ToolCall, gold: Gold, strictTypes: boolean, opts: ScoreOptions): string | null {
  const name = gold.kind === 'call' ? gold.call.name : gold.alt.name
  if (pred.name !== name) return `called ${pred.name}, expected ${name}`
  if (gold.kind === 'call') return argumentsProblem(pred.arguments ?? {}, gold.call.arguments ?? {}, strictTypes, opts.rules)
  if (opts.rules === 'bfcl') return bfclArgumentsProblem(pred.arguments ?? {}, gold.alt.args, opts.tools?.find((t) => t.name === name))
  return altProblem(pred.arguments ?? {}, gold.alt.args, strictTypes)
}

/** Reads BFCL's possible answers; null when absent or not in the expected shape. */
export function parsePossible(possible: unknown): Alt[] | null {
  if (!Array.isArray(possible) || possible.length === 0) return null
  const alts: Alt[] = []
  for (const entry of possible) {
    if (!isObj(entry) || Object.keys(entry).length !== 1) return null
    const [name, args] = Object.entries(entry)[0]
    if (!isObj(args) || !Object.values(args).every(Array.isArray)) return null
    alts.push({ name, args: args as Record<string, unknown[]> })
  }
  return alts
}

/** Maximum one-to-one matching (Kuhn's augmenting paths; call lists are tiny). */
function maxMatching(n: number, m: number, ok: (i: number, j: number) => boolean): number {
  const owner = new Array<number>(m).fill(-1)
  const tryAssign = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < m; j++) {
      if (seen[j] || !ok(i, j)) continue
      seen[j] = true
      if (owner[j] < 0 || tryAssign(owner[j], seen)) {
        owner[j] = i
        return true
      }
    }
    return false
  }
  let size = 0
  for (let i = 0; i < n; i++) if (tryAssign(i, new Array(m).fill(false))) size++
  return size
}

/** Scores predicted calls against the gold calls (and BFCL alternatives when given). */
export function scoreCalls(predicted: ToolCall[], expected: ToolCall[], opts: ScoreOptions = {}): CallScore {
  const strict = opts.strictTypes ?? false
  const alts = parsePossible(opts.possible)
  const gold: Gold[] = alts && alts.length === expected.length ? alts.map((alt) => ({ kind: 'alt', alt })) : expected.map((call) => ({ kind: 'call', call }))
  const goldName = (g: Gold) => (g.kind === 'call' ? g.call.name : g.alt.name)
  const problems = predicted.map((p) => gold.map((g) => callProblem(p, g, strict, opts)))
  const ok = (i: number, j: number) => problems[i][j] === null && (!opts.ordered || i === j)
  const matched = maxMatching(predicted.length, gold.length, ok)
  const exact = matched === gold.length && predicted.length === gold.length
  const names = (xs: string[]) => (opts.ordered ? xs : [...xs].sort()).join('\u0000')
  const nameOnly = predicted.length === gold.length && names(predicted.map((p) => p.name)) === names(gold.map(goldName))
  const firstCall = predicted.length > 0 && gold.length > 0 && (opts.ordered ? ok(0, 0) : gold.some((_, j) => ok(0, j)))
  let reason: string | null = null
  if (!exact) {
    if (predicted.length === 0) reason = 'no tool call was made'
    else {
      // explain with the first predicted call that has no partner, against the closest gold call
      const i = predicted.findIndex((_, i) => !gold.some((_, j) => ok(i, j)))
      if (i >= 0) {
        const sameName = gold.findIndex((g, j) => goldName(g) === predicted[i].name && (!opts.ordered || j === i))
        reason = `call ${i + 1}: ${problems[i][sameName >= 0 ? sameName : Math.min(i, gold.length - 1)] ?? 'out of order'}`
      }
      if (predicted.length !== gold.length) {
        const count = `${predicted.length} call(s) made, ${gold.length} expected`
        reason = reason ? `${count}; ${reason}` : count
      }
      reason ??= 'the calls do not match one-to-one'
    }
  }
  return { exact, nameOnly, firstCall, matched, expected: gold.length, predicted: predicted.length, reason }
}
