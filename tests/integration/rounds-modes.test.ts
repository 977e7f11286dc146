import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/core/engine'
import { latestSessionAdapter } from '../../src/core/rounds/adapters'
import type { EngineOptions } from '../../src/core/services'
import { engineWithModel, nextEvent } from '../fixtures/engine'
import { teacherServer as startTeacher, WEATHER_PAIRS, type TeacherServer } from '../fixtures/teacher-server'
import { ensureTestModel } from '../fixtures/test-models'
import { SHORT_ANSWERS, quickOptim } from '../fixtures/quick-settings'

const PAIRS = WEATHER_PAIRS
const QUICK = { optim: quickOptim(2), k: 3, ...SHORT_ANSWERS }
const SECRET = 'sk-test-very-secret-4711'

const engines: Engine[] = []
const servers: TeacherServer[] = []
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close().catch(() => undefined)
  for (const s of servers.splice(0)) await s.close()
})

async function setup(opts: Partial<EngineOptions> = {}, settings: Record<string, unknown> = {}) {
  const r = await engineWithModel(opts)
  engines.push(r.engine)
  await r.engine.call('settings.update', { ...QUICK, ...settings } as never)
  const profileId = (await r.engine.call('profiles.list', {}))[0].id
  return { ...r, profileId }
}

const roundEnd = (engine: Engine, roundId: string, statuses: string[]) =>
  nextEvent(engine, (e) => e.type === 'round.update' && e.roundId === roundId && statuses.includes(e.status), 240_000)

/** Asks in a new conversation (short answer), then improves that answer: the round skips the uncertainty stage. */
async function runRound(engine: Engine, query: string, profileId: string, statuses = ['done', 'failed', 'awaiting_review', 'no_valid_examples']) {
  const conv = await engine.call('conversations.create', { profileId })
  const answered = nextEvent(engine, (e) => e.type === 'chat.message' && e.message.conversationId === conv.id && e.message.role === 'assistant')
  const sent = await engine.call('chat.send', { conversationId: conv.id, content: query, maxTokens: 24 })
  await answered
  const { roundId } = await engine.call('rounds.start', { messageId: sent.assistantMessageId })
  await roundEnd(engine, roundId, statuses)
  return engine.call('rounds.get', { id: roundId })
}

async function teacherServer(content: string, status = 200) {
  const t = await startTeacher(content, status)
  servers.push(t)
  return t
}

