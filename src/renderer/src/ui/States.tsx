import type { ReactNode } from 'react'

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center rounded-lg border border-dashed border-line px-6 py-12 text-center" data-testid="empty-state">
      <p className="text-sm font-semibold">{title}</p>
      {children && <div className="mt-1 max-w-md text-sm text-muted">{children}</div>}
      {action && <div className="mt-4">{action}</div>}
    </div>
  )
}

export function ErrorNote({ error, onRetry }: { error: string | null; onRetry?: () => void }) {
  if (!error) return null
  return (
    <div role="alert" className="flex items-start justify-between gap-3 rounded-md border border-bad/40 bg-bad/10 px-3 py-2 text-sm text-bad" data-testid="error">
      <span>{error}</span>
      {onRetry && (
        <button className="shrink-0 underline" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  )
}

export function Progress({ value, label }: { value: number | null; label?: string }) {
  return (
    <div className="w-full" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={value === null ? undefined : Math.round(value * 100)} aria-label={label}>
      <div className="h-1.5 overflow-hidden rounded-full bg-sunken">
        <div className={`h-full rounded-full bg-accent transition-all ${value === null ? 'w-1/3 animate-pulse' : ''}`} style={value === null ? undefined : { width: `${Math.max(2, value * 100)}%` }} />
      </div>
    </div>
  )
}
