import { getLlama, LlamaGrammarEvaluationState, TokenBias, type Llama, type LlamaContext, type LlamaModel } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answerGrammar, renderPrompt } from '../../src/core/agent/answer'
import { callSchema, parseCall } from '../../src/core/agent/prompt'
import { schemaGrammar } from '../../src/core/agent/schema-grammar'
import { outputSchema } from '../../src/core/augment/generate'
import type { ToolDef } from '../../src/core/contract'
import { grammarAccepts } from '../fixtures/grammar-accepts'
import { ensureTestModel } from '../fixtures/test-models'

// One required key and optional keys of every type, one of them an object with its own optional key.
const booking: ToolDef = {
  name: 'book_room',
  description: 'Book a room',
  parameters: {
    type: 'object',
    properties: {
      guest: { type: 'string', minLength: 2, maxLength: 12 },
      nights: { type: 'integer' },
      budget: { type: 'number' },
      breakfast: { type: 'boolean' },
      view: { type: 'string', enum: ['sea', 'city'] },
      extras: { type: 'array', items: { type: 'string' }, maxItems: 2 },
      arrival: { type: 'string', format: 'date' },
      contact: { type: 'object', properties: { email: { type: 'string' }, phone: { type: 'string' } }, required: ['email'] },
      notes: { type: 'object' }
    },
    required: ['guest']
  }
}
const weather: ToolDef = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string', enum: ['Paris', 'Oslo'] }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] }
}
const profile = { systemPrompt: '', tools: [booking, weather] }
const call = (name: string, args: Record<string, unknown>) => JSON.stringify({ name, arguments: args })

