import { getLlama, type Llama } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answerQuery } from '../../src/core/agent/answer'
import { chatWrapperFor } from '../../src/core/agent/wrapper'
import { readGgufHeader } from '../../src/core/models/gguf-read'
import { GGML_TYPE } from '../../src/core/models/gguf-types'
import { ensureFamilyModel, FAMILIES, loadFamilyModel, type Family, type FamilyWeights } from '../fixtures/family-models'

// Random weights answer gibberish: these tests check mechanics (tokenizer, template, grammar), never quality.
const profile = {
  systemPrompt: 'You are a helpful assistant.',
  allowText: false,
  tools: [
    { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object' as const, properties: { city: { type: 'string', enum: ['Paris', 'Oslo'] } }, required: ['city'] } },
    { name: 'set_timer', description: 'Start a timer', parameters: { type: 'object' as const, properties: { minutes: { type: 'integer', enum: [1, 5] } }, required: ['minutes'] } }
  ]
}
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
    expect(chatWrapperFor(lease.model).wrapperName).toMatch(family === 'qwen2' ? /Qwen/ : /Llama 3/)
  })
})
