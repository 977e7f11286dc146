import { usageError } from './usage'

/**
 * `settings set key=value ...` into a settings.update patch. Values are JSON when they parse as JSON
 * (numbers, booleans, arrays, objects), otherwise plain strings. Dotted keys (`lora.rank=16`) change one
 * field of a nested group: the rest of the group is taken from the current settings, because the
 * contract replaces nested groups whole.
 */
export function settingsPatchFromArgs(args: string[], current: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {}
  for (const arg of args) {
    const eq = arg.indexOf('=')
    if (eq <= 0) throw usageError('settings', `"${arg}" is not key=value (e.g. tau=0.9 or lora.rank=16).`)
    const key = arg.slice(0, eq)
    const value = parseValue(arg.slice(eq + 1))
    const path = key.split('.')
    if (path.length === 1) {
      patch[key] = value
      continue
    }
    const [top, ...rest] = path
    const base = patch[top] ?? current[top]
    if (typeof base !== 'object' || base === null || Array.isArray(base)) throw usageError('settings', `"${top}" is not a settings group, so "${key}" cannot be set.`)
    patch[top] = setIn(base as Record<string, unknown>, rest, value)
  }
  return patch
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

function setIn(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path
  const copy = { ...obj }
  if (rest.length === 0) copy[head] = value
  else {
    const child = copy[head]
    copy[head] = setIn(typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : {}, rest, value)
  }
  return copy
}
