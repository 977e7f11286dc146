import { useEffect, useState } from 'react'
import type { Example, Round } from '../../../../core/contract'
import { when, words } from '../../../../shared/format'
import { useCall, useEvent } from '../../hooks'
import { engine } from '../../rpc'
import { Badge } from '../../ui/Badge'
import { Card, PageHeader } from '../../ui/Card'
import { Input, Select } from '../../ui/Field'
import { EmptyState, ErrorNote } from '../../ui/States'
import { FoldToggle, useFoldable } from '../../ui/Fold'
import { RoundDetail } from './RoundDetail'
import { roundState } from './stage'

const STATUSES = ['running', 'awaiting_review', 'training', 'done', 'no_valid_examples', 'failed', 'interrupted', 'discarded']

/** `focus`: a round to select at once (opened from a link in the chat). */
export function RoundsView({ focus = null }: { focus?: string | null }) {
  const [status, setStatus] = useState('')
  const [profileId, setProfileId] = useState('')
  const [since, setSince] = useState('')
  const profiles = useCall('profiles.list', {})
  const list = useCall('rounds.list', { status: status || undefined, profileId: profileId || undefined, since: since ? new Date(since).getTime() : undefined }, [status, profileId, since])
  const [selected, setSelected] = useState<string | null>(focus)
  const [detail, setDetail] = useState<(Round & { examples: Example[] }) | null>(null)
  const [error, setError] = useState<string | null>(null)
  const history = useFoldable()
  const loadDetail = (id: string) => engine.call('rounds.get', { id }).then(setDetail, (e: Error) => setError(e.message))
  useEffect(() => {
    if (!selected && list.data?.length) setSelected(list.data[0].id)
  }, [list.data, selected])
  useEffect(() => {
    if (selected) void loadDetail(selected)
  }, [selected])
  useEvent((e) => {
    if (e.type === 'round.update' || e.type === 'review.changed') {
      void list.reload()
      if (selected && (e.type !== 'round.update' || e.roundId === selected)) void loadDetail(selected)
    }
  })
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader title="Rounds" subtitle="Every self-improvement round: scores, examples, training, and the answers before and after." />
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <FoldToggle open={history.open} onToggle={history.toggle} label="History" testId="history-toggle" />
        <Select aria-label="Filter by status" className="!w-48" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {words(s)}
            </option>
          ))}
        </Select>
        <Select aria-label="Filter by profile" className="!w-56" value={profileId} onChange={(e) => setProfileId(e.target.value)}>
          <option value="">All profiles</option>
          {profiles.data?.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </Select>
        <Input aria-label="Since date" type="date" className="!w-44" value={since} onChange={(e) => setSince(e.target.value)} />
      </div>
      <ErrorNote error={list.error ?? error} />
      {list.data?.length === 0 ? (
        <EmptyState title="No rounds yet">Click Improve on an answer in Chat, or turn on auto-improve, to start one.</EmptyState>
      ) : (
        <div className="flex gap-4">
          {history.open && (
            <Card className="w-80 shrink-0" title="History" testId="round-history">
              <ul className="-m-2 space-y-0.5" data-testid="round-list">
                {list.data?.map((r) => (
                  <li key={r.id}>
                    <button data-testid="round-row" aria-current={selected === r.id ? 'true' : undefined} onClick={() => (setSelected(r.id), history.foldIfNarrow())} className={`w-full rounded-md p-2 text-left ${selected === r.id ? 'bg-sunken' : 'hover:bg-sunken'}`}>
                      <div className="truncate text-sm">{r.query}</div>
                      <div className="mt-0.5 flex items-center gap-2 text-xs text-muted">
                        <Badge tone={roundState(r).tone}>{words(r.status)}</Badge>
                        {r.pending > 0 && <span>{r.pending} to review</span>}
                        <span className="ml-auto">{when(r.createdAt)}</span>
                      </div>
                    </button>
                  </li>
                ))}
              </ul>
            </Card>
          )}
          <div className="min-w-0 flex-1">{detail && <RoundDetail round={detail} onChanged={() => { void list.reload(); void loadDetail(detail.id) }} />}</div>
        </div>
      )}
    </div>
  )
}
