import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { chatHistory } from '../../src/core/agent/prompt'
import { chatWrapperFor } from '../../src/core/agent/wrapper'
import { augmentationPrompt } from '../../src/core/augment/generate'
import type { Engine } from '../../src/core/engine'
import { engineWithModelFile, nextEvent } from '../fixtures/engine'
import { ensureFamilyModel, FAMILIES, type Family, type FamilyWeights } from '../fixtures/family-models'
import { teacherServer } from '../fixtures/teacher-server'
import { SHORT_ANSWERS, quickOptim } from '../fixtures/quick-settings'

// Whole rounds on the generated Qwen2.5 and Llama-3.2 models (real tokenizers and templates, random weights):
// the mechanics of self-augmentation, TT-D over HTTP, training and the adapter's reload, never answer quality.
const profile = {
  name: 'Timer and weather',
  systemPrompt: 'You are a helpful assistant.',
  allowText: false,
  tools: [
    { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object' as const, properties: { city: { type: 'string', enum: ['Paris', 'Oslo'] } }, required: ['city'] } },
    { name: 'set_timer', description: 'Start a timer', parameters: { type: 'object' as const, properties: { minutes: { type: 'integer', enum: [1, 5] } }, required: ['minutes'] } }
  ]
}
const QUERY = 'What is the weather in Paris?'
const QUICK = { k: 2, optim: quickOptim(2, 1e-2), ...SHORT_ANSWERS, lora: { rank: 4, alpha: 8, targets: ['attn_q', 'attn_v'], seed: 5 } }

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined)
})

async function setup(family: Family, weights: FamilyWeights, settings: Record<string, unknown>) {
  const r = await engineWithModelFile(await ensureFamilyModel(family, weights))
  cleanup.push(() => r.engine.close())
  await r.engine.call('settings.update', { ...QUICK, ...settings } as never)
  const { id: profileId } = await r.engine.call('profiles.save', profile)
  return { ...r, profileId }
}

const settle = (engine: Engine, roundId: string) =>
  nextEvent(engine, (e) => e.type === 'round.update' && e.roundId === roundId && ['done', 'failed', 'awaiting_review', 'no_valid_examples'].includes(e.status), 280_000)

/** Asks in a new conversation, then improves that answer (the round starts at augmentation). */
async function askAndImprove(engine: Engine, profileId: string) {
  const conv = await engine.call('conversations.create', { profileId })
  const answered = nextEvent(engine, (e) => e.type === 'chat.message' && e.message.conversationId === conv.id && e.message.role === 'assistant')
  const sent = await engine.call('chat.send', { conversationId: conv.id, content: QUERY, maxTokens: 40 })
  const message = ((await answered) as Extract<Awaited<ReturnType<typeof nextEvent>>, { type: 'chat.message' }>).message
  const { roundId } = await engine.call('rounds.start', { messageId: sent.assistantMessageId })
  await settle(engine, roundId)
  return { message, round: await engine.call('rounds.get', { id: roundId }) }
}

/** The exact text the agent's model is prompted with for self-augmentation, and its tokens. */
async function expectedAugmentationPrompt(engine: Engine, k: number) {
  const lease = await engine.services.host.acquire()
  try {
    const p = augmentationPrompt({ profile, query: QUERY, k })
    const state = chatWrapperFor(lease.model).generateContextState({ chatHistory: chatHistory(p.system, [{ role: 'user', text: p.user }]) })
    return { user: p.user, tokens: state.contextText.tokenize(lease.model.tokenizer), tokenize: (text: string) => lease.model.tokenize(text, true) }
  } finally {
    lease.release()
  }
}