describe('the tool-call grammar keeps optional arguments optional (llama.cpp grammar evaluation)', () => {
  let llama: Llama
  let model: LlamaModel
  let context: LlamaContext
  beforeAll(async () => {
    llama = await getLlama({ gpu: false })
    model = await llama.loadModel({ modelPath: await ensureTestModel() })
    context = await model.createContext({ contextSize: 1024, threads: 1 })
  })
  afterAll(async () => {
    await context?.dispose()
    await model?.dispose()
  })

  it('a call may leave out every optional key, or give any of them, of every type', async () => {
    const g = (await answerGrammar(model, profile))!
    const accepts = (args: Record<string, unknown>, name = 'book_room') => grammarAccepts(model, g, call(name, args))
    expect(accepts({ guest: 'Ann' })).toBe(true)
    for (const [key, value] of Object.entries({
      nights: 3, budget: 120.5, breakfast: false, view: 'sea', extras: ['crib', 'late checkout'], arrival: '2025-06-01',
      contact: { email: 'a@b.c' }, notes: { floor: 'high', pets: [1, { cat: true }], n: null }
    })) expect(accepts({ guest: 'Ann', [key]: value }), key).toBe(true)
    expect(accepts({ guest: 'Ann', nights: 3, budget: 99, breakfast: true, view: 'city', extras: [], arrival: '2025-12-31', contact: { email: 'x', phone: '1' }, notes: {} })).toBe(true)
    expect(accepts({ guest: 'Ann', view: 'sea', contact: { email: 'a@b.c', phone: '555' } })).toBe(true) // skips in between
    expect(accepts({ city: 'Paris' }, 'get_weather')).toBe(true)
    expect(accepts({ city: 'Paris', unit: 'celsius' }, 'get_weather')).toBe(true)
  })

  it('still rejects a missing required key, a wrong type, an unknown key and everything the schema rules out', async () => {
    const g = (await answerGrammar(model, profile))!
    const accepts = (args: Record<string, unknown>, name = 'book_room') => grammarAccepts(model, g, call(name, args))
    expect(accepts({})).toBe(false) // guest is required
    expect(accepts({ nights: 3 })).toBe(false)
    expect(accepts({ unit: 'celsius' }, 'get_weather')).toBe(false) // city is required
    expect(accepts({ guest: 'Ann', contact: { phone: '555' } })).toBe(false) // nested required email
    expect(accepts({ guest: 'Ann', nights: '3' })).toBe(false) // integer, not a string
    expect(accepts({ guest: 'Ann', nights: 2.5 })).toBe(false)
    expect(accepts({ guest: 'Ann', budget: 'cheap' })).toBe(false)
    expect(accepts({ guest: 'Ann', breakfast: 'yes' })).toBe(false)
    expect(accepts({ guest: 'Ann', view: 'garden' })).toBe(false) // enum
    expect(accepts({ guest: 'Ann', extras: ['a', 'b', 'c'] })).toBe(false) // maxItems
    expect(accepts({ guest: 'Ann', arrival: '2025-13-01' })).toBe(false) // date format
    expect(accepts({ guest: 'A' })).toBe(false) // minLength
    expect(accepts({ guest: 'Annabelle-Marie' })).toBe(false) // maxLength
    expect(accepts({ guest: 'Ann', pool: true })).toBe(false) // undeclared key
    expect(accepts({ guest: 'Ann', notes: [] })).toBe(false) // free-form object, but an object
    expect(accepts({ city: 'Rome' }, 'get_weather')).toBe(false)
    expect(accepts({ guest: 'Ann' }, 'cancel_room')).toBe(false) // unknown tool
    expect(grammarAccepts(model, g, '{"name":"get_weather","arguments":{"city":"Paris"}')).toBe(false) // unclosed
    expect(grammarAccepts(model, g, 'It is sunny.')).toBe(false) // text only where the profile allows it
  })

  it('a free-form object parameter takes any JSON object, not only {}', async () => {
    const g = await llama.createGrammar({ grammar: schemaGrammar({ type: 'object' }), rootRuleName: 'root' })
    for (const ok of ['{}', '{"a":1}', '{"a":{"b":[1,"x",true,null,{"c":-2.5e3}]},"d":"e"}']) expect(grammarAccepts(model, g, ok), ok).toBe(true)
    for (const bad of ['[]', '"x"', '{"a"}', '{a:1}']) expect(grammarAccepts(model, g, bad), bad).toBe(false)
    // properties: {} is a tool without arguments: only {}
    const none = await llama.createGrammar({ grammar: schemaGrammar({ type: 'object', properties: {} }), rootRuleName: 'root' })
    expect(grammarAccepts(model, none, '{}')).toBe(true)
    expect(grammarAccepts(model, none, '{"a":1}')).toBe(false)
  })

  it('the call-or-text grammar and the augmentation grammar keep optional keys optional too', async () => {
    const texty = (await answerGrammar(model, { ...profile, allowText: true }))!
    expect(grammarAccepts(model, texty, call('get_weather', { city: 'Oslo' }))).toBe(true)
    expect(grammarAccepts(model, texty, call('get_weather', { unit: 'celsius' }))).toBe(false)
    expect(grammarAccepts(model, texty, 'No tool fits that.')).toBe(true)
    const aug = await llama.createGrammar({ grammar: schemaGrammar(outputSchema({ profile, query: 'q', k: 2 })), rootRuleName: 'root' })
    const pairs = (a: object, b: object) => JSON.stringify({ examples: [{ input: 'x', call: a }, { input: 'y', call: b }] })
    expect(grammarAccepts(model, aug, pairs({ name: 'get_weather', arguments: { city: 'Oslo' } }, { name: 'book_room', arguments: { guest: 'Bo', nights: 1 } }))).toBe(true)
    expect(grammarAccepts(model, aug, pairs({ name: 'get_weather', arguments: {} }, { name: 'book_room', arguments: { guest: 'Bo' } }))).toBe(false)
  })

  it('a random-weight model generates a call without the optional key when that is what it prefers', async () => {
    const only = { systemPrompt: '', tools: [weather] }
    const sequence = context.getSequence()
    const prompt = renderPrompt({ lease: { model, context, sequence, release: () => undefined }, profile: only, query: 'Weather in Paris?' })
    const vocabSize = 32000 // the generated model's llama-spm vocabulary
    const generate = async (prefer: '}' | ',') => {
      // make every token that holds the preferred character far more likely than the rest: after the
      // required city the grammar offers ',' (an optional key follows) or '}' (the call ends)
      const bias = new TokenBias(model.tokenizer)
      for (let t = 0; t < vocabSize; t++) {
        const piece = model.detokenize([t as never])
        if (piece.includes(prefer)) bias.set(t as never, { logit: 50 })
      }
      await sequence.clearHistory()
      const grammarEvaluationState = new LlamaGrammarEvaluationState({ model, grammar: (await answerGrammar(model, only))! })
      let text = ''
      const it = sequence.evaluate(prompt.tokens, { temperature: 0, grammarEvaluationState, tokenBias: bias })
      for await (const t of it) {
        text += model.detokenize([t])
        if (parseCall(text, only.tools).call || text.length > 300) break
      }
      await it.return?.()
      return JSON.parse(text)
    }
    const short = await generate('}')
    expect(short.name).toBe('get_weather')
    expect(Object.keys(short.arguments)).toEqual(['city'])
    const long = await generate(',')
    expect(Object.keys(long.arguments)).toEqual(['city', 'unit'])
  })

  it('the call schema fed to the grammar keeps the required set as written', () => {
    const s = callSchema([weather]) as { properties: { arguments: { required: string[] } } }
    expect(s.properties.arguments.required).toEqual(['city'])
  })
})
