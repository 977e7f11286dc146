import { useState } from 'react'
import type { Message } from '../../../../core/contract'
import { Badge } from '../../ui/Badge'
import { Button } from '../../ui/Button'
import { TracePanel } from './TokenTrace'

export function ToolCallCard({ name, args }: { name: string; args: Record<string, unknown> }) {
  return (
    <div className="rounded-md border border-line bg-sunken p-2.5 font-mono text-xs" data-testid="tool-call">
      <div className="mb-1 text-[11px] font-semibold tracking-wide text-accent uppercase">tool call · {name}</div>
      <pre className="whitespace-pre-wrap [overflow-wrap:anywhere]">{JSON.stringify(args, null, 2)}</pre>
    </div>
  )
}

export function UncertaintyBadge({ message, onClick }: { message: Message; onClick: () => void }) {
  const u = message.uncertainty
  if (!u) return null
  return (
    <button onClick={onClick} data-testid="uncertainty-badge" data-uncertain={u.uncertain} aria-label="Show the uncertainty detail">
      <Badge tone={u.uncertain ? 'warn' : 'ok'} title={`${u.estimator}: margin ${u.margin.toFixed(3)} vs tau ${u.tau}`}>
        {u.uncertain ? 'uncertain' : 'confident'} · {u.margin.toFixed(2)} / τ {u.tau}
      </Badge>
    </button>
  )
}

export function MessageView({ message, onImprove, improving }: { message: Message; onImprove: (id: string) => void; improving: boolean }) {
  const [trace, setTrace] = useState(false)
  const mine = message.role === 'user'
  return (
    <div className={`flex ${mine ? 'justify-end' : 'justify-start'}`} data-testid={`message-${message.role}`}>
      <div className={`max-w-[80%] rounded-lg px-3.5 py-2.5 text-sm ${mine ? 'bg-accent text-accent-fg' : 'border border-line bg-panel'}`}>
        {message.toolCalls?.length ? (
          message.toolCalls.map((c, i) => <ToolCallCard key={i} name={c.name} args={c.arguments} />)
        ) : (
          <p className="whitespace-pre-wrap [overflow-wrap:anywhere]">{message.content || <span className="text-muted italic">(empty answer)</span>}</p>
        )}
        {!mine && (
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <UncertaintyBadge message={message} onClick={() => setTrace(!trace)} />
            <Button size="sm" variant="ghost" onClick={() => setTrace(!trace)} aria-expanded={trace} data-testid="trace-toggle">
              {trace ? 'Hide trace' : 'Trace'}
            </Button>
            {message.roundId ? (
              <Badge tone="accent">round started</Badge>
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
  )
}
