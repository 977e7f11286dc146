import { useState } from 'react'
import type { Conversation, Message } from '../../../../core/contract'
import { engine } from '../../rpc'
import { Button } from '../../ui/Button'
import type { RoundWithExamples } from '../rounds/useRoundTracker'

const KEY = 'autodidact.tour'
export const TOUR_QUESTION = 'What is the weather in Paris?'
/** The demo model's random weights ramble until the limit: the tour's question keeps its answer short. */
export const TOUR_MAX_TOKENS = 128

/** The conversation the offline tour runs in (the guide shows there), or null. */
export const tourConversation = (): string | null => localStorage.getItem(KEY)

/**
 * Sets up the offline first run: creates and loads the demo model, turns on the built-in demo teacher when no
 * teacher is set (a teacher the user chose is kept), and opens a conversation for the tour.
 */
export async function startTour(profileId: string | null, step: (what: string) => void): Promise<Conversation> {
  step('Creating the demo model…')
  const model = await engine.call('models.createDemo', { layers: 2, embd: 64 })
  step('Loading the demo model…')
  await engine.call('models.load', { modelId: model.id })
  const settings = await engine.call('settings.get', {})
  if (settings.teacher.kind === 'none') await engine.call('settings.update', { teacher: { kind: 'demo' } })
  step('Asking a first question…')
  const conv = await engine.call('conversations.create', { title: 'Self-improvement tour', profileId })
  localStorage.setItem(KEY, conv.id)
  return conv
}

/** The next step of the tour, from what the conversation and its round show now. */
function tourStep(messages: Message[], rounds: Record<string, RoundWithExamples>, streaming: boolean): { n: number; text: string; review?: boolean } {
  const answer = [...messages].reverse().find((m) => m.role === 'assistant')
  if (!answer) return { n: 1, text: streaming ? 'The demo model is answering (random weights: expect gibberish).' : 'Ask the agent something.' }
  const round = answer.roundId ? rounds[answer.roundId] : undefined
  if (!answer.roundId) return { n: 2, text: 'Click Improve under the answer: a self-improvement round starts, and the demo teacher writes similar examples.' }
  if (!round) return { n: 2, text: 'The round is starting…' }
  if (round.status === 'awaiting_review') return { n: 3, text: 'Approve the examples (or edit or reject them) in Review; training starts when none is left.', review: true }
  if (round.status === 'running' || round.status === 'training') return { n: 4, text: 'Training a LoRA adapter on the approved examples, then answering again; the pill under the answer shows the stage live.' }
  if (round.status === 'done') return { n: 5, text: 'Done: the improved answer stands beside the first, with the words that changed marked. Rounds has the loss curve and every prompt.' }
  return { n: 4, text: 'The round stopped: the note under the answer says why and what to do.' }
}

/** A guide above the tour conversation: where the loop stands and what to do next. */
export function TourBanner({ messages, rounds, streaming, onReview }: { messages: Message[]; rounds: Record<string, RoundWithExamples>; streaming: boolean; onReview: () => void }) {
  const [hidden, setHidden] = useState(false)
  if (hidden) return null
  const s = tourStep(messages, rounds, streaming)
  return (
    <div className="flex flex-wrap items-center gap-2 rounded-lg border border-accent/40 bg-accent/5 px-3 py-2 text-sm" data-testid="tour" data-step={s.n} role="status">
      <b className="text-accent">Step {s.n} of 5</b>
      <span className="min-w-0 flex-1">{s.text}</span>
      {s.review && (
        <Button size="sm" variant="primary" onClick={onReview}>
          Go to Review
        </Button>
      )}
      <Button
        size="sm"
        variant="ghost"
        onClick={() => {
          localStorage.removeItem(KEY)
          setHidden(true)
        }}
      >
        Close guide
      </Button>
    </div>
  )
}
