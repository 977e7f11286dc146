import type { z } from 'zod'
import type { SettingBound } from '../contract'
import { settingsPatchSchema } from '../contract/system'
import { TEACHER_HTTP_LIMITS } from '../../shared/teacher'

type NumberLike = { minValue: number | null; maxValue: number | null; isInt?: boolean; _zod?: { def?: { checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean } } }[] } } }
type Wrapped = { unwrap?: () => unknown; shape?: Record<string, unknown> }

/** zod reports ±MAX_SAFE_INTEGER as the range of a bare .int(): no real bound */
const real = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v)

/** The arrows' step for the non-integer settings (integers step by 1) */
const STEP: Record<string, number> = { tau: 0.01, 'lora.alpha': 1, 'optim.lr': 0.00001, 'optim.warmup': 0.01, 'optim.weightDecay': 0.01 }

/** The engine's own bounds for a numeric setting (read from the contract's schema), as <input min max step>. */
export function settingBounds(...path: string[]): SettingBound {
  let node: unknown = settingsPatchSchema as z.ZodTypeAny
  for (const key of path) {
    let n = node as Wrapped
    while (!n.shape && n.unwrap) n = n.unwrap() as Wrapped
    node = n.shape?.[key]
  }
  let n = node as Wrapped & Partial<NumberLike>
  while (n && n.minValue === undefined && n.unwrap) n = n.unwrap() as Wrapped & Partial<NumberLike>
  if (!n) return {}
  const min = real(n.minValue)
  const checks = n._zod?.def?.checks?.map((c) => c._zod.def) ?? []
  const minExclusive = min !== undefined && checks.some((c) => c.check === 'greater_than' && c.value === min && c.inclusive === false)
  const integer = Boolean(n.isInt)
  const bound: SettingBound = { min, max: real(n.maxValue), integer, step: integer ? 1 : STEP[path.join('.')] }
  if (minExclusive) bound.minExclusive = true
  return Object.fromEntries(Object.entries(bound).filter(([, v]) => v !== undefined)) as SettingBound
}

/** Every numeric setting the Settings view edits, by dotted path: the renderer reads them through `settings.bounds`. */
const NUMERIC = [['tau'], ['k'], ['rssSamples'], ['lora', 'rank'], ['lora', 'alpha'], ['optim', 'lr'], ['optim', 'epochs'], ['optim', 'warmup'], ['optim', 'weightDecay'], ['contextSize'], ['maxAnswerTokens']]

export type SettingBounds = Record<string, SettingBound>

export function allSettingBounds(): SettingBounds {
  const teacher = (l: { min: number; max: number }): SettingBound => ({ min: l.min, max: l.max, integer: true, step: 1 }) // inside the teacher union: the same limits the schema uses
  return {
    ...Object.fromEntries(NUMERIC.map((path) => [path.join('.'), settingBounds(...path)])),
    'teacher.timeoutSec': teacher(TEACHER_HTTP_LIMITS.timeoutSec),
    'teacher.maxResponseMb': teacher(TEACHER_HTTP_LIMITS.maxResponseMb)
  }
}
