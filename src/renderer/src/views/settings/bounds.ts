import type { Output, SettingBound } from '../../../../core/contract'

type Bounds = Output<'settings.bounds'>

/** The engine's own limits for a numeric setting (from `settings.bounds`), by dotted path. */
export function boundOf(all: Bounds | undefined | null, path: string): SettingBound {
  return all?.[path] ?? {}
}

/** The same as <input min max step> attributes. */
export function inputBounds(b: SettingBound): { min?: number; max?: number; step?: number | 'any' } {
  return { min: b.min, max: b.max, step: b.step ?? 'any' }
}

/** "from 1 to 20", "above 0, at most 1", "at least 0": the allowed range in words */
export function rangeText(b: SettingBound): string {
  const low = b.min === undefined ? null : b.minExclusive ? `above ${b.min}` : `at least ${b.min}`
  if (low && b.max !== undefined) return b.minExclusive ? `${low} and at most ${b.max}` : `from ${b.min} to ${b.max}`
  return low ?? (b.max !== undefined ? `at most ${b.max}` : 'any number')
}

/** What is wrong with a numeric field's value, in words, or null when the engine would accept it. */
export function numberError(value: number, b: SettingBound): string | null {
  const kind = b.integer ? 'a whole number' : 'a number'
  if (!Number.isFinite(value)) return `Enter ${kind} ${rangeText(b)}.`
  if (b.integer && !Number.isInteger(value)) return `Must be ${kind} (${rangeText(b)}).`
  const low = b.min !== undefined && (b.minExclusive ? value <= b.min : value < b.min)
  const high = b.max !== undefined && value > b.max
  if (low) return `${value} is too small: ${rangeText(b)}.`
  if (high) return `${value} is too large: ${rangeText(b)}.`
  return null
}
