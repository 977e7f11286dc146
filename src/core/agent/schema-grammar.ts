/**
 * JSON schema -> GBNF grammar (llama.cpp's grammar format), written for tool calls.
 *
 * node-llama-cpp's own JSON-schema grammar makes every declared property required, so a model held to it can
 * never leave out an optional argument. This compiler keeps exactly the schema's `required` set: required keys
 * always appear, optional ones may be left out, all in the schema's property order. The JSON is compact (no
 * whitespace), the form callText() writes and training examples use, so what the agent generates, what RSS
 * scores and what the adapter learns are the same text.
 *
 * Understood (the keywords sanitizeSchema keeps): type (one or several), const, enum, oneOf/anyOf, properties
 * + required, additionalProperties (false or a schema), items, minItems/maxItems, minLength/maxLength, format
 * date / time / date-time. An object schema without `properties` is free-form: any JSON object (its values held
 * to `additionalProperties` when that is a schema); `properties: {}` is the empty object.
 */

type Schema = Record<string, unknown>

/** A GBNF string literal for `text`. */
export function gbnfLiteral(text: string): string {
  let out = '"'
  for (const ch of text) {
    const c = ch.codePointAt(0)!
    if (ch === '"' || ch === '\\') out += '\\' + ch
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0')
    else out += ch
  }
  return out + '"'
}

const BASE_RULES: Record<string, string> = {
  char: '[^"\\\\\\x7F\\x00-\\x1F] | "\\\\" ["\\\\/bfnrt] | "\\\\u" [0-9a-fA-F]{4}',
  string: '"\\"" char* "\\""',
  integer: '"-"? ("0" | [1-9] [0-9]{0,15})',
  number: 'integer ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,4})?',
  boolean: '"true" | "false"',
  null: '"null"',
  date: '"\\"" date-part "\\""',
  time: '"\\"" time-part "\\""',
  'date-time': '"\\"" date-part "T" time-part "\\""',
  'date-part': '[0-9]{4} "-" ("0" [1-9] | "1" [012]) "-" ("0" [1-9] | [12] [0-9] | "3" [01])',
  'time-part': '([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9] ":" [0-5] [0-9] ("." [0-9]{3})? ("Z" | [+-] ([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9])',
  value: 'object | array | string | number | boolean | null',
  object: '"{" (string ":" value ("," string ":" value)*)? "}"',
  array: '"[" (value ("," value)*)? "]"'
}
/** Which base rules each base rule refers to */
const BASE_DEPS: Record<string, string[]> = {
  string: ['char'],
  number: ['integer'],
  date: ['date-part'],
  time: ['time-part'],
  'date-time': ['date-part', 'time-part'],
  value: ['object', 'array', 'string', 'number', 'boolean', 'null'],
  object: ['string', 'value'],
  array: ['value']
}

class GrammarBuilder {
  private rules = new Map<string, string>()
  private byBody = new Map<string, string>()
  private base = new Set<string>()
  private n = 0

  /** A named rule for `body` (one per distinct body). */
  rule(body: string, hint: string): string {
    const known = this.byBody.get(body)
    if (known) return known
    const name = `${hint.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'r'}-${++this.n}`
    this.rules.set(name, body)
    this.byBody.set(body, name)
    return name
  }

  useBase(name: string): string {
    if (!this.base.has(name)) {
      this.base.add(name)
      for (const d of BASE_DEPS[name] ?? []) this.useBase(d)
    }
    return name
  }

  /** A GBNF expression matching the JSON values `schema` allows. */
  value(schema: unknown, hint: string): string {
    if (!schema || typeof schema !== 'object') return this.useBase('value')
    const s = schema as Schema
    if ('const' in s) return gbnfLiteral(JSON.stringify(s.const))
    if (Array.isArray(s.enum) && s.enum.length > 0) return this.alternatives(s.enum.map((v) => gbnfLiteral(JSON.stringify(v))), hint)
    const variants = (s.oneOf ?? s.anyOf) as unknown[] | undefined
    if (Array.isArray(variants) && variants.length > 0) return this.alternatives(variants.map((v, i) => this.value(v, `${hint}-${i + 1}`)), hint)
    if (Array.isArray(s.type)) return this.alternatives(s.type.map((t) => this.value({ ...s, type: t }, `${hint}-${t}`)), hint)
    switch (s.type) {
      case 'string':
        return this.string(s, hint)
      case 'integer':
      case 'number':
      case 'boolean':
      case 'null':
        return this.useBase(s.type)
      case 'array':
        return this.array(s, hint)
      case 'object':
        return this.object(s, hint)
      default:
        return s.properties ? this.object(s, hint) : this.useBase('value')
    }
  }

