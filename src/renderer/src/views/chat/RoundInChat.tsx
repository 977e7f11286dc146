import type { Message } from '../../../../core/contract'
import { Button } from '../../ui/Button'
import { Progress } from '../../ui/States'
import { BeforeAfter } from '../rounds/AnswerDiff'
import { roundState, type LiveProgress } from '../rounds/stage'
import type { RoundWithExamples } from '../rounds/useRoundTracker'

const TONE_CLASS = { neutral: 'border-line text-muted', ok: 'border-ok/50 text-ok', warn: 'border-warn/50 text-warn', bad: 'border-bad/50 text-bad', accent: 'border-accent/50 text-accent' }

/** The round of an answer as a pill: its stage live (with percent or tokens); a click opens the round. */
export function RoundPill({ round, live, onOpen }: { round: RoundWithExamples | undefined; live?: LiveProgress; onOpen: () => void }) {
  const pending = round?.examples.filter((e) => e.status === 'pending').length ?? 0
  const st = round ? roundState({ ...round, pending }, live) : null
  const pct = st?.progress !== null && st?.progress !== undefined ? `${Math.round(st.progress * 100)}%` : null
  const extra = st?.active ? (pct ?? st.detail?.replace(/^[^:]*: /, '')) : null
  return (
    <button
      onClick={onOpen}
      data-testid="round-pill"
      data-status={round?.status ?? 'loading'}
      data-stage={round?.stage ?? ''}
      title="Open this round"
      className={`inline-flex max-w-full items-center gap-1.5 rounded-full border px-2 py-0.5 text-xs font-medium hover:bg-sunken ${TONE_CLASS[st?.tone ?? 'accent']}`}
    >
      {st?.active && <span className="inline-block h-1.5 w-1.5 animate-pulse rounded-full bg-current" aria-hidden />}
      <span>round: {st?.label ?? 'loading…'}</span>
      {extra && <span className="truncate font-normal" data-testid="round-pill-progress">· {extra}</span>}
      <span aria-hidden>→</span>
    </button>
  )
}

/** Who wrote examples, from their provenance (a retry may have used another teacher than the round began with). */
function writtenBy(examples: RoundWithExamples['examples']): string {
  const who = new Set(examples.map((e) => e.provenance.replace(/\+edited$/, '')).map((p) => (p === 'self' ? 'the model itself' : p.startsWith('teacher:') ? `the teacher ${p.slice(8)}` : `the ${p}`)))
  return who.size ? ` by ${[...who].join(' and ')}` : ''
}

/**
 * What the round means for this answer, in the conversation: the improved answer beside the first with the
 * word diff once it is done, the examples waiting for review, the live stage, or why it failed.
 */
export function RoundOutcome({ message, round, live, onOpen, onReview }: { message: Message; round: RoundWithExamples; live?: LiveProgress; onOpen: () => void; onReview: () => void }) {
  const pending = round.examples.filter((e) => e.status === 'pending').length
  const st = roundState({ ...round, pending }, live)
  const approved = round.examples.filter((e) => e.status === 'approved').length
  if (round.status === 'done' && round.after) {
    return (
      <div className="rounded-lg border border-ok/40 bg-panel p-3" data-testid="improved-answer" data-message={message.id}>
        <p className="mb-2 text-xs text-muted">
          <b className="text-ok">Improved answer</b> after {round.mode === 'tt-icl' ? 'using' : 'training on'} {approved} approved example{approved === 1 ? '' : 's'}{writtenBy(round.examples.filter((e) => e.status === 'approved'))}
          {round.training?.finalLoss !== null && round.training?.finalLoss !== undefined && ` (final loss ${round.training.finalLoss.toFixed(3)})`}.{' '}
          <button className="text-accent underline" onClick={onOpen}>Round details</button>
        </p>
        <BeforeAfter before={round.before} after={round.after} testIds={['chat-before', 'chat-after']} />
      </div>
    )
  }
  if (round.status === 'failed' || round.status === 'no_valid_examples' || round.status === 'interrupted') {
    const what = round.status === 'failed' ? 'The self-improvement round failed' : round.status === 'interrupted' ? 'The self-improvement round was interrupted' : 'The self-improvement round found no valid example'
    return (
      <div role="alert" className={`rounded-lg border p-3 text-sm ${round.status === 'failed' ? 'border-bad/40 bg-bad/10 text-bad' : 'border-warn/40 bg-warn/10 text-warn'}`} data-testid="round-problem">
        <p>
          <b>{what}:</b> {round.error ?? 'no reason was recorded.'}
        </p>
        <Button size="sm" className="mt-2" onClick={onOpen}>
          {round.status === 'no_valid_examples' ? 'Open the round to retry or edit a pair' : 'Open the round to resume'}
        </Button>
      </div>
    )
  }
  if (round.status === 'awaiting_review') {
    return (
      <div className="flex flex-wrap items-center gap-2 rounded-lg border border-accent/40 p-3 text-sm" data-testid="round-waiting">
        <span>
          {pending} example{pending === 1 ? '' : 's'} written{writtenBy(round.examples.filter((e) => e.status === 'pending'))} wait{pending === 1 ? 's' : ''} for your review before training.
        </span>
        <Button size="sm" variant="primary" onClick={onReview} data-testid="go-review">
          Review them
        </Button>
      </div>
    )
  }
  if (st.active) {
    return (
      <div className="rounded-lg border border-line p-3 text-xs text-muted" data-testid="round-live">
        <p className="mb-1">
          Self-improvement: <b className="text-fg">{st.label}</b>
          {st.progress !== null && ` · ${Math.round(st.progress * 100)}%`}
          {st.detail && ` · ${st.detail}`}
        </p>
        <Progress value={st.progress} label={`${st.label} progress`} />
      </div>
    )
  }
  return null
}
