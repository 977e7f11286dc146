import { useEffect, useState } from 'react'

/** Below this width the app navigation becomes an icon rail and the views' side lists fold behind a toggle. */
export const NARROW_QUERY = '(max-width: 1099px)'

export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW_QUERY).matches)
  useEffect(() => {
    const mq = matchMedia(NARROW_QUERY)
    const onChange = () => setNarrow(mq.matches)
    mq.addEventListener('change', onChange)
    return () => mq.removeEventListener('change', onChange)
  }, [])
  return narrow
}

export interface Foldable {
  open: boolean
  narrow: boolean
  toggle: () => void
  /** folds the panel on a narrow window (after a pick from the list); a wide window keeps it open */
  foldIfNarrow: () => void
}

/** A side panel: open on a wide window, folded on a narrow one, until the user toggles it (reset when the window crosses the width). */
export function useFoldable(): Foldable {
  const narrow = useNarrow()
  const [chosen, setChosen] = useState<boolean | null>(null)
  useEffect(() => setChosen(null), [narrow])
  const open = chosen ?? !narrow
  return { open, narrow, toggle: () => setChosen(!open), foldIfNarrow: () => narrow && setChosen(false) }
}

/** Three lines: the icon of a panel toggle. */
export function MenuIcon() {
  return (
    <svg viewBox="0 0 20 20" className="h-4 w-4 shrink-0" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" aria-hidden>
      <path d="M3 5h14M3 10h14M3 15h14" />
    </svg>
  )
}

/** Shows or hides a side list; says which list and whether it is open. */
export function FoldToggle({ open, onToggle, label, testId }: { open: boolean; onToggle: () => void; label: string; testId: string }) {
  return (
    <button
      type="button"
      onClick={onToggle}
      aria-expanded={open}
      title={open ? `Hide ${label.toLowerCase()}` : `Show ${label.toLowerCase()}`}
      data-testid={testId}
      className="inline-flex shrink-0 items-center gap-1.5 rounded-md border border-line px-2 py-1 text-xs font-medium text-muted hover:bg-sunken hover:text-fg"
    >
      <MenuIcon />
      {label}
    </button>
  )
}