describe('TT-SI round modes and teachers', () => {
  it('TT-ICL answers again with the approved pairs as demonstrations and trains nothing', async () => {
    const { engine, profileId } = await setup({ augmentOverride: async () => JSON.stringify(PAIRS) }, { reviewPolicy: 'auto-approve-valid', adaptationMode: 'tt-icl' })
    const r = await runRound(engine, 'What is the weather in Paris?', profileId)
    expect(r.error).toBeNull()
    expect(r.status).toBe('done')
    expect(r.mode).toBe('tt-icl')
    expect(r.training).toBeNull()
    expect(r.before?.prompt).not.toContain('How warm is it in Rome today?')
    expect(r.after?.prompt).toContain('How warm is it in Rome today?')
    expect(r.after?.prompt).toContain('cheap flights')
    expect(r.timings.training).toBe(0)
  })

  it('session mode trains one adapter on the approved pairs of every session round so far', async () => {
    const { engine, profileId } = await setup({ augmentOverride: async () => JSON.stringify(PAIRS) }, { reviewPolicy: 'auto-approve-valid', adaptationMode: 'session' })
    const first = await runRound(engine, 'What is the weather in Paris?', profileId)
    expect(first.status).toBe('done')
    expect(first.training?.config.examples).toBe(3)
    const second = await runRound(engine, 'Is it sunny in Madrid?', profileId)
    expect(second.status).toBe('done')
    expect(second.training?.config.examples).toBe(6)
    expect(second.training?.adapterPath).not.toBe(first.training?.adapterPath)
    expect(await latestSessionAdapter(engine.services, profileId, second.modelId)).toBe(second.training?.adapterPath)
    // the training render of every example is recorded with the round, in the model's own template
    const renders = second.prompts.filter((p) => p.stage === 'training')
    expect(renders.length).toBe(6)
    expect(renders[0].prompt).toContain('<|im_start|>user\nHow warm is it in Rome today?')
    expect(renders[0].prompt).toMatch(/"name":\s*"get_weather"/)
  })

  it('per-query adapters the user did not keep are removed when the next round trains', async () => {
    const { engine, profileId } = await setup({ augmentOverride: async () => JSON.stringify(PAIRS) }, { reviewPolicy: 'auto-approve-valid', optim: { ...QUICK.optim, epochs: 1 } })
    const kept = await runRound(engine, 'What is the weather in Paris?', profileId)
    await engine.call('rounds.keepAdapter', { id: kept.id, keep: true })
    const dropped = await runRound(engine, 'Is it sunny in Madrid?', profileId)
    expect(existsSync(dropped.training!.adapterPath!)).toBe(true)
    const last = await runRound(engine, 'Will it rain in Lisbon?', profileId)
    expect(last.status).toBe('done')
    expect(existsSync(kept.training!.adapterPath!)).toBe(true)
    expect(existsSync(dropped.training!.adapterPath!)).toBe(false)
    expect(existsSync(last.training!.adapterPath!)).toBe(true)
    await expect(engine.call('rounds.keepAdapter', { id: dropped.id, keep: true })).rejects.toThrow(/already removed/)
  })

  it('a cancelled round becomes interrupted and resumes from its last completed stage', async () => {
    const { engine, profileId } = await setup({ augmentOverride: async () => JSON.stringify(PAIRS) }, { reviewPolicy: 'auto-approve-valid', optim: { ...QUICK.optim, epochs: 50 } })
    const training = nextEvent(engine, (e) => e.type === 'train.progress', 240_000)
    const { roundId, jobId } = await engine.call('rounds.start', { query: 'What is the weather in Paris?', profileId })
    await training
    const interrupted = roundEnd(engine, roundId, ['interrupted', 'failed', 'done'])
    await engine.call('jobs.cancel', { jobId })
    await interrupted
    const stopped = await engine.call('rounds.get', { id: roundId })
    expect(stopped.status).toBe('interrupted')
    expect(stopped.stage).toBe('training')
    expect(stopped.examples.filter((e) => e.status === 'approved').length).toBe(3)
    await engine.call('settings.update', { optim: QUICK.optim })
    const done = roundEnd(engine, roundId, ['done', 'failed'])
    await engine.call('rounds.resume', { id: roundId })
    await done
    const r = await engine.call('rounds.get', { id: roundId })
    expect(r.status).toBe('done')
    expect(r.after?.text).toBeTruthy()
    expect(r.examples.length).toBe(3) // augmentation was not run again
    expect(r.training?.config).toMatchObject({ examples: 3, optim: { epochs: 2 } })
  })

  it('TT-D over HTTP: response_format and the key are sent; the key is never stored or exported', async () => {
    const t = await teacherServer(JSON.stringify(PAIRS))
    const { engine, profileId } = await setup({}, { teacher: { kind: 'http', baseUrl: t.baseUrl, model: 'big-teacher', apiKey: SECRET } })
    const r = await runRound(engine, 'What is the weather in Paris?', profileId)
    expect(r.status).toBe('awaiting_review')
    expect(t.seen.length).toBe(1)
    expect(t.seen[0].auth).toBe(`Bearer ${SECRET}`)
    expect(t.seen[0].body).toMatchObject({ model: 'big-teacher', response_format: { type: 'json_schema' } })
    expect(JSON.stringify(t.seen[0].body)).toContain('What is the weather in Paris?')
    expect(r.teacher).toBe('big-teacher')
    expect(r.examples.map((e) => [e.status, e.provenance])).toEqual(Array(3).fill(['pending', `teacher:big-teacher@127.0.0.1:${t.port}`]))
    const { json } = await engine.call('rounds.export', { id: r.id })
    expect(json).not.toContain(SECRET)
    const db = engine.services.db
    for (const table of ['rounds', 'examples']) {
      const rows = await db.all<Record<string, unknown>>(`SELECT * FROM ${table}`)
      expect(JSON.stringify(rows)).not.toContain(SECRET)
    }
  })

  it('an export redacts the teacher key even where generated text echoed it', async () => {
    const echoed = { examples: [{ input: `my key is ${SECRET}, weather in Rome?`, call: { name: 'get_weather', arguments: { city: 'Rome' } } }] }
    const t = await teacherServer(JSON.stringify(echoed))
    const { engine, profileId } = await setup({}, { teacher: { kind: 'http', baseUrl: t.baseUrl, model: 'big-teacher', apiKey: SECRET }, k: 1 })
    const r = await runRound(engine, 'What is the weather in Paris?', profileId)
    expect(r.examples[0].input).toContain(SECRET)
    const { json } = await engine.call('rounds.export', { id: r.id })
    expect(json).not.toContain(SECRET)
    expect(json).toContain('my key is [redacted], weather in Rome?')
  })

  it('TT-D over HTTP: a refused key fails the round with a clear message', async () => {
    const t = await teacherServer('', 401)
    const { engine, profileId } = await setup({}, { teacher: { kind: 'http', baseUrl: t.baseUrl, model: 'big-teacher', apiKey: 'wrong' } })
    const r = await runRound(engine, 'What is the weather in Paris?', profileId)
    expect(r.status).toBe('failed')
    expect(r.error).toMatch(/HTTP 401 \(check the API key in Settings\)/)
    expect(r.examples).toEqual([])
  })

  it('TT-D with a second local GGUF: the teacher writes the pairs, the agent model stays loaded', async () => {
    const { engine, profileId, modelId } = await setup()
    const teacher = await engine.call('models.import', { path: await ensureTestModel({ embd: 32, ff: 64 }), name: 'tiny teacher' })
    await engine.call('settings.update', { teacher: { kind: 'local', modelId: teacher.id } })
    const r = await runRound(engine, 'What is the weather in Paris?', profileId)
    expect(engine.services.host.loaded()?.modelId).toBe(modelId)
    expect(r.teacher).toBe(`local:${teacher.id}`)
    expect(['awaiting_review', 'done', 'no_valid_examples']).toContain(r.status)
    expect(r.examples.length).toBeGreaterThan(0)
    for (const e of r.examples) {
      expect(e.provenance).toBe('teacher:local:tiny teacher')
      if (e.status === 'invalid') expect(e.reason).toBeTruthy()
    }
    const aug = r.prompts.find((p) => p.stage === 'augmentation')
    expect(aug?.prompt).toContain('A user asked: "What is the weather in Paris?"')
    expect(aug?.prompt).toContain('<|im_start|>user')

    await engine.call('settings.update', { teacher: { kind: 'local', modelId: 'model_gone' } })
    const gone = await runRound(engine, 'Is it sunny in Madrid?', profileId)
    expect(gone.status).toBe('failed')
    expect(gone.error).toMatch(/teacher model set in Settings is no longer in the library/)
  })
})
