import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../src/core/engine'
import type { EngineOptions } from '../../src/core/services'
import { engineWithModel, nextEvent, tempDir } from '../fixtures/engine'
import { SHORT_ANSWERS, quickOptim } from '../fixtures/quick-settings'

/** Stands in for the model's self-augmentation text (random-weight test models rarely write valid pairs). */
const goodPairs = async () =>
  JSON.stringify({
    examples: [
      { input: 'How warm is it in Rome today?', call: { name: 'get_weather', arguments: { city: 'Rome' } } },
      { input: 'Weather for Oslo please', call: { name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } } },
      { input: 'Is it raining in Lima?', call: { name: 'get_weather', arguments: { town: 'Lima' } } }
    ]
  })

const QUICK = { optim: quickOptim(2), k: 3, ...SHORT_ANSWERS }
const engines: Engine[] = []
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close().catch(() => undefined)
})

async function setup(opts: Partial<EngineOptions> = {}, settings: Record<string, unknown> = {}) {
  const r = await engineWithModel({ augmentOverride: goodPairs, ...opts })
  engines.push(r.engine)
  await r.engine.call('settings.update', { ...QUICK, ...settings } as never)
  const conv = await r.engine.call('conversations.create', {})
  const sent = await r.engine.call('chat.send', { conversationId: conv.id, content: 'What is the weather in Paris?', maxTokens: 24 })
  await nextEvent(r.engine, (e) => e.type === 'chat.message')
  return { ...r, conv, messageId: sent.assistantMessageId }
}

const roundEnd = (engine: Engine, roundId: string, statuses: string[]) =>
  nextEvent(engine, (e) => e.type === 'round.update' && e.roundId === roundId && statuses.includes(e.status), 240_000)

