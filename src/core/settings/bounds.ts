import type { z } from 'zod'
import { settingsPatchSchema } from '../contract/system'

type NumberLike = { minValue: number | null; maxValue: number | null }
type Wrapped = { unwrap?: () => unknown; shape?: Record<string, unknown> }

/** The engine's own bounds for a numeric setting (read from the contract's schema), as <input min max>. */
export function settingBounds(...path: string[]): { min?: number; max?: number } {
  let node: unknown = settingsPatchSchema as z.ZodTypeAny
  for (const key of path) {
    let n = node as Wrapped
    while (!n.shape && n.unwrap) n = n.unwrap() as Wrapped
    node = n.shape?.[key]
  }
  let n = node as Wrapped & Partial<NumberLike>
  while (n && n.minValue === undefined && n.unwrap) n = n.unwrap() as Wrapped & Partial<NumberLike>
  if (!n) return {}
  return { min: n.minValue ?? undefined, max: n.maxValue ?? undefined }
}

/** Every numeric setting the Settings view edits, by dotted path: the renderer reads them through `settings.bounds`. */
const NUMERIC = [['tau'], ['k'], ['rssSamples'], ['lora', 'rank'], ['lora', 'alpha'], ['optim', 'lr'], ['optim', 'epochs'], ['optim', 'warmup'], ['optim', 'weightDecay'], ['contextSize']]

export type SettingBounds = Record<string, { min?: number; max?: number }>

export function allSettingBounds(): SettingBounds {
  return Object.fromEntries(NUMERIC.map((path) => [path.join('.'), settingBounds(...path)]))
}
