import type { ReactNode } from 'react'
import type { SettingBound } from '../../../../core/contract'
import { Field, Input } from '../../ui/Field'
import { inputBounds } from './bounds'

/** A numeric setting: min/max/step from the engine's bounds, its error (if any) right under it. */
export function NumberField(p: { label: string; hint?: ReactNode; bound: SettingBound; error: string | null; value: number; onChange: (v: number) => void; testId: string; disabled?: boolean }) {
  return (
    <Field label={p.label} hint={p.hint} error={p.error}>
      <Input
        type="number"
        {...inputBounds(p.bound)}
        value={Number.isNaN(p.value) ? '' : p.value}
        disabled={p.disabled}
        aria-invalid={p.error ? true : undefined}
        onChange={(e) => p.onChange(e.target.value === '' ? NaN : Number(e.target.value))}
        data-testid={p.testId}
      />
    </Field>
  )
}
