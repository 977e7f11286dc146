import type { Round, RoundStage, RoundStatus } from '../../../../core/contract'
import type { Tone } from '../../ui/Badge'

/** The latest progress inside a round's stage (round.progress events). */
export interface LiveProgress {
  jobId: string
  stage: RoundStage
  progress: number | null
  detail: string | null
}

export interface RoundState {
  label: string
  tone: Tone
  /** 0..1 within the current stage when known */
  progress: number | null
  /** tokens, steps or the reason, when there is one */
  detail: string | null
  active: boolean
}

const ACTIVE: RoundStatus[] = ['running', 'training']
const RUNNING_STAGE: Record<RoundStage, string> = {
  uncertainty: 'scoring the answer',
  augmentation: 'writing examples',
  review: 'checking the review',
  training: 'training',
  answer: 'answering again',
  done: 'finishing'
}

/** What a round is doing, in words, with its live progress (for the chat pill and the round detail). */
export function roundState(round: Pick<Round, 'status' | 'stage'> & { error?: string | null; pending?: number }, live?: LiveProgress | null): RoundState {
  const active = ACTIVE.includes(round.status)
  const now = active && live && live.stage === round.stage ? live : null
  const base = { progress: now?.progress ?? null, detail: now?.detail ?? null, active }
  switch (round.status) {
    case 'running':
    case 'training':
      return { ...base, label: RUNNING_STAGE[round.stage], tone: 'accent' }
    case 'awaiting_review': {
      const n = round.pending ?? 0
      return { ...base, label: `${n} example${n === 1 ? '' : 's'} to review`, tone: 'accent' }
    }
    case 'done':
      return { ...base, label: 'improved', tone: 'ok' }
    case 'no_valid_examples':
      return { ...base, label: 'no valid examples', tone: 'warn', detail: round.error ?? null }
    case 'failed':
      return { ...base, label: 'failed', tone: 'bad', detail: round.error ?? null }
    case 'interrupted':
      return { ...base, label: 'interrupted', tone: 'warn', detail: round.error ?? null }
    case 'discarded':
      return { ...base, label: 'discarded', tone: 'neutral' }
  }
}
