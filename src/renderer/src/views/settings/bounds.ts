import type { Output } from '../../../../core/contract'

type Bounds = Output<'settings.bounds'>

/** The engine's own bounds for a numeric setting (from `settings.bounds`), as <input min max>. */
export function boundsOf(all: Bounds | undefined | null, ...path: string[]): { min?: number; max?: number } {
  return all?.[path.join('.')] ?? {}
}
