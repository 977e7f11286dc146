import { join } from 'node:path'
import { getLlama, type Llama } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answerQuery, renderPrompt } from '../../src/core/agent/answer'
import { callText, type PromptProfile } from '../../src/core/agent/prompt'
import { chatWrapperFor } from '../../src/core/agent/wrapper'
import { readGgufHeader } from '../../src/core/models/gguf-read'
import { GGML_TYPE } from '../../src/core/models/gguf-types'
import { runTraining, type TrainerEvent } from '../../src/core/trainer/client'
import { renderExample, type ChatExample } from '../../src/core/trainer/render'
import { tempDir } from '../fixtures/engine'
import { ensureFamilyModel, FAMILIES, loadFamilyModel, type Family, type FamilyWeights } from '../fixtures/family-models'
import { answerNll } from '../fixtures/nll'

// Random weights answer gibberish: these tests check mechanics (tokenizer, template, grammar), never quality.
const profile = {
  systemPrompt: 'You are a helpful assistant.',
  allowText: false,
  tools: [
    { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object' as const, properties: { city: { type: 'string', enum: ['Paris', 'Oslo'] } }, required: ['city'] } },
    { name: 'set_timer', description: 'Start a timer', parameters: { type: 'object' as const, properties: { minutes: { type: 'integer', enum: [1, 5] } }, required: ['minutes'] } }
  ]
}
const dir = tempDir('families-')
const cases: [Family, FamilyWeights][] = [['qwen2', 'f32'], ['qwen2', 'q8_0'], ['llama3', 'f32'], ['llama3', 'q8_0']]

let llama: Llama
beforeAll(async () => {
  llama = await getLlama({ gpu: false })
})

describe('generated model families: the files are what they claim', () => {
  it.each(cases)('%s %s: architecture, tied embeddings, biases, tensor types, special tokens', async (family, weights) => {
    const h = await readGgufHeader(await ensureFamilyModel(family, weights))
    const names = new Set(h.tensors.map((t) => t.name))
    const meta = (k: string) => h.metadata.get(k)?.value
    expect(meta('general.architecture')).toBe(family === 'qwen2' ? 'qwen2' : 'llama')
    expect(names.has('output.weight')).toBe(false) // tied: the output projection is token_embd
    for (const b of ['attn_q.bias', 'attn_k.bias', 'attn_v.bias']) expect(names.has(`blk.0.${b}`)).toBe(family === 'qwen2')
    const typeOf = (n: string) => h.tensors.find((t) => t.name === n)!.type
    const wt = weights === 'q8_0' ? GGML_TYPE.Q8_0 : GGML_TYPE.F32
    expect([typeOf('token_embd.weight'), typeOf('blk.1.attn_q.weight'), typeOf('blk.1.ffn_down.weight')]).toEqual([wt, wt, wt])
    expect(typeOf('blk.0.attn_norm.weight')).toBe(GGML_TYPE.F32)
    const tokens = meta('tokenizer.ggml.tokens') as string[]
    for (const [text, id] of Object.entries(FAMILIES[family].ids)) expect(tokens[id]).toBe(text)
    expect(String(meta('tokenizer.chat_template'))).toContain(FAMILIES[family].endOfTurn)
  })
})

describe.each(cases)('generated %s %s', (family, weights) => {
  let lease: Awaited<ReturnType<typeof loadFamilyModel>>
  beforeAll(async () => {
    lease = await loadFamilyModel(llama, family, weights)
  })
  afterAll(async () => {
    await lease?.dispose()
  })

  it('special tokens tokenize to their ids; EOS is not the end of turn', () => {
    const { model } = lease
    const f = FAMILIES[family]
    const eot = model.tokenize(f.endOfTurn, true)
    expect(eot).toHaveLength(1)
    expect(model.detokenize(eot, true)).toBe(f.endOfTurn)
    expect(model.detokenize([model.tokens.eos!], true)).toBe(f.eos)
    expect(eot[0]).not.toBe(model.tokens.eos)
    expect(model.isEogToken(eot[0])).toBe(true)
    if (family === 'qwen2') expect(model.tokenize('<|im_start|>', true)).toEqual([FAMILIES.qwen2.ids['<|im_start|>']])
    else expect(model.tokens.bos).toBe(FAMILIES.llama3.ids['<|begin_of_text|>'])
  })

  it("chat: answers with a grammar-valid tool call, prompted in the family's own template", async () => {
    const r = await answerQuery({ lease, profile, query: 'What is the weather in Paris?', maxTokens: 60 })
    expect(r.parseError).toBeNull()
    expect(r.stopReason).toBe('complete')
    expect(profile.tools.map((t) => t.name)).toContain(r.call!.name)
    expect(JSON.parse(r.text)).toEqual(r.call)
    if (family === 'qwen2') {
      expect(r.prompt).toContain('<|im_start|>user\nWhat is the weather in Paris?<|im_end|>\n')
      expect(r.prompt.endsWith('<|im_start|>assistant\n')).toBe(true)
    } else {
      expect(r.prompt).toContain('<|start_header_id|>user<|end_header_id|>\n\nWhat is the weather in Paris?<|eot_id|>')
      expect(r.prompt.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n')).toBe(true)
    }
    // the stored prompt is the exact text: no "BOS"/"EOS" names, and it tokenizes back to what the model saw
    const p = renderPrompt({ lease, profile, query: 'What is the weather in Paris?' })
    expect(r.prompt).toBe(p.text)
    expect(r.prompt).not.toMatch(/BOS|EOS/)
    expect(lease.model.tokenize(r.prompt, true)).toEqual(p.tokens)
    if (family === 'llama3') expect(r.prompt.startsWith('<|begin_of_text|><|start_header_id|>system')).toBe(true)
    expect(chatWrapperFor(lease.model).wrapperName).toMatch(family === 'qwen2' ? /Qwen/ : /Llama 3/)
  })

  const renderCases: [string, PromptProfile, ChatExample][] = [
    ['a tool call', profile, { input: 'Set a timer for 5 minutes', call: { name: 'set_timer', arguments: { minutes: 5 } } }],
    ['a text answer', { systemPrompt: 'Be brief.', tools: [], allowText: true }, { input: 'Say hi', call: null, text: 'Hi there! 👋' }]
  ]
  it.each(renderCases)('rendering %s: training tokens == inference prompt tokens + answer + end of turn; the text tokenizes back', (_, prof, ex) => {
    const { model } = lease
    const f = FAMILIES[family]
    const r = renderExample(model, prof, ex)
    const prompt = renderPrompt({ lease, profile: prof, query: ex.input })
    const answer = ex.call ? callText(ex.call) : ex.text!
    const eot = model.tokenize(f.endOfTurn, true)
    expect(r.tokens).toEqual([...prompt.tokens, ...model.tokenize(answer, false, 'trimLeadingSpace'), ...eot])
    expect(r.tokens.at(-1)).not.toBe(model.tokens.eos) // <|im_end|> / <|eot_id|>, not <|endoftext|> / <|end_of_text|>
    expect(r.mask).toEqual(r.tokens.map((_t, i) => (i >= prompt.tokens.length ? 1 : 0)))
    expect(r.text).toBe(prompt.text + answer + f.endOfTurn)
    expect(r.text).not.toMatch(/BOS|EOS/)
    expect(model.tokenize(r.text, true)).toEqual(r.tokens)
  })

  it('trains a LoRA adapter (loss from the base NLL of answer + end of turn, falling) that reloads to the measured NLL', async () => {
    const { model } = lease
    const r = renderExample(model, profile, { input: 'Set a timer for 5 minutes', call: { name: 'set_timer', arguments: { minutes: 5 } } })
    const examples = [{ tokens: r.tokens, mask: r.mask }]
    let started: Extract<TrainerEvent, { type: 'started' }> | undefined
    const losses: number[] = []
    const result = await runTraining(
      {
        model: await ensureFamilyModel(family, weights),
        out: join(dir, `${family}-${weights}.gguf`),
        examples,
        lora: { rank: 4, alpha: 8, targets: ['attn_q', 'attn_v', 'ffn_up'], seed: 3 },
        optim: { lr: 1e-2, epochs: 6, warmup: 0, schedule: 'constant', weightDecay: 0 },
        threads: 1,
        evalAfter: true
      },
      { onEvent: (e) => (e.type === 'started' ? (started = e) : e.type === 'progress' && losses.push(e.loss)) }
    )
    expect(started?.architecture).toBe(family === 'qwen2' ? 'qwen2' : 'llama')
    expect(losses).toHaveLength(6)
    // LoRA B starts at zero, so step 1's loss is the base model's NLL of the labelled tokens
    expect(losses[0]).toBeCloseTo(await answerNll(lease.sequence, r.tokens, r.mask), 1)
    expect(result.finalLoss!).toBeLessThan(losses[0])
    // the adapter loads into the family model and gives the loss the trainer measured after training
    const ctx = await model.createContext({ contextSize: 512, threads: 1, lora: { adapters: [{ filePath: result.adapter }] } })
    try {
      const nll = await answerNll(ctx.getSequence(), r.tokens, r.mask)
      expect(Math.abs(nll - result.evalLoss!)).toBeLessThan(0.05 * Math.max(1, result.evalLoss!))
      expect(nll).toBeLessThan(losses[0])
    } finally {
      await ctx.dispose()
    }
  })
})