describe('TT-SI rounds', () => {
  it('a full round under auto-approve reaches done with both answers, the loss curve and the adapter', async () => {
    const { engine, messageId } = await setup({}, { reviewPolicy: 'auto-approve-valid' })
    const progress: number[] = []
    engine.onEvent((e) => e.type === 'train.progress' && progress.push(e.loss))
    const { roundId } = await engine.call('rounds.start', { messageId })
    await roundEnd(engine, roundId, ['done', 'failed'])
    const r = await engine.call('rounds.get', { id: roundId })
    expect(r.error).toBeNull()
    expect(r.status).toBe('done')
    expect(r.before?.text).toBeTruthy()
    expect(r.after?.text).toBeTruthy()
    expect(r.after?.tokens?.length).toBeGreaterThan(0)
    expect(r.after!.tokens!.length).toBeLessThanOrEqual(SHORT_ANSWERS.maxAnswerTokens) // the answer length limit in Settings
    expect(r.examples.map((e) => e.status)).toEqual(['approved', 'approved', 'invalid'])
    expect(r.examples[2].reason).toBe('arguments.city is required')
    expect(r.training?.losses.length).toBeGreaterThan(0)
    expect(progress.length).toBe(r.training!.losses.length)
    expect(r.training?.adapterPath).toMatch(/\.gguf$/)
    // where it trained, as the trainer reported it (this machine has no GPU)
    expect(r.training?.device).toEqual({ placement: 'cpu', device: 'CPU', backend: 'CPU', cpuOps: [], reason: 'no GPU backend is available', f32Copy: false })
    expect(Object.keys(r.timings)).toEqual(expect.arrayContaining(['augmentation', 'training', 'answer']))
    expect(r.prompts.map((p) => p.stage)).toEqual(['answer', 'augmentation', 'training', 'training'])
    const msgs = await engine.call('conversations.messages', { conversationId: (await engine.call('conversations.list', {}))[0].id })
    expect(msgs.find((m) => m.id === messageId)?.roundId).toBe(roundId)
  })

  it('a round awaiting review survives a restart, then continues after approval', async () => {
    const dataDir = tempDir()
    const { engine, messageId } = await setup({ dataDir })
    const { roundId } = await engine.call('rounds.start', { messageId })
    await roundEnd(engine, roundId, ['awaiting_review', 'failed'])
    await engine.close()
    engines.length = 0
    const again = await createEngine({ dataDir, gpu: 'cpu', threads: 1 })
    engines.push(again)
    const pending = await again.call('review.pending', {})
    expect(pending.length).toBe(2)
    expect((await again.call('rounds.get', { id: roundId })).status).toBe('awaiting_review')
    // the model must be loaded again to train: same file, same id
    await again.call('models.load', { modelId: (await again.call('models.list', {}))[0].id, contextSize: 2048 })
    await again.call('review.reject', { ids: [pending[1].id], reason: 'too similar' })
    const done = roundEnd(again, roundId, ['done', 'failed'])
    await again.call('review.approve', { ids: [pending[0].id] })
    await done
    const r = await again.call('rounds.get', { id: roundId })
    expect(r.status).toBe('done')
    expect(r.examples.filter((e) => e.status === 'approved').length).toBe(1)
    expect(r.examples.find((e) => e.id === pending[1].id)?.reason).toBe('too similar')
  })

  it('an edit is re-validated: invalid edits are refused, valid ones approved', async () => {
    const { engine, messageId } = await setup()
    const { roundId } = await engine.call('rounds.start', { messageId })
    await roundEnd(engine, roundId, ['awaiting_review'])
    const [first] = await engine.call('review.pending', {})
    await expect(engine.call('review.edit', { id: first.id, input: 'Weather in Nice', call: { name: 'get_weather', arguments: { city: 3 } } })).rejects.toThrow(
      /not valid: arguments.city must be string/
    )
    const edited = await engine.call('review.edit', { id: first.id, input: 'Weather in Nice', call: { name: 'get_weather', arguments: { city: 'Nice' } } })
    expect(edited.status).toBe('approved')
    expect(edited.provenance).toBe('self+edited')
    await engine.call('rounds.discard', { id: roundId })
    expect((await engine.call('rounds.get', { id: roundId })).status).toBe('discarded')
  })

  it('a killed trainer marks the round failed with the reason; approved pairs are kept', async () => {
    const dir = tempDir()
    const fake = join(dir, 'dying-trainer.sh')
    writeFileSync(fake, '#!/bin/sh\necho \'{"type":"started","pid":0}\'\nkill -9 $$\n')
    chmodSync(fake, 0o755)
    const { engine, messageId } = await setup({ trainerPath: fake }, { reviewPolicy: 'auto-approve-valid' })
    const { roundId } = await engine.call('rounds.start', { messageId })
    await roundEnd(engine, roundId, ['failed', 'done'])
    const r = await engine.call('rounds.get', { id: roundId })
    expect(r.status).toBe('failed')
    expect(r.error).toMatch(/killed by SIGKILL/)
    expect(r.training?.error).toMatch(/killed by SIGKILL/)
    expect(r.examples.filter((e) => e.status === 'approved').length).toBe(2)
  })

  it('bad generated JSON is recorded as invalid with its reason, never dropped', async () => {
    const { engine, messageId } = await setup({ augmentOverride: async () => '{"examples": [{"input": "Weather in Ro' })
    const { roundId } = await engine.call('rounds.start', { messageId })
    await roundEnd(engine, roundId, ['done', 'no_valid_examples', 'failed'])
    const r = await engine.call('rounds.get', { id: roundId })
    expect(r.examples.length).toBe(1)
    expect(r.examples[0].status).toBe('invalid')
    expect(r.examples[0].reason).toMatch(/not valid JSON/)
    expect(r.examples[0].raw).toBe('{"examples": [{"input": "Weather in Ro')
    expect(r.status).toBe('no_valid_examples') // never a green "done"
    expect(r.error).toMatch(/^1 example generated, none usable: 1 invalid \(1× the generated text is not valid JSON/)
    expect(r.error).toMatch(/What to do: set a teacher in Settings/)
  })
})
