import type { RoundStage } from '../contract'
import type { JobHandle } from '../jobs/types'
import type { Services } from '../services'

const MIN_INTERVAL_MS = 150

/**
 * The round's job handle that also publishes `round.progress` (stage, fraction, detail with tokens or steps),
 * at most every 150 ms with the latest value sent last. `stageChanged` sends a value still waiting at once (under
 * the stage it belongs to), so a stage's last word is never lost and never arrives after the round moved on.
 */
export function roundProgress(s: Services, roundId: string, job: JobHandle, stage: () => RoundStage): JobHandle & { stageChanged(): void } {
  let last = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  let detail: string | null = null
  let pending: { stage: RoundStage; progress: number | null; detail: string | null } | null = null
  const send = () => {
    if (timer) clearTimeout(timer)
    timer = null
    last = Date.now()
    if (pending) s.events.emit({ type: 'round.progress', roundId, jobId: job.id, ...pending })
    pending = null
  }
  return {
    id: job.id,
    signal: job.signal,
    progress(progress, d) {
      job.progress(progress, d)
      if (d !== undefined) detail = d
      pending = { stage: stage(), progress, detail }
      const wait = MIN_INTERVAL_MS - (Date.now() - last)
      if (wait <= 0) send()
      else timer ??= setTimeout(send, wait)
    },
    stageChanged() {
      send()
      detail = null
    }
  }
}
