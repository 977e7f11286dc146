import { getLlama, LlamaGrammarEvaluationState, TokenBias, type Llama, type LlamaContext, type LlamaModel, type Token } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answerGrammar, answerQuery, renderPrompt } from '../../src/core/agent/answer'
import { captureSteps } from '../../src/core/agent/step-capture'
import type { ContextLease } from '../../src/core/models/types'
import { benchRss } from '../../src/core/uncertainty/bench'
import { distributionStats } from '../../src/core/uncertainty/math'
import { candidateTokens, rssCandidates, scoreRss, TEXT_CANDIDATE } from '../../src/core/uncertainty/rss'
import { distinctCalls, sampleCalls } from '../../src/core/uncertainty/samples'
import { respond } from '../../src/core/chat/respond'
import { callText, parseCall } from '../../src/core/agent/prompt'
import { scoreTokens } from '../../src/core/uncertainty/token'
import { answerNll } from '../fixtures/nll'
import { ensureTestModel } from '../fixtures/test-models'

// Enum arguments keep a random-weight model's call finite, so the grammar must close it into valid JSON.
const profile = {
  systemPrompt: 'You are a helpful assistant.',
  tools: [
    { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object' as const, properties: { city: { type: 'string', enum: ['Paris', 'Oslo', 'Lima'] } }, required: ['city'] } },
    { name: 'play_music', description: 'Play music', parameters: { type: 'object' as const, properties: { genre: { type: 'string', enum: ['jazz', 'rock'] } }, required: ['genre'] } },
    { name: 'set_timer', description: 'Start a timer', parameters: { type: 'object' as const, properties: { minutes: { type: 'integer', enum: [1, 5, 10] } }, required: ['minutes'] } }
  ]
}
const noTools = { systemPrompt: 'You are a helpful assistant.', tools: [] }
const query = 'What is the weather like in Paris today?'

describe('agent answering and uncertainty on a generated model', () => {
  let llama: Llama
  let model: LlamaModel
  let context: LlamaContext
  let lease: ContextLease
  beforeAll(async () => {
    llama = await getLlama({ gpu: false })
    model = await llama.loadModel({ modelPath: await ensureTestModel() })
    // Flash attention on CPU makes logits depend on how tokens are batched (measured up to 5e-3 nats per
    // token on this model); without it batched and incremental evaluation agree to ~1e-6, so the
    // KV-reuse check below can be exact.
    context = await model.createContext({ contextSize: 1024, threads: 1, flashAttention: false })
    lease = { model, context, sequence: context.getSequence(), release: () => undefined }
  })
  afterAll(async () => {
    await context?.dispose()
    await model?.dispose()
  })

  it('answers with a parseable tool call, every token with its probability and alternatives', async () => {
    const streamed: string[] = []
    const r = await answerQuery({ lease, profile, query, maxTokens: 80, onToken: (t) => streamed.push(t.text) })
    expect(r.parseError).toBeNull()
    expect(r.stopReason).toBe('complete')
    expect(profile.tools.map((t) => t.name)).toContain(r.call!.name)
    expect(JSON.parse(r.text)).toEqual(r.call)
    expect(streamed.join('').trim()).toBe(r.text)
    expect(r.tokens.length).toBe(streamed.length)
    for (const t of r.tokens) {
      expect(t.prob).toBeGreaterThan(0)
      expect(t.prob).toBeLessThanOrEqual(1 + 1e-6)
      expect(t.top.length).toBeGreaterThan(0)
      expect(t.top[0].prob).toBeGreaterThanOrEqual(t.prob - 1e-6) // greedy: the chosen token is the most likely allowed one
      expect(t.entropy).toBeUndefined() // the default trace: top-k only (entropy needs the whole distribution)
    }
    // the exact prompt: the model's chat template around the system prompt, the tools and the query
    expect(r.prompt).toBe(renderPrompt({ lease, profile, query }).text)
    expect(r.prompt).toContain('<|im_start|>user\n' + query)
    for (const t of profile.tools) expect(r.prompt).toContain(`"name":"${t.name}"`)
    expect(r.prompt.endsWith('<|im_start|>assistant\n')).toBe(true)
  })

  it('captures the full next-token distribution: stats equal an independent evaluation of the prompt', async () => {
    // both from an empty cache, so the prompt is evaluated in the same batches
    await lease.sequence.eraseContextTokenRanges([{ start: 0, end: lease.sequence.nextTokenIndex }])
    const r = await answerQuery({ lease, profile: noTools, query: 'Say something.', maxTokens: 3, distribution: 'full' })
    const prompt = renderPrompt({ lease, profile: noTools, query: 'Say something.' })
    await lease.sequence.eraseContextTokenRanges([{ start: 0, end: lease.sequence.nextTokenIndex }])
    const items = prompt.tokens.map((t, i) => (i === prompt.tokens.length - 1 ? ([t, { generateNext: { probabilities: true } }] as const) : t))
    const out = await lease.sequence.controlledEvaluate(items as never)
    const dist = out[prompt.tokens.length - 1]!.next!.probabilities!
    expect(dist.size).toBe(32000) // the whole vocabulary, not a top-k
    const first = r.tokens[0]
    const stats = distributionStats(dist.values())
    expect(first.prob).toBeCloseTo(dist.get(first.token as Token)!, 4)
    expect(first.entropy!).toBeCloseTo(stats.entropy, 4)
    expect(first.selfCertainty!).toBeCloseTo(stats.selfCertainty!, 4)
    const sorted = [...dist].sort((a, b) => b[1] - a[1]).slice(0, 5)
    expect(first.top.map((t) => t.text)).toEqual(sorted.map(([t]) => model.detokenize([t], true)))
    first.top.forEach((t, i) => expect(t.prob).toBeCloseTo(sorted[i][1], 5))
    // a random model is far from certain: its self-certainty is small next to log V
    expect(stats.selfCertainty!).toBeGreaterThan(0)
    expect(stats.selfCertainty!).toBeLessThan(Math.log(32000))
    const summary = scoreTokens('self-certainty', r.tokens, 0.95)
    const mean = r.tokens.reduce((a, t) => a + t.selfCertainty!, 0) / r.tokens.length
    expect(summary.margin).toBeCloseTo(mean / (mean + 1), 10)
  })

  it('the default top-k trace has the exact top-k probabilities, also under the tool-call grammar', async () => {
    for (const p of [noTools, profile]) {
      await lease.sequence.eraseContextTokenRanges([{ start: 0, end: lease.sequence.nextTokenIndex }])
      const top = await answerQuery({ lease, profile: p, query, maxTokens: 4 })
      await lease.sequence.eraseContextTokenRanges([{ start: 0, end: lease.sequence.nextTokenIndex }])
      const full = await answerQuery({ lease, profile: p, query, maxTokens: 4, distribution: 'full' })
      expect(top.text).toBe(full.text)
      top.tokens.forEach((t, i) => {
        expect(t.prob).toBeCloseTo(full.tokens[i].prob, 5)
        expect(t.top.map((a) => a.text)).toEqual(full.tokens[i].top.map((a) => a.text))
        t.top.forEach((a, j) => expect(a.prob).toBeCloseTo(full.tokens[i].top[j].prob, 5))
        expect(full.tokens[i].entropy).toBeGreaterThanOrEqual(0)
      })
    }
    // the trace was taken from the sampler (not the public Map), and the context's addon is itself again after
    const probe = captureSteps(context, 'top', 5)
    expect(probe).not.toBeNull()
    probe!.restore()
    expect(Object.getPrototypeOf((context as unknown as { _ctx: object })._ctx).constructor.name).toBe('AddonContext')
  })

  it('cancels mid-stream through the AbortSignal', async () => {
    const ac = new AbortController()
    let n = 0
    const r = await answerQuery({
      lease, profile: noTools, query: 'Tell me a long story.', maxTokens: 500, signal: ac.signal,
      onToken: () => {
        if (++n === 3) ac.abort()
      }
    })
    expect(r.stopReason).toBe('cancelled')
    expect(r.tokens.length).toBe(3)
  })

  for (const normalize of ['sum', 'mean'] as const) {
    it(`RSS with the prompt's KV cache reused equals independent full evaluations (${normalize})`, async () => {
      const prompt = renderPrompt({ lease, profile, query })
      const all = rssCandidates(profile)
      const cands = all.texts.map((t, i) => candidateTokens(model, t, all.cover[i]))
      const reference: number[] = []
      for (const c of cands) {
        const nll = await answerNll(lease.sequence, [...prompt.tokens, ...c], [...prompt.tokens.map(() => 0), ...c.map(() => 1)])
        reference.push(normalize === 'sum' ? -nll * c.length : -nll)
      }
      // count what the scorer evaluates: the prompt once, then only each candidate's own tokens
      const seq = lease.sequence
      const original = seq.controlledEvaluate.bind(seq)
      let evaluated = 0
      seq.controlledEvaluate = ((items: unknown[], o?: unknown) => {
        evaluated += items.length
        return original(items as never, o as never)
      }) as typeof seq.controlledEvaluate
      try {
        // cold (empty cache), then warm right after answering (cache holds prompt + answer), then again
        await seq.eraseContextTokenRanges([{ start: 0, end: seq.nextTokenIndex }])
        const cold = await scoreRss({ lease, profile, query, tau: 0.95, normalize })
        const coldEvaluated = evaluated
        await answerQuery({ lease, profile, query, maxTokens: 40 })
        evaluated = 0
        const warm = await scoreRss({ lease, profile, query, tau: 0.95, normalize })
        for (const s of [cold, warm]) {
          expect(s.candidates.map((c) => c.label)).toEqual(profile.tools.map((t) => t.name))
          s.candidates.forEach((c, i) => expect(Math.abs(c.logProb - reference[i])).toBeLessThan(1e-4))
          expect(s.candidates.reduce((a, c) => a + c.score, 0)).toBeCloseTo(1, 9)
          const sorted = s.candidates.map((c) => c.score).sort((a, b) => b - a)
          expect(s.margin).toBeCloseTo(sorted[0] - sorted[1], 12)
          expect(s.uncertain).toBe(s.margin < 0.95)
        }
        const candidateTokens = cands.reduce((a, c) => a + c.length, 0)
        expect(coldEvaluated).toBeLessThan(prompt.tokens.length + candidateTokens) // N full passes would be ~3x the prompt
        expect(evaluated).toBeLessThan(candidateTokens) // the prompt was not evaluated again
      } finally {
        seq.controlledEvaluate = original
      }
    })
  }

  it('one candidate is certain, with the reason recorded', async () => {
    const s = await scoreRss({ lease, profile: { ...profile, tools: profile.tools.slice(0, 1) }, query, tau: 0.95, normalize: 'sum' })
    expect(s.margin).toBe(1)
    expect(s.uncertain).toBe(false)
    expect(s.reason).toMatch(/fewer than two/)
    expect(s.candidates).toHaveLength(1)
    expect(s.candidates[0].logProb).toBeLessThan(0)
  })

  it('RSS over sampled full calls: reproducible samples, distinct calls with the greedy answer first, each scored whole', async () => {
    const answer = await answerQuery({ lease, profile, query, maxTokens: 80 })
    const samples = await sampleCalls({ lease, profile, query, n: 6, seed: 7 })
    expect(samples.texts.length).toBeGreaterThan(0)
    for (const t of samples.texts) expect(parseCall(t, profile.tools).error).toBeNull()
    expect((await sampleCalls({ lease, profile, query, n: 6, seed: 7 })).texts).toEqual(samples.texts)
    const calls = distinctCalls([answer.text, ...samples.texts], profile)
    expect(calls[0]).toBe(answer.text)
    expect(calls.length).toBeGreaterThanOrEqual(2) // a random model does not sample one call six times
    expect(new Set(calls.map((c) => callText(parseCall(c, profile.tools).call!))).size).toBe(calls.length)
    const s = await scoreRss({ lease, profile, query, tau: 0.95, normalize: 'sum', extraCandidates: calls, includeTools: false })
    expect(s.candidates.map((c) => c.label)).toEqual(calls.map((c, i) => `sample ${i + 1}: ${c}`))
    expect(s.candidates.reduce((a, c) => a + c.score, 0)).toBeCloseTo(1, 9)
    const prompt = renderPrompt({ lease, profile, query })
    for (const [i, c] of calls.entries()) {
      const toks = model.tokenize(c, false, 'trimLeadingSpace')
      const nll = await answerNll(lease.sequence, [...prompt.tokens, ...toks], [...prompt.tokens.map(() => 0), ...toks.map(() => 1)])
      expect(Math.abs(s.candidates[i].logProb - -nll * toks.length)).toBeLessThan(1e-3)
      // a whole call is less likely than its tool name alone
      const name = parseCall(c, profile.tools).call!.name
      const named = (await scoreRss({ lease, profile, query, tau: 0.95, normalize: 'sum' })).candidates.find((x) => x.label === name)!
      expect(s.candidates[i].logProb).toBeLessThan(named.logProb)
    }
  })

  it('respond() with tools-and-sampled-calls scores the tool names, then the distinct sampled calls', async () => {
    const settings = { estimator: 'rss', tau: 0.95, rssNormalize: 'mean', rssCandidates: 'tools-and-sampled-calls', rssSamples: 3 } as const
    const r = await respond({ lease, profile, history: [], query, settings, maxTokens: 80 })
    const labels = r.uncertainty.candidates.map((c) => c.label)
    expect(labels.slice(0, 3)).toEqual(profile.tools.map((t) => t.name))
    expect(labels[3]).toBe(`sample 1: ${r.answer.text}`)
    expect(labels.length).toBeGreaterThanOrEqual(4)
    expect(labels.length).toBeLessThanOrEqual(3 + 1 + 3)
    const sorted = r.uncertainty.candidates.map((c) => c.score).sort((a, b) => b - a)
    expect(r.uncertainty.margin).toBeCloseTo(sorted[0] - sorted[1], 12)
  })

  it('a profile that allows text: the prompt says so, the answer may be text, and RSS scores "answer in text" as an action', async () => {
    const texty = { ...profile, allowText: true }
    const prompt = renderPrompt({ lease, profile: texty, query })
    expect(prompt.text).toContain('When no tool fits, answer in plain text instead.')
    // A random-weight model spreads its probability over the whole vocabulary, so greedy decoding under the
    // call-or-text grammar picks a text token, not the one '{' that opens a call.
    const r = await answerQuery({ lease, profile: texty, query, maxTokens: 12 })
    expect(r.text.length).toBeGreaterThan(0)
    expect(r.text.startsWith('{')).toBe(false)
    expect(r.call).toBeNull()
    expect(r.parseError).toBeNull()
    expect(['eos', 'maxTokens']).toContain(r.stopReason)
    const s = await scoreRss({ lease, profile: texty, query, tau: 0.95, normalize: 'sum' })
    expect(s.candidates.map((c) => c.label)).toEqual([...profile.tools.map((t) => t.name), TEXT_CANDIDATE])
    // log P(text) = log(1 - P(the token every call opens with)), from an independent evaluation
    const open = model.tokenize(rssCandidates(profile).texts[0], false, 'trimLeadingSpace')[0]
    const nll = await answerNll(lease.sequence, [...prompt.tokens, open], [...prompt.tokens.map(() => 0), 1])
    expect(Math.abs(s.candidates[3].logProb - Math.log(1 - Math.exp(-nll)))).toBeLessThan(1e-4)
    expect(s.candidates[3].score).toBe(Math.max(...s.candidates.map((c) => c.score)))
    // the profile without text keeps answering with a call
    expect((await answerQuery({ lease, profile, query, maxTokens: 80 })).call).not.toBeNull()
  })

  it('the call-or-text grammar still lets a call through, closed into valid JSON, once it opens with "{"', async () => {
    const texty = { ...profile, allowText: true }
    const grammar = await answerGrammar(model, texty)
    const prompt = renderPrompt({ lease, profile: texty, query })
    const open = model.tokenize(rssCandidates(profile).texts[0], false, 'trimLeadingSpace')[0]
    const tokenBias = new TokenBias(model.tokenizer).set(open, { logit: 1000 }) // make the model open a call
    await lease.sequence.eraseContextTokenRanges([{ start: 0, end: lease.sequence.nextTokenIndex }])
    let text = ''
    const it = lease.sequence.evaluate(prompt.tokens, { temperature: 0, grammarEvaluationState: new LlamaGrammarEvaluationState({ model, grammar: grammar! }), tokenBias })
    for await (const t of it) {
      text += model.detokenize([t], true)
      if (text.includes('}') && parseCall(text, profile.tools).call) break
      if (text.length > 400) break
    }
    await it.return?.()
    expect(text.startsWith('{')).toBe(true)
    expect(parseCall(text, profile.tools).error).toBeNull()
  })

  it('a string argument with maxLength is held to it by the grammar, so even a random model closes the call', async () => {
    const short = {
      systemPrompt: '',
      tools: [{ name: 'search_web', description: 'Search', parameters: { type: 'object' as const, properties: { query: { type: 'string', maxLength: 6 } }, required: ['query'] } }]
    }
    const r = await answerQuery({ lease, profile: short, query: 'Search the web for llamas', maxTokens: 60 })
    expect(r.stopReason).toBe('complete')
    expect(r.call!.name).toBe('search_web')
    expect(String(r.call!.arguments.query).length).toBeLessThanOrEqual(6)
  })

  it('benchRss times cached, cold and naive scoring and finds them in agreement', async () => {
    const b = await benchRss(lease, profile, query, { repeats: 3 })
    expect(b.candidates).toBe(3)
    expect(b.promptTokens).toBe(renderPrompt({ lease, profile, query }).tokens.length)
    expect(b.maxAbsDiff).toBeLessThan(1e-4)
    for (const ms of [b.ms, b.coldMs, b.naiveMs]) expect(ms).toBeGreaterThan(0) // timings: the shared CPU is too noisy to compare here
    expect(lease.sequence.nextTokenIndex).toBe(0)
  })
})
