/** JSON-schema checks for tool arguments, shared by the engine (generated pairs) and the renderer (inline edits). */

/** The first way `value` breaks the JSON-schema subset tool parameters use (type, enum, const, required, properties, items, anyOf/oneOf), or null. */
export function schemaProblem(value: unknown, schema: unknown, at = 'arguments'): string | null {
  if (!isObject(schema)) return null
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => same(e, value))) return `${at} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`
  if ('const' in schema && !same(schema.const, value)) return `${at} must be ${JSON.stringify(schema.const)}`
  const alternatives = (Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null) as unknown[] | null
  if (alternatives && !alternatives.some((s) => schemaProblem(value, s, at) === null)) return `${at} matches none of the allowed forms`
  const types = schema.type === undefined ? [] : ([] as unknown[]).concat(schema.type).map(String)
  if (types.length && !types.some((t) => hasType(value, t))) return `${at} must be ${types.join(' or ')}, not ${typeName(value)}`
  if (isObject(value)) {
    const props = isObject(schema.properties) ? schema.properties : {}
    const required = Array.isArray(schema.required) ? schema.required.map(String) : []
    const missing = required.find((r) => !(r in value))
    if (missing) return `${at}.${missing} is required`
    for (const [k, v] of Object.entries(value)) {
      if (k in props) {
        const p = schemaProblem(v, props[k], `${at}.${k}`)
        if (p) return p
      } else if (schema.additionalProperties === false || Object.keys(props).length > 0) {
        return `${at}.${k} is not a parameter (known: ${Object.keys(props).join(', ') || 'none'})`
      }
    }
  }
  if (Array.isArray(value) && schema.items) {
    for (let i = 0; i < value.length; i++) {
      const p = schemaProblem(value[i], schema.items, `${at}[${i}]`)
      if (p) return p
    }
  }
  return null
}

export function isObject(v: unknown): v is Record<string, unknown> {
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
