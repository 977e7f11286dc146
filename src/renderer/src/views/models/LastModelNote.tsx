import type { LastModelState } from '../../../../core/contract'

/** Why the model used last is not loaded (file gone or damaged, a start that died loading it, cancelled), and what to do. */
export function LastModelNote({ last }: { last: LastModelState | null }) {
  if (!last?.message || last.atStart === 'loading' || last.atStart === 'loaded') return null
  return (
    <div role="status" className="mb-3 rounded-md border border-warn/50 bg-warn/10 px-3 py-2 text-left text-sm" data-testid="last-model-note" data-state={last.atStart}>
      {last.message}
    </div>
  )
}
