import { useEffect, useRef, useState } from 'react'
import type { Message } from '../../../../core/contract'
import { Badge } from '../../ui/Badge'
import { Button } from '../../ui/Button'
import type { LiveProgress } from '../rounds/stage'
import type { RoundWithExamples } from '../rounds/useRoundTracker'
import { RoundOutcome, RoundPill } from './RoundInChat'
import { TracePanel } from './TokenTrace'
import { estimatorName } from '../../labels'

export function ToolCallCard({ name, args }: { name: string; args: Record<string, unknown> }) {
  return (
    <div className="rounded-md border border-line bg-sunken p-2.5 font-mono text-xs" data-testid="tool-call">
      <div className="mb-1 text-[11px] font-semibold tracking-wide text-accent uppercase">tool call · {name}</div>
      <pre className="whitespace-pre-wrap [overflow-wrap:anywhere]">{JSON.stringify(args, null, 2)}</pre>
    </div>
  )
}

/** The margin against tau; a click opens a popover with the top candidate actions and the verdict. */
export function UncertaintyBadge({ message, onShowTrace }: { message: Message; onShowTrace: () => void }) {
  const [open, setOpen] = useState(false)
  const ref = useRef<HTMLSpanElement>(null)
  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false)
    const onDown = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false)
    window.addEventListener('keydown', onKey)
    window.addEventListener('mousedown', onDown)
    return () => {
      window.removeEventListener('keydown', onKey)
      window.removeEventListener('mousedown', onDown)
    }
  }, [open])
  const u = message.uncertainty
  if (!u) return null
  const top = [...u.candidates].sort((a, b) => b.score - a.score).slice(0, 3)
  return (
    <span className="relative" ref={ref}>
      <button onClick={() => setOpen(!open)} data-testid="uncertainty-badge" data-uncertain={u.uncertain} aria-expanded={open} aria-label="Show the uncertainty detail">
        <Badge tone={u.uncertain ? 'warn' : 'ok'} title={`${estimatorName(u.estimator)}: margin ${u.margin.toFixed(3)} vs tau ${u.tau}`}>
          {u.uncertain ? 'uncertain' : 'confident'} · {u.margin.toFixed(2)} / τ {u.tau}
        </Badge>
      </button>
      {open && (
        <div role="dialog" aria-label="Uncertainty" className="absolute bottom-full left-0 z-20 mb-1 w-80 rounded-md border border-line bg-panel p-3 text-xs shadow-lg" data-testid="uncertainty-popover">
          <p className="mb-2">
            {estimatorName(u.estimator)} <b>{u.margin.toFixed(3)}</b> {u.uncertain ? '<' : '≥'} τ {u.tau}:{' '}
            {u.uncertain ? 'the agent is unsure; Improve runs a TT-SI round on this query.' : 'the agent is sure enough; no round needed.'}
          </p>
          {top.map((c) => (
            <div key={c.label} className="mb-1">
              <div className="flex justify-between gap-2">
                <span className="truncate font-mono" title={c.label}>{c.label}</span>
                <span>{(c.score * 100).toFixed(1)}%</span>
              </div>
              <div className="h-1 rounded-full bg-sunken">
                <div className="h-full rounded-full bg-accent" style={{ width: `${Math.min(100, c.score * 100)}%` }} />
              </div>
            </div>
          ))}
          {u.reason && <p className="mt-1 text-muted">{u.reason}</p>}
          <button
            className="mt-2 text-accent underline"
            onClick={() => {
              setOpen(false)
              onShowTrace()
            }}
          >
            Full trace: every candidate, tokens, prompt
          </button>
        </div>
      )}
    </span>
  )
}

/** "24 tokens · 31.2 tok/s · first token 0.42 s" */
export function speedText(tokens: number, tokensPerSec: number | null, ttftMs: number | null): string {
  return [`${tokens} token${tokens === 1 ? '' : 's'}`, tokensPerSec !== null ? `${tokensPerSec.toFixed(1)} tok/s` : null, ttftMs !== null ? `first token ${(ttftMs / 1000).toFixed(2)} s` : null]
    .filter(Boolean)
    .join(' · ')
}

export interface MessageRound {
  round?: RoundWithExamples
  live?: LiveProgress
  onOpenRound: (id: string) => void
  onReview: () => void
}

export function MessageView({ message, onImprove, improving, round, live, onOpenRound, onReview }: { message: Message; onImprove: (id: string) => void; improving: boolean } & MessageRound) {
  const [trace, setTrace] = useState(false)
  const mine = message.role === 'user'
  return (
    <>
    <div className={`flex ${mine ? 'justify-end' : 'justify-start'}`} data-testid={`message-${message.role}`}>
      <div className={`max-w-[80%] rounded-lg px-3.5 py-2.5 text-sm ${mine ? 'bg-accent text-accent-fg' : 'border border-line bg-panel'}`}>
        {message.toolCalls?.length ? (
          message.toolCalls.map((c, i) => <ToolCallCard key={i} name={c.name} args={c.arguments} />)
        ) : (
          <p className="whitespace-pre-wrap [overflow-wrap:anywhere]">{message.content || <span className="text-muted italic">(empty answer)</span>}</p>
        )}
        {message.notice && (
          <p className="mt-2 text-xs text-warn" role="note" data-testid="answer-notice">
            {message.notice}
          </p>
        )}
        {!mine && (
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <UncertaintyBadge message={message} onShowTrace={() => setTrace(true)} />
            <Button size="sm" variant="ghost" onClick={() => setTrace(!trace)} aria-expanded={trace} data-testid="trace-toggle">
              {trace ? 'Hide trace' : 'Trace'}
            </Button>
            {message.stats && (
              <span className="text-xs text-muted" data-testid="answer-stats">
                {speedText(message.stats.tokens, message.stats.tokensPerSec, message.stats.ttftMs)}
              </span>
            )}
            {message.roundId ? (
              <RoundPill round={round} live={live} onOpen={() => onOpenRound(message.roundId!)} />
            ) : (
              <Button size="sm" variant="secondary" onClick={() => onImprove(message.id)} disabled={improving} data-testid="improve">
                Improve
              </Button>
            )}
          </div>
        )}
        {trace && <TracePanel message={message} />}
      </div>
    </div>
    {round && (
      <div className="pl-4" data-testid="round-in-chat">
        <RoundOutcome message={message} round={round} live={live} onOpen={() => onOpenRound(round.id)} onReview={onReview} />
      </div>
    )}
    </>
  )
}
