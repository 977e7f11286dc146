import { describe, expect, it } from 'vitest'
import { roundState } from '../../src/renderer/src/views/rounds/stage'

describe('a round in words (chat pill, round detail)', () => {
  const live = { jobId: 'j', stage: 'training' as const, progress: 0.4, detail: 'epoch 1/2 · loss 2.100' }
  it('a running stage shows its live progress only while the round is at that stage', () => {
    expect(roundState({ status: 'training', stage: 'training' }, live)).toEqual({ label: 'training', tone: 'accent', progress: 0.4, detail: 'epoch 1/2 · loss 2.100', active: true })
    expect(roundState({ status: 'running', stage: 'answer' }, live)).toEqual({ label: 'answering again', tone: 'accent', progress: null, detail: null, active: true })
    expect(roundState({ status: 'awaiting_review', stage: 'review', pending: 1 }, live).label).toBe('1 example to review')
  })
  it('no valid examples is never green, and carries the reason; done is', () => {
    expect(roundState({ status: 'no_valid_examples', stage: 'review', error: '2 examples generated, none usable' })).toMatchObject({ label: 'no valid examples', tone: 'warn', detail: '2 examples generated, none usable', active: false })
    expect(roundState({ status: 'failed', stage: 'augmentation', error: 'offline' })).toMatchObject({ tone: 'bad', detail: 'offline' })
    expect(roundState({ status: 'done', stage: 'done' }, live)).toMatchObject({ label: 'improved', tone: 'ok', progress: null })
  })
})
