import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/core/engine'
import { engineWithModel, jobEnd, nextEvent, tempDir } from '../fixtures/engine'

describe('model host and chat on a generated GGUF', () => {
  let engine: Engine
  let modelPath: string
  beforeAll(async () => {
    ;({ engine, modelPath } = await engineWithModel())
  })
  afterAll(async () => engine?.close())

  it('reports the backend honestly (CPU, with the reason)', async () => {
    const info = await engine.call('system.info', {})
    expect(info.gpu.backend).toBe('cpu')
    expect(info.gpu.cpuReason).toMatch(/CPU/)
    expect(info.loadedModelId).not.toBeNull()
  })

  it('streams tokens with probabilities and stores a tool call with its uncertainty', async () => {
    const conv = await engine.call('conversations.create', {})
    const tokens: number[] = []
    const off = engine.onEvent((e) => {
      if (e.type === 'chat.token') tokens.push(e.prob)
    })
    const r = await engine.call('chat.send', { conversationId: conv.id, content: 'What is the weather in Paris?', maxTokens: 24 })
    const msg = await nextEvent(engine, (e) => e.type === 'chat.message')
    off()
    expect(tokens.length).toBeGreaterThan(3)
    for (const p of tokens) expect(p).toBeGreaterThan(0)
    const m = (msg as { message: import('../../src/core/contract').Message }).message
    expect(m.id).toBe(r.assistantMessageId)
    expect(m.content.startsWith('{"name":"')).toBe(true) // grammar-constrained tool call
    expect(m.tokens!.length).toBe(tokens.length)
    expect(m.uncertainty!.estimator).toBe('rss')
    expect(m.uncertainty!.candidates.map((c) => c.label).sort()).toEqual(['create_event', 'get_weather', 'search_web'])
    const sum = m.uncertainty!.candidates.reduce((a, c) => a + c.score, 0)
    expect(sum).toBeCloseTo(1, 6)
    expect(m.prompt).toContain('What is the weather in Paris?')
    const stored = await engine.call('conversations.messages', { conversationId: conv.id })
    expect(stored.map((x) => x.role)).toEqual(['user', 'assistant'])
  })

  it('a call cut off at the token limit is stored with a notice saying so, also after a reload', async () => {
    const conv = await engine.call('conversations.create', {})
    await engine.call('chat.send', { conversationId: conv.id, content: 'Search the web for llamas', maxTokens: 4 })
    const m = ((await nextEvent(engine, (e) => e.type === 'chat.message')) as { message: import('../../src/core/contract').Message }).message
    expect(m.toolCalls).toBeNull()
    expect(m.tokens).toHaveLength(4)
    expect(m.notice).toMatch(/^Not a valid tool call \(invalid JSON: .*\)\. The answer reached the 4-token limit before the call was complete/)
    const stored = await engine.call('conversations.messages', { conversationId: conv.id })
    expect(stored[1].notice).toBe(m.notice)
    expect(stored[0].notice).toBeNull() // the user's message
  })

  it('without a limit in the request, the answer stops at the answer length limit in Settings', async () => {
    await engine.call('settings.update', { maxAnswerTokens: 16 })
    try {
      const conv = await engine.call('conversations.create', {})
      await engine.call('chat.send', { conversationId: conv.id, content: 'Search the web for llamas' })
      const m = ((await nextEvent(engine, (e) => e.type === 'chat.message')) as { message: import('../../src/core/contract').Message }).message
      expect(m.tokens).toHaveLength(16) // a random-weight model's call never closes this soon
      expect(m.notice).toContain('the 16-token limit')
    } finally {
      await engine.call('settings.update', { maxAnswerTokens: 512 })
    }
  })

  it('cancels a generation mid-stream', async () => {
    const conv = await engine.call('conversations.create', { profileId: null })
    const r = await engine.call('chat.send', { conversationId: conv.id, content: 'Tell me a long story', maxTokens: 4000 })
    await nextEvent(engine, (e) => e.type === 'chat.token')
    await engine.call('jobs.cancel', { jobId: r.jobId })
    const end = await jobEnd(engine, r.jobId)
    // a cancelled answer is kept as far as it got, or the job ends cancelled: never hangs
    expect(['done', 'cancelled']).toContain(end.job.status)
    const msgs = await engine.call('conversations.messages', { conversationId: conv.id })
    const answer = msgs.find((m) => m.role === 'assistant')
    if (answer) expect(answer.tokens!.length).toBeLessThan(4000)
  })

  it('refuses a corrupt GGUF with a clear message and keeps the loaded model', async () => {
    // an interrupted download: the real model cut after 3 MB
    const bad = join(tempDir(), 'broken.gguf')
    writeFileSync(bad, readFileSync(modelPath).subarray(0, 3 << 20))
    await expect(engine.call('models.import', { path: bad })).rejects.toThrow(/broken.gguf is damaged: tensor .* extends past the end of the file .* truncated/)
    const garbage = join(tempDir(), 'garbage.gguf')
    writeFileSync(garbage, 'hello world, definitely not a model file')
    await expect(engine.call('models.import', { path: garbage })).rejects.toThrow(/wrong magic/)
    expect((await engine.call('system.info', {})).loadedModelId).not.toBeNull()
  })

  it('validates input at the boundary with the failing field named', async () => {
    await expect(engine.call('chat.send', { conversationId: 'x', content: '' } as never)).rejects.toThrow(/content/)
    await expect(engine.call('settings.update', { tau: 3 } as never)).rejects.toThrow(/tau/)
  })
})
