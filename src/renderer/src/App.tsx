import { lazy, Suspense, useEffect, useRef, useState } from 'react'
import type { SystemInfo } from '../../core/contract'
import { useEvent } from './hooks'
import { engine } from './rpc'
import { Nav } from './Nav'
import { StatusBar } from './StatusBar'
import { ConnectionBanner, useConnection } from './ConnectionBanner'
import { DamagedDatabase, useSystemStatus } from './DamagedDatabase'
import { ShortcutSheet } from './ShortcutSheet'
import { ErrorBoundary } from './ui/ErrorBoundary'
import { Toaster } from './ui/Toast'
import { useLeaveGuard } from './unsaved'
import { ChatView } from './views/chat/ChatView'
import { ModelsView } from './views/models/ModelsView'
import { ReviewView } from './views/review/ReviewView'
import { SettingsView } from './views/settings/SettingsView'

// The chart-heavy views (recharts) load on first visit, keeping the first paint's bundle small.
const RoundsView = lazy(() => import('./views/rounds/RoundsView').then((m) => ({ default: m.RoundsView })))
const ExperimentsView = lazy(() => import('./views/experiments/ExperimentsView').then((m) => ({ default: m.ExperimentsView })))

export type ViewId = 'chat' | 'review' | 'rounds' | 'models' | 'experiments' | 'settings'
const NAV: { id: ViewId; label: string; key: string }[] = [
  { id: 'chat', label: 'Chat', key: '1' },
  { id: 'review', label: 'Review', key: '2' },
  { id: 'rounds', label: 'Rounds', key: '3' },
  { id: 'models', label: 'Models', key: '4' },
  { id: 'experiments', label: 'Experiments', key: '5' },
  { id: 'settings', label: 'Settings', key: '6' }
]

function useTheme() {
  const [dark, setDark] = useState(() => localStorage.getItem('theme') ? localStorage.getItem('theme') === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches)
  useEffect(() => {
    document.documentElement.classList.toggle('dark', dark)
    localStorage.setItem('theme', dark ? 'dark' : 'light')
  }, [dark])
  return [dark, setDark] as const
}

/** The app, or instead of it the damaged-database screen while the engine runs without its database. */
export function App() {
  const link = useConnection()
  const status = useSystemStatus(link.status)
  const theme = useTheme() // from the first paint, whatever is shown
  if (status?.database === 'damaged') return <DamagedDatabase status={status} />
  // the engine's health first (one round trip once connected), before the views ask it for anything
  if (!status && link.status !== 'disconnected') return <p className="p-6 text-sm text-muted" data-testid="opening">Opening…</p>
  return <Workspace theme={theme} />
}

function Workspace({ theme: [dark, setDark] }: { theme: ReturnType<typeof useTheme> }) {
  const [view, setViewNow] = useState<ViewId>(() => (location.hash.slice(1) as ViewId) || 'chat')
  // leaving a view with unsaved edits (Settings, a profile) asks first: save, discard or stay
  const guard = useLeaveGuard()
  const viewRef = useRef(view)
  viewRef.current = view
  const setView = (v: ViewId) => {
    if (v !== viewRef.current) guard.leave(() => setViewNow(v))
  }
  const [info, setInfo] = useState<SystemInfo | null>(null)
  /** the round to show when Rounds opens from a link (a chat pill) */
  const [roundFocus, setRoundFocus] = useState<string | null>(null)
  const openRound = (id: string) => {
    setRoundFocus(id)
    setView('rounds')
  }
  const [pending, setPending] = useState(0)
  const refreshInfo = () => void engine.call('system.info', {}).then(setInfo).catch(() => undefined)
  const link = useConnection()
  useEffect(() => {
    if (link.status !== 'connected') return
    refreshInfo()
    void engine.call('review.pending', {}).then((p) => setPending(p.length)).catch(() => undefined)
  }, [link.status])
  useEffect(() => {
    location.hash = view
  }, [view])
  useEvent((e) => {
    if (e.type === 'review.changed') setPending(e.pending)
    if (e.type === 'model.loaded' || e.type === 'model.unloaded') refreshInfo()
  })
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.altKey || e.metaKey)) return
      const n = NAV.find((x) => x.key === e.key)
      if (n) {
        e.preventDefault()
        setView(n.id)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  return (
    <div className="flex h-full flex-col">
      <div className="flex min-h-0 flex-1">
        <Nav items={NAV} view={view} onGo={setView} pending={pending} dark={dark} onTheme={() => setDark(!dark)} />
        <main className="min-w-0 flex-1 overflow-auto p-6" data-testid="main">
          <ErrorBoundary key={view} name={NAV.find((n) => n.id === view)?.label ?? view}>
            <Suspense fallback={<p className="text-sm text-muted">Loading…</p>}>
              {view === 'chat' && <ChatView info={info} goTo={setView} openRound={openRound} />}
              {view === 'review' && <ReviewView />}
              {view === 'rounds' && <RoundsView focus={roundFocus} />}
              {view === 'models' && <ModelsView info={info} onChanged={refreshInfo} />}
              {view === 'experiments' && <ExperimentsView />}
              {view === 'settings' && <SettingsView info={info} />}
            </Suspense>
          </ErrorBoundary>
        </main>
      </div>
      <StatusBar info={info} connected={link.status} />
      <ConnectionBanner />
      <ShortcutSheet nav={NAV} />
      <Toaster />
      {guard.dialog}
    </div>
  )
}