describe.each([
  ['qwen2', 'q8_0'],
  ['llama3', 'f32']
] as [Family, FamilyWeights][])('TT-SI on the generated %s %s model', (family, weights) => {
  it('the model writes its own pairs (generate.ts, no test seam); the exact prompt is stored with the round; an edited pair trains an adapter the host reloads', async () => {
    const { engine, profileId } = await setup(family, weights, { teacher: { kind: 'none' }, reviewPolicy: 'manual', adaptationMode: 'per-query' })
    expect(engine.services.options.augmentOverride).toBeUndefined()
    const { message, round } = await askAndImprove(engine, profileId)
    // chat on the family model: a grammar-valid call, RSS over both tools, the exact prompt stored
    expect(message.toolCalls).toHaveLength(1)
    expect(message.uncertainty?.candidates.map((c) => c.label).sort()).toEqual(['get_weather', 'set_timer'])
    expect(message.prompt).not.toMatch(/BOS|EOS/)

    expect(['awaiting_review', 'no_valid_examples']).toContain(round.status)
    expect(round.examples.length).toBeGreaterThan(0)
    for (const e of round.examples) {
      expect(e.provenance).toBe('self')
      expect(e.raw).toBeTruthy()
      if (e.status === 'invalid') expect(e.reason).toBeTruthy()
    }
    // the prompt the model wrote its pairs from, exactly (the family's template, special tokens as text)
    const aug = round.prompts.find((p) => p.stage === 'augmentation')!.prompt
    const expected = await expectedAugmentationPrompt(engine, QUICK.k)
    expect(aug).toContain(expected.user)
    expect(aug).toContain(`A user asked: "${QUERY}"`)
    expect(aug).not.toMatch(/BOS|EOS|test generator/)
    expect(expected.tokenize(aug)).toEqual(expected.tokens)
    if (family === 'qwen2') {
      expect(aug.startsWith('<|im_start|>system\nYou write training data')).toBe(true)
      expect(aug.endsWith(`${expected.user}<|im_end|>\n<|im_start|>assistant\n`)).toBe(true)
    } else {
      expect(aug.startsWith('<|begin_of_text|><|start_header_id|>system<|end_header_id|>')).toBe(true)
      expect(aug.endsWith(`${expected.user}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`)).toBe(true)
    }

    // review: one of the model's pairs edited into a valid one, the rest rejected; the round trains on it
    const [first, ...rest] = round.examples
    const others = rest.filter((e) => e.status === 'pending').map((e) => e.id)
    if (others.length) await engine.call('review.reject', { ids: others })
    const done = settle(engine, round.id)
    await engine.call('review.edit', { id: first.id, input: 'Is it cold in Oslo right now?', call: { name: 'get_weather', arguments: { city: 'Oslo' } } })
    if (round.status === 'no_valid_examples') await engine.call('rounds.resume', { id: round.id })
    await done
    const after = await engine.call('rounds.get', { id: round.id })
    expect(after.error).toBeNull()
    expect(after.status).toBe('done')
    expect(after.training?.losses.length).toBeGreaterThan(0)
    for (const l of after.training!.losses) expect(Number.isFinite(l.loss)).toBe(true)
    expect(existsSync(after.training!.adapterPath!)).toBe(true)
    // the training text: the same template, the answer, then the template's end of turn (not EOS)
    const training = after.prompts.filter((p) => p.stage === 'training').map((p) => p.prompt)
    expect(training).toHaveLength(1)
    expect(training[0].endsWith('{"name":"get_weather","arguments":{"city":"Oslo"}}' + FAMILIES[family].endOfTurn)).toBe(true)
    // answered again with the adapter attached by the model host: a valid call from the same prompt
    expect(after.after?.call).not.toBeNull()
    expect(after.after?.prompt).toBe(message.prompt)
  })
})

describe('TT-D with an OpenAI-compatible teacher on 127.0.0.1, on the generated Llama-3.2 Q8_0 model', () => {
  it('the teacher gets the augmentation prompt as chat messages; its pairs train an adapter; the prompt is stored with the round', async () => {
    const pairs = {
      examples: [
        { input: 'Will it rain in Oslo today?', call: { name: 'get_weather', arguments: { city: 'Oslo' } } },
        { input: 'Start a five minute timer', call: { name: 'set_timer', arguments: { minutes: 5 } } }
      ]
    }
    const teacher = await teacherServer(JSON.stringify(pairs))
    cleanup.push(teacher.close)
    const { engine, profileId } = await setup('llama3', 'q8_0', {
      teacher: { kind: 'http', baseUrl: teacher.baseUrl, model: 'local-teacher', apiKey: 'sk-local' },
      reviewPolicy: 'auto-approve-valid'
    })
    const { round } = await askAndImprove(engine, profileId)
    expect(round.error).toBeNull()
    expect(round.status).toBe('done')
    expect(teacher.seen).toHaveLength(1)
    const sent = teacher.seen[0]
    expect(sent.path).toBe('/v1/chat/completions')
    expect(sent.auth).toBe('Bearer sk-local')
    expect(sent.body.model).toBe('local-teacher')
    const p = augmentationPrompt({ profile, query: QUERY, k: QUICK.k })
    expect(sent.body.messages).toEqual([{ role: 'system', content: p.system }, { role: 'user', content: p.user }])
    expect(round.examples.map((e) => [e.status, e.provenance])).toEqual([
      ['approved', `teacher:local-teacher@127.0.0.1:${teacher.port}`],
      ['approved', `teacher:local-teacher@127.0.0.1:${teacher.port}`]
    ])
    const aug = round.prompts.find((x) => x.stage === 'augmentation')!.prompt
    expect(aug).toContain(p.system)
    expect(aug).toContain(p.user)
    const training = round.prompts.filter((x) => x.stage === 'training').map((x) => x.prompt)
    expect(training).toHaveLength(2)
    for (const t of training) expect(t.endsWith('}}<|eot_id|>')).toBe(true)
    expect(existsSync(round.training!.adapterPath!)).toBe(true)
    expect(round.after?.call).not.toBeNull()
  })
})
