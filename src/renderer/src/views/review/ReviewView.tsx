import { useEffect, useMemo, useState } from 'react'
import type { Example } from '../../../../core/contract'
import { useAction, useCall, useEvent } from '../../hooks'
import { engine } from '../../rpc'
import { Badge } from '../../ui/Badge'
import { Button } from '../../ui/Button'
import { Card, PageHeader } from '../../ui/Card'
import { EmptyState, ErrorNote } from '../../ui/States'
import { ExampleEditor } from './ExampleEditor'
import { provenanceName } from '../../labels'

/** Pending examples grouped by round; approve / edit / reject, in bulk or with j/k/a/r/e. */
export function ReviewView() {
  const pending = useCall('review.pending', {})
  const rounds = useCall('rounds.list', {})
  const profiles = useCall('profiles.list', {})
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [cursor, setCursor] = useState(0)
  const [editing, setEditing] = useState<string | null>(null)
  const action = useAction()
  useEvent((e) => {
    if (e.type === 'review.changed' || e.type === 'round.update') {
      void pending.reload()
      void rounds.reload()
    }
  })
  const items = pending.data ?? []
  const groups = useMemo(() => {
    const m = new Map<string, Example[]>()
    for (const e of items) m.set(e.roundId, [...(m.get(e.roundId) ?? []), e])
    return [...m.entries()]
  }, [items])
  const act = (kind: 'approve' | 'reject', ids: string[]) =>
    void action.run(async () => {
      if (!ids.length) return
      await engine.call(kind === 'approve' ? 'review.approve' : 'review.reject', { ids })
      setSelected(new Set())
      await pending.reload()
    })
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      const t = ev.target as HTMLElement
      if (editing || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || ev.altKey || ev.metaKey || ev.ctrlKey) return
      const cur = items[cursor]
      if (ev.key === 'j') setCursor((c) => Math.min(items.length - 1, c + 1))
      else if (ev.key === 'k') setCursor((c) => Math.max(0, c - 1))
      else if (ev.key === 'a' && cur) act('approve', [cur.id])
      else if (ev.key === 'r' && cur) act('reject', [cur.id])
      else if (ev.key === 'e' && cur) setEditing(cur.id)
      else return
      ev.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  })
  const queryOf = (roundId: string) => rounds.data?.find((r) => r.id === roundId)?.query ?? roundId
  const toolsOf = (roundId: string) => {
    const profileId = rounds.data?.find((r) => r.id === roundId)?.profileId
    return profiles.data?.find((p) => p.id === profileId)?.tools ?? []
  }

  return (
    <div className="mx-auto max-w-5xl space-y-4">
      <PageHeader
        title="Review"
        subtitle="Generated training examples wait here until you approve, edit or reject them. Keys: j/k move, a approve, r reject, e edit."
        actions={
          <>
            <Button onClick={() => act('approve', [...selected])} disabled={!selected.size || action.busy} data-testid="bulk-approve">
              Approve selected ({selected.size})
            </Button>
            <Button variant="danger" onClick={() => act('reject', [...selected])} disabled={!selected.size || action.busy}>
              Reject selected
            </Button>
          </>
        }
      />
      <ErrorNote error={action.error ?? pending.error} onRetry={() => void pending.reload()} />
      {items.length === 0 && !pending.loading && <EmptyState title="Nothing to review">When the agent is unsure and a round writes examples, they appear here for your approval.</EmptyState>}
      {groups.map(([roundId, list]) => (
        <Card key={roundId} title={<span>Round for “{queryOf(roundId)}”</span>} actions={<Button size="sm" onClick={() => act('approve', list.map((e) => e.id))}>Approve all</Button>} testId="review-group">
          <ul className="space-y-2">
            {list.map((e) => {
              const idx = items.indexOf(e)
              return (
                <li key={e.id} data-testid="review-item" data-cursor={idx === cursor} aria-current={idx === cursor ? 'true' : undefined} className={`rounded-md border p-3 ${idx === cursor ? 'border-accent' : 'border-line'}`} onClick={() => setCursor(idx)}>
                  <div className="flex items-start gap-3">
                    <input
                      type="checkbox"
                      aria-label="Select example"
                      checked={selected.has(e.id)}
                      onChange={(ev) => setSelected((s) => {
                        const n = new Set(s)
                        if (ev.target.checked) n.add(e.id)
                        else n.delete(e.id)
                        return n
                      })}
                    />
                    <div className="min-w-0 flex-1">
                      <p className="text-sm [overflow-wrap:anywhere]">{e.input}</p>
                      <pre className="mt-1 max-h-48 overflow-auto rounded bg-sunken p-2 font-mono text-xs whitespace-pre-wrap [overflow-wrap:anywhere]">{e.call ? JSON.stringify(e.call) : e.text}</pre>
                      <p className="mt-1 text-xs text-muted">
                        <Badge>{provenanceName(e.provenance)}</Badge>
                      </p>
                      {editing === e.id && <ExampleEditor example={e} tools={toolsOf(e.roundId)} onDone={() => { setEditing(null); void pending.reload() }} />}
                    </div>
                    <div className="flex shrink-0 flex-wrap justify-end gap-1.5">
                      <Button size="sm" variant="primary" onClick={() => act('approve', [e.id])} data-testid="approve">
                        Approve
                      </Button>
                      <Button size="sm" onClick={() => setEditing(e.id)} data-testid="edit">
                        Edit
                      </Button>
                      <Button size="sm" variant="danger" onClick={() => act('reject', [e.id])} data-testid="reject">
                        Reject
                      </Button>
                    </div>
                  </div>
                </li>
              )
            })}
          </ul>
        </Card>
      ))}
    </div>
  )
}
