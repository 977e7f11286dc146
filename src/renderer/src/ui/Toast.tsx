import { useEffect, useState } from 'react'
import { useEvent } from '../hooks'

export type ToastTone = 'error' | 'info'
export interface ToastItem {
  id: number
  tone: ToastTone
  title: string
  message: string
}

let nextId = 1
let items: ToastItem[] = []
const listeners = new Set<(t: ToastItem[]) => void>()
const publish = () => listeners.forEach((l) => l(items))

/** Shows a toast; the same title+message while one is shown is not repeated. Returns its id. */
export function toast(title: string, message = '', tone: ToastTone = 'error'): number {
  const same = items.find((t) => t.title === title && t.message === message)
  if (same) return same.id
  const item = { id: nextId++, tone, title, message }
  items = [...items.slice(-4), item]
  publish()
  setTimeout(() => dismiss(item.id), tone === 'error' ? 12_000 : 5_000)
  return item.id
}

export function dismiss(id: number) {
  items = items.filter((t) => t.id !== id)
  publish()
}

/**
 * The corner where failures nobody else shows end up: engine calls whose error no view caught
 * (unhandled promise rejections) and background jobs that failed (downloads, rounds, training).
 */
export function Toaster() {
  const [list, setList] = useState(items)
  useEffect(() => {
    listeners.add(setList)
    setList(items) // a toast shown between this component's first render and now
    const onRejection = (ev: PromiseRejectionEvent) => {
      const err = ev.reason as { message?: unknown } | undefined
      toast('Something failed', typeof err?.message === 'string' ? err.message : String(ev.reason))
      ev.preventDefault()
    }
    window.addEventListener('unhandledrejection', onRejection)
    return () => {
      listeners.delete(setList)
      window.removeEventListener('unhandledrejection', onRejection)
    }
  }, [])
  useEvent((e) => {
    if (e.type === 'job.update' && e.job.status === 'failed') toast(`${e.job.label} failed`, e.job.error ?? 'No reason was given.')
  })
  return (
    <div className="pointer-events-none fixed right-4 bottom-10 z-50 flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2" aria-live="polite" data-testid="toasts">
      {list.map((t) => (
        <div
          key={t.id}
          role={t.tone === 'error' ? 'alert' : 'status'}
          data-testid="toast"
          className={`pointer-events-auto flex items-start gap-3 rounded-lg border bg-panel px-3.5 py-2.5 text-sm shadow-lg ${t.tone === 'error' ? 'border-bad/50' : 'border-line'}`}
        >
          <div className="min-w-0 flex-1">
            <p className={`font-medium ${t.tone === 'error' ? 'text-bad' : ''}`}>{t.title}</p>
            {t.message && <p className="mt-0.5 text-xs break-words text-muted">{t.message}</p>}
          </div>
          <button className="shrink-0 text-xs text-muted hover:text-fg" onClick={() => dismiss(t.id)} aria-label={`Dismiss: ${t.title}`}>
            ✕
          </button>
        </div>
      ))}
    </div>
  )
}
