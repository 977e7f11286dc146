import { useEffect, useState } from 'react'
import type { Example, Round } from '../../../../core/contract'
import { useEvent } from '../../hooks'
import { engine } from '../../rpc'
import type { LiveProgress } from './stage'

export type RoundWithExamples = Round & { examples: Example[] }

/** Keeps the given rounds current: reloaded on their round.update / review changes, with live stage progress. */
export function useRoundTracker(ids: string[]) {
  const [rounds, setRounds] = useState<Record<string, RoundWithExamples>>({})
  const [live, setLive] = useState<Record<string, LiveProgress>>({})
  const load = (id: string) =>
    void engine.call('rounds.get', { id }).then(
      (r) => setRounds((m) => ({ ...m, [id]: r })),
      () => undefined
    )
  const key = ids.join(',')
  useEffect(() => {
    for (const id of ids) if (!rounds[id]) load(id)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])
  useEvent((e) => {
    if (e.type === 'round.update' && ids.includes(e.roundId)) {
      // the event's status and stage show at once, in the order they happen; the full record follows
      setRounds((m) => (m[e.roundId] ? { ...m, [e.roundId]: { ...m[e.roundId], status: e.status, stage: e.stage, ...(e.detail !== undefined ? { error: e.detail } : {}) } } : m))
      load(e.roundId)
    }
    if (e.type === 'review.changed') for (const id of ids) if (rounds[id]?.status === 'awaiting_review') load(id)
    if (e.type === 'round.progress' && ids.includes(e.roundId)) setLive((m) => ({ ...m, [e.roundId]: { jobId: e.jobId, stage: e.stage, progress: e.progress, detail: e.detail } }))
  })
  return { rounds, live, reload: load }
}
