import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/core/engine'
import { engineWithModel, jobEnd, nextEvent } from '../fixtures/engine'
import { SHORT_ANSWERS, quickOptim } from '../fixtures/quick-settings'

const pairs = async () =>
  JSON.stringify({
    examples: [
      { input: 'How warm is it in Rome today?', call: { name: 'get_weather', arguments: { city: 'Rome' } } },
      { input: 'Weather for Oslo please', call: { name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } } }
    ]
  })

/** The ids of round jobs started while `fn` runs (and until the returned promise settles). */
async function roundJobsDuring(engine: Engine, fn: () => Promise<unknown>): Promise<{ jobs: Set<string>; result: unknown }> {
  const jobs = new Set<string>()
  const off = engine.onEvent((e) => {
    if (e.type === 'job.update' && e.job.kind === 'round') jobs.add(e.job.id)
  })
  try {
    return { jobs, result: await fn() }
  } finally {
    off()
  }
}

const settled = (rs: PromiseSettledResult<unknown>[]) => ({
  ok: rs.filter((r) => r.status === 'fulfilled').length,
  errors: rs.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []))
})

describe('one job per round, whatever arrives at once', () => {
  let engine: Engine
  let conversationId: string
  beforeAll(async () => {
    ;({ engine } = await engineWithModel({ augmentOverride: pairs }))
    await engine.call('settings.update', { k: 2, reviewPolicy: 'manual', optim: quickOptim(1), ...SHORT_ANSWERS })
    conversationId = (await engine.call('conversations.create', {})).id
  })
  afterAll(async () => {
    await engine?.close()
  })

  async function answer(): Promise<string> {
    const sent = await engine.call('chat.send', { conversationId, content: 'What is the weather in Paris?', maxTokens: 16 })
    await nextEvent(engine, (e) => e.type === 'chat.message' && e.message.id === sent.assistantMessageId)
    return sent.assistantMessageId
  }
  const status = (roundId: string, statuses: string[]) =>
    nextEvent(engine, (e) => e.type === 'round.update' && e.roundId === roundId && statuses.includes(e.status), 240_000)
  /** A fresh round waiting on review of its two pairs. */
  async function reviewRound(): Promise<{ id: string }> {
    const messageId = await answer()
    const { roundId, jobId } = await engine.call('rounds.start', { messageId })
    await jobEnd(engine, jobId, 240_000) // its job has ended: only jobs started later are counted
    expect((await engine.call('rounds.get', { id: roundId })).status).toBe('awaiting_review')
    return { id: roundId }
  }

  it('two rounds.start for one answer create one round', async () => {
    const messageId = await answer()
    const before = (await engine.call('rounds.list', {})).length
    const rs = await Promise.allSettled([engine.call('rounds.start', { messageId }), engine.call('rounds.start', { messageId })])
    expect(settled(rs)).toEqual({ ok: 1, errors: ['exists'] })
    expect((await engine.call('rounds.list', {})).length).toBe(before + 1)
    const { roundId } = (rs.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ roundId: string }>).value
    await status(roundId, ['awaiting_review', 'failed'])
    expect((await engine.call('rounds.get', { id: roundId })).examples.length).toBe(2)
  })

  it('two resumes at once run one job; the other is told the round is running', async () => {
    const round = await reviewRound()
    const { jobs, result } = await roundJobsDuring(engine, async () => {
      const rs = await Promise.allSettled([engine.call('rounds.resume', { id: round.id }), engine.call('rounds.resume', { id: round.id })])
      await status(round.id, ['awaiting_review', 'failed'])
      return rs
    })
    expect(settled(result as PromiseSettledResult<unknown>[])).toEqual({ ok: 1, errors: ['busy'] })
    expect(jobs.size).toBe(1)
  })

  it('three approvals of the last pending pairs at once train the round once', async () => {
    const round = await reviewRound()
    const [a, b] = (await engine.call('rounds.get', { id: round.id })).examples.filter((e) => e.status === 'pending')
    const trainings: string[] = []
    const off = engine.onEvent((e) => e.type === 'train.progress' && e.roundId === round.id && e.step === 1 && trainings.push(e.jobId))
    const { jobs } = await roundJobsDuring(engine, async () => {
      const end = status(round.id, ['done', 'failed'])
      const rs = await Promise.allSettled([
        engine.call('review.approve', { ids: [a.id] }),
        engine.call('review.approve', { ids: [b.id] }),
        engine.call('review.approve', { ids: [a.id, b.id] })
      ])
      expect(settled(rs).ok).toBe(3)
      await end
      await new Promise((r) => setTimeout(r, 500)) // a second job, were one started, would show by now
    })
    off()
    expect(jobs.size).toBe(1)
    expect(trainings.length).toBe(1)
    const r = await engine.call('rounds.get', { id: round.id })
    expect(r.status).toBe('done')
    expect(r.error).toBeNull()
  })
})