  private alternatives(exprs: string[], hint: string): string {
    const distinct = [...new Set(exprs)]
    return distinct.length === 1 ? distinct[0] : this.rule(distinct.join(' | '), hint)
  }

  private string(s: Schema, hint: string): string {
    if (s.format === 'date' || s.format === 'time' || s.format === 'date-time') return this.useBase(s.format)
    const min = Math.max(0, Math.floor(Number(s.minLength ?? 0)) || 0)
    const max = s.maxLength === undefined ? undefined : Math.max(min, Math.floor(Number(s.maxLength)) || 0)
    if (min === 0 && max === undefined) return this.useBase('string')
    this.useBase('char')
    return this.rule(`"\\"" ${repeat('char', min, max)} "\\""`, hint)
  }

  private array(s: Schema, hint: string): string {
    const item = this.value(s.items, `${hint}-item`)
    const min = Math.max(0, Math.floor(Number(s.minItems ?? 0)) || 0)
    const max = s.maxItems === undefined ? undefined : Math.max(min, Math.floor(Number(s.maxItems)) || 0)
    if (max === 0) return gbnfLiteral('[]')
    const rest = repeat(`("," ${item})`, Math.max(0, min - 1), max === undefined ? undefined : max - 1)
    const items = `${item} ${rest}`
    return this.rule(min === 0 ? `"[" (${items})? "]"` : `"[" ${items} "]"`, hint)
  }

  private object(s: Schema, hint: string): string {
    const props = s.properties as Record<string, unknown> | undefined
    if (!props) {
      if (s.additionalProperties === false) return gbnfLiteral('{}')
      if (!s.additionalProperties || s.additionalProperties === true) return this.useBase('object')
      const v = this.value(s.additionalProperties, `${hint}-value`)
      const entry = `${this.useBase('string')} ":" ${v}`
      return this.rule(`"{" (${entry} ("," ${entry})*)? "}"`, hint)
    }
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : [])
    const keys = Object.keys(props)
    const pair = keys.map((k) => `${gbnfLiteral(JSON.stringify(k) + ':')} ${this.value(props[k], `${hint}-${k}`)}`)
    // after(i): keys i.. once a key has been written (each present one preceded by a comma);
    // first(i): keys i.. while none has been written yet (an optional key there may be skipped)
    const after = (i: number): string =>
      keys
        .slice(i)
        .map((k, j) => (required.has(k) ? `"," ${pair[i + j]}` : `("," ${pair[i + j]})?`))
        .join(' ')
    const first = (i: number): string => {
      if (i === keys.length) return ''
      const own = `${pair[i]} ${after(i + 1)}`.trim()
      if (required.has(keys[i])) return own
      const skip = first(i + 1)
      return skip ? this.rule(`${own} | ${skip}`, `${hint}-from-${keys[i]}`) : `(${own})?`
    }
    const body = first(0)
    return this.rule(body ? `"{" ${body} "}"` : '"{}"', hint)
  }

  grammar(rootExpr: string, extra: Record<string, string> = {}): string {
    const lines = [`root ::= ${rootExpr}`]
    for (const [name, body] of Object.entries(extra)) lines.push(`${name} ::= ${body}`)
    for (const [name, body] of this.rules) lines.push(`${name} ::= ${body}`)
    for (const name of Object.keys(BASE_RULES)) if (this.base.has(name)) lines.push(`${name} ::= ${BASE_RULES[name]}`)
    return lines.join('\n') + '\n'
  }
}

function repeat(expr: string, min: number, max: number | undefined): string {
  if (max === undefined) return min === 0 ? `${expr}*` : `${expr}{${min},}`
  if (max === 0) return ''
  return min === max ? `${expr}{${min}}` : `${expr}{${min},${max}}`
}

/** GBNF (root rule `root`) for the JSON values `schema` allows. */
export function schemaGrammar(schema: unknown): string {
  const b = new GrammarBuilder()
  return b.grammar(b.value(schema, 'v'))
}

/**
 * GBNF (root rule `root`) for `schema` OR plain text: anything that does not open with '{' or whitespace
 * (the call-or-text answers of profiles that allow text).
 */
export function schemaOrTextGrammar(schema: unknown): string {
  const b = new GrammarBuilder()
  const call = b.value(schema, 'call')
  return b.grammar(`${call} | text`, { text: '[^{ \\t\\n\\r] [^\\x00]*' })
}
