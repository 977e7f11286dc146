import type { ViewId } from './App'
import { MenuIcon, useFoldable } from './ui/Fold'

/** Stroke paths (20×20) drawn for each view: a speech bubble, a checklist, a loop, a chip, a flask, a cog. */
const ICONS: Record<ViewId, string> = {
  chat: 'M4 4h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H9l-4 3v-3H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1z',
  review: 'M4 6l1.5 1.5L8 5M4 12l1.5 1.5L8 11M11 6.5h5M11 12.5h5',
  rounds: 'M16 10a6 6 0 1 1-2-4.5M16 3v3h-3',
  models: 'M6 6h8v8H6zM8 3v3M12 3v3M8 14v3M12 14v3M3 8h3M3 12h3M14 8h3M14 12h3',
  experiments: 'M8 3h4M9 3v5l-4.5 7.5A1 1 0 0 0 5.4 17h9.2a1 1 0 0 0 .9-1.5L11 8V3M6.5 12h7',
  settings: 'M10 7.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM10 2.5v2M10 15.5v2M2.5 10h2M15.5 10h2M4.7 4.7l1.4 1.4M13.9 13.9l1.4 1.4M4.7 15.3l1.4-1.4M13.9 6.1l1.4-1.4'
}

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 20 20" className="h-5 w-5 shrink-0" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={d} />
    </svg>
  )
}

/**
 * The app navigation: labels on a wide window, an icon rail on a narrow one (each view still one click away,
 * its name in the tooltip and to screen readers); the toggle at the top opens or folds it by hand.
 */
export function Nav({ items, view, onGo, pending, dark, onTheme }: { items: { id: ViewId; label: string; key: string }[]; view: ViewId; onGo: (v: ViewId) => void; pending: number; dark: boolean; onTheme: () => void }) {
  const fold = useFoldable()
  const wide = fold.open
  return (
    <nav
      className={`flex shrink-0 flex-col overflow-y-auto border-r border-line bg-panel ${wide ? 'w-52 p-3' : 'w-14 items-center px-1.5 py-3'}`}
      aria-label="Main"
      data-testid="app-nav"
      data-collapsed={!wide}
    >
      <div className={`mb-5 flex items-start gap-2 ${wide ? 'px-1 pt-1' : ''}`}>
        <button
          type="button"
          onClick={fold.toggle}
          aria-expanded={wide}
          aria-label={wide ? 'Fold the navigation to icons' : 'Show the navigation labels'}
          title={wide ? 'Fold the navigation' : 'Show the navigation labels'}
          data-testid="nav-toggle"
          className="rounded-md p-1.5 text-muted hover:bg-sunken hover:text-fg"
        >
          <MenuIcon />
        </button>
        {wide && (
          <div className="min-w-0">
            <div className="text-base font-semibold tracking-tight">Autodidact</div>
            <div className="text-xs text-muted">agents that learn at test time</div>
          </div>
        )}
      </div>
      {items.map((n) => (
        <button
          key={n.id}
          data-testid={`nav-${n.id}`}
          aria-current={view === n.id ? 'page' : undefined}
          title={wide ? `Alt+${n.key}` : `${n.label} (Alt+${n.key})`}
          onClick={() => onGo(n.id)}
          className={`relative mb-0.5 flex items-center gap-2.5 rounded-md text-left text-sm ${wide ? 'px-2.5 py-1.5' : 'justify-center p-2'} ${view === n.id ? 'bg-accent/15 font-medium text-accent' : 'text-muted hover:bg-sunken hover:text-fg'}`}
        >
          <Icon d={ICONS[n.id]} />
          <span className={wide ? 'flex-1' : 'sr-only'}>{n.label}</span>
          {n.id === 'review' && pending > 0 && (
            <span data-testid="nav-review-count" className={`rounded-full bg-accent px-1.5 text-xs text-accent-fg ${wide ? '' : 'absolute -top-0.5 -right-0.5 px-1 text-[10px] leading-4'}`}>
              {pending}
            </span>
          )}
        </button>
      ))}
      <div className={`mt-auto ${wide ? 'px-2' : 'flex flex-col items-center'}`}>
        <button className="text-xs text-muted hover:text-fg" onClick={onTheme} aria-label="Toggle dark mode" title={dark ? 'Light theme' : 'Dark theme'} data-testid="theme-toggle">
          {wide ? (dark ? 'Light theme' : 'Dark theme') : <Icon d={dark ? 'M10 6a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM10 2v1.5M10 16.5V18M2 10h1.5M16.5 10H18' : 'M15.5 12.5A6 6 0 0 1 7.5 4.5a6 6 0 1 0 8 8z'} />}
        </button>
        {wide && (
          <div className="mt-1 text-xs text-muted">
            Press <kbd className="rounded border border-line px-1 font-mono">?</kbd> for shortcuts
          </div>
        )}
      </div>
    </nav>
  )
}
