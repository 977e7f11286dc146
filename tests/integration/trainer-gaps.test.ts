/**
 * The gaps docs/trainer.md says are closed, each checked against the real trainer binary on CPU:
 * packed examples train exactly as if each were alone (document mask), masked-out tokens carry neither loss
 * nor gradient, attn_k/attn_v get gradients, a 28-layer model with every target fits the graph budget, F16 and Q4_0 bases train on the CPU,
 * and a GEGLU (Gemma) architecture is refused before the model is loaded.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readGgufHeader } from '../../src/core/models/gguf-read'
import { kv, writeGguf } from '../../src/core/models/gguf-write'
import type { GgufKv } from '../../src/core/models/gguf-types'
import { runTraining, TrainerError, trainerStatus, type TrainerEvent } from '../../src/core/trainer/client'
import { renderExample } from '../../src/core/trainer/render'
import type { TrainExample, TrainJob } from '../../src/core/trainer/protocol'
import { readF32Tensors } from '../fixtures/corrupt-models'
import { tempDir } from '../fixtures/engine'
import { answerNll } from '../fixtures/nll'
import { ensureTestModel } from '../fixtures/test-models'

const TARGETS = ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down']
const profile = {
  systemPrompt: 'You are a helpful assistant.',
  tools: [
    { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } },
    { name: 'play_music', description: 'Play a song', parameters: { type: 'object' as const, properties: { song: { type: 'string' } }, required: ['song'] } }
  ]
}

/** All B (or A) tensors of an adapter file, by name. */
async function adapterTensors(path: string, suffix: '.lora_a' | '.lora_b'): Promise<Map<string, Float32Array>> {
  const h = await readGgufHeader(path)
  const buf = readFileSync(path)
  const out = new Map<string, Float32Array>()
  for (const t of h.tensors.filter((x) => x.name.endsWith(suffix))) {
    const n = t.dims.reduce((a, b) => a * b, 1)
    const start = buf.byteOffset + h.dataOffset + t.offset
    out.set(t.name, new Float32Array(buf.buffer.slice(start, start + 4 * n)))
  }
  return out
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** Answer tokens that count in the loss: positions i+1 with mask 1 (the first token is never predicted). */
const labelCount = (ex: TrainExample) => ex.mask.slice(1).filter((m) => m === 1).length

describe('native LoRA trainer: closed gaps', () => {
  let llama: Llama
  let model: LlamaModel
  let modelPath: string
  let exA: TrainExample
  let exB: TrainExample
  let more: TrainExample[]
  const dir = tempDir('trainer-gaps-')
  beforeAll(async () => {
    expect(trainerStatus().available, trainerStatus().reason ?? '').toBe(true)
    modelPath = await ensureTestModel()
    llama = await getLlama({ gpu: false })
    model = await llama.loadModel({ modelPath })
    exA = renderExample(model, profile, { input: 'Put on some jazz please', call: { name: 'play_music', arguments: { song: 'jazz' } } })
    exB = renderExample(model, profile, {
      input: 'I am flying out tomorrow morning and would like to know whether I should pack an umbrella for Lisbon',
      call: { name: 'get_weather', arguments: { city: 'Lisbon' } }
    })
    more = [
      renderExample(model, profile, { input: 'Weather in Oslo?', call: { name: 'get_weather', arguments: { city: 'Oslo' } } }),
      renderExample(model, profile, { input: 'play something by Miles Davis', call: { name: 'play_music', arguments: { song: 'So What' } } }),
      renderExample(model, profile, { input: 'is it cold in Reykjavik right now', call: { name: 'get_weather', arguments: { city: 'Reykjavik' } } })
    ]
  })
  afterAll(async () => {
    await model?.dispose()
  })

  const job = (examples: TrainExample[], over: Partial<TrainJob> = {}): TrainJob => ({
    model: modelPath,
    out: join(dir, `a-${Math.random().toString(36).slice(2)}.gguf`),
    examples: examples.map((e) => ({ tokens: e.tokens, mask: e.mask })),
    lora: { rank: 4, alpha: 8, targets: TARGETS, seed: 3 },
    optim: { lr: 5e-3, epochs: 3, schedule: 'constant' },
    threads: 1,
    ...over
  })

  it('packs examples of different lengths into one window, each seen exactly as if it were alone', async () => {
    const all = [exA, exB, ...more]
    expect(new Set(all.map((e) => e.tokens.length)).size).toBeGreaterThan(2)
    const losses: number[] = []
    const result = await runTraining(job(all, { optim: { lr: 1e-3, epochs: 1 } }), {
      onEvent: (e: TrainerEvent) => e.type === 'progress' && losses.push(e.loss)
    })
    expect(result.started.windows).toBeLessThan(all.length) // some window holds several examples
    expect(result.started.tokens).toBe(all.reduce((n, e) => n + e.tokens.length, 0))
    // B starts at zero, so the first step's loss is the base model's: it must equal the NLL of each example
    // evaluated ALONE from position 0 (without the document mask a later example would see the earlier ones)
    const ctx = await model.createContext({ contextSize: 512, threads: 1 })
    const seq = ctx.getSequence()
    let sum = 0
    for (const ex of all) sum += (await answerNll(seq, ex.tokens, ex.mask)) * labelCount(ex)
    await ctx.dispose()
    const expected = sum / all.reduce((n, e) => n + labelCount(e), 0)
    expect(Math.abs(losses[0] - expected)).toBeLessThan(2e-3)
  })

  it('trains windows with different numbers of answer tokens (only answer rows are outputs, so the batch size varies)', async () => {
    const all = [exA, exB, ...more]
    const answers = all.map(labelCount)
    expect(new Set(answers).size).toBeGreaterThan(1)
    const result = await runTraining(job(all, { maxContext: 256, optim: { lr: 1e-3, epochs: 2, schedule: 'constant' } }))
    expect(result.started.windows).toBeGreaterThan(1)
    expect(result.losses.length).toBe(2 * result.started.windows)
    for (const l of result.losses) expect(Number.isFinite(l.loss) && l.loss > 0).toBe(true)
  })

  it('a masked-out token changes neither the losses nor the trained adapter; an answer token does', async () => {
    // two trailing tokens outside the answer (mask 0): with a working mask nothing depends on their values
    const withTail = (tail: number[], ex = exA): TrainExample => ({ tokens: [...ex.tokens, ...tail], mask: [...ex.mask, 0, 0] })
    const train = async (ex: TrainExample) => {
      const r = await runTraining(job([ex], { optim: { lr: 5e-3, epochs: 3, schedule: 'constant' } }))
      return { losses: r.losses.map((l) => l.loss), b: await adapterTensors(r.adapter, '.lora_b') }
    }
    const one = await train(withTail([1000, 2000]))
    const two = await train(withTail([31000, 7]))
    expect(one.losses.length).toBe(3)
    for (let i = 0; i < 3; i++) expect(Math.abs(one.losses[i] - two.losses[i])).toBeLessThan(1e-6)
    for (const [name, v] of one.b) expect(maxAbsDiff(v, two.b.get(name)!), name).toBeLessThan(1e-7)
    // control: changing the last ANSWER token (before the tail) does change the training
    const changed = { ...exA, tokens: [...exA.tokens] }
    const lastAnswer = changed.mask.lastIndexOf(1)
    changed.tokens[lastAnswer] = changed.tokens[lastAnswer] === 1000 ? 1001 : 1000
    const three = await train(withTail([1000, 2000], changed))
    const diffs = [...one.b].map(([name, v]) => maxAbsDiff(v, three.b.get(name)!))
    expect(Math.max(...diffs)).toBeGreaterThan(1e-5)
  })

  it('attn_k and attn_v get real gradients, and the adapter reloads in node-llama-cpp to the NLL the trainer measured', async () => {
    const result = await runTraining(job([exA], { lora: { rank: 4, alpha: 8, targets: ['attn_k', 'attn_v'], seed: 5 }, optim: { lr: 1e-2, epochs: 6, schedule: 'constant' }, evalAfter: true }))
    const b = await adapterTensors(result.adapter, '.lora_b')
    expect([...b.keys()].sort()).toEqual(['blk.0.attn_k.weight.lora_b', 'blk.0.attn_v.weight.lora_b', 'blk.1.attn_k.weight.lora_b', 'blk.1.attn_v.weight.lora_b'])
    for (const [name, v] of b) expect(Math.max(...v.map(Math.abs)), name).toBeGreaterThan(1e-3)
    expect(result.finalLoss).toBeLessThan(result.losses[0].loss)
    // the trainer reads K/V from the batch, inference from the KV cache: the same numbers
    const ctx = await model.createContext({ contextSize: 512, threads: 1, lora: { adapters: [{ filePath: result.adapter }] } })
    const nll = await answerNll(ctx.getSequence(), exA.tokens, exA.mask)
    await ctx.dispose()
    expect(result.evalLoss).not.toBeNull()
    expect(Math.abs(nll - result.evalLoss!)).toBeLessThan(1e-3 * Math.max(1, nll))
  })

  it('trains a 28-layer model with every target within the graph budget', async () => {
    const deep = await ensureTestModel({ layers: 28 })
    const result = await runTraining({ ...job([exA], { optim: { lr: 5e-3, epochs: 2, schedule: 'constant' } }), model: deep })
    expect(result.started.adapterTensors).toBe(28 * TARGETS.length * 2)
    expect(result.losses.length).toBe(2)
    const b = await adapterTensors(result.adapter, '.lora_b')
    expect(b.size).toBe(28 * TARGETS.length)
    for (const [name, v] of b) expect(Math.max(...v.map(Math.abs)), name).toBeGreaterThan(0)
  })

  it('trains an F16 base on the CPU (frozen F16 weights in the backward pass)', async () => {
    const f16 = await ensureTestModel({ weightType: 'f16' })
    const result = await runTraining({ ...job([exA], { optim: { lr: 5e-3, epochs: 8, schedule: 'constant' } }), model: f16 })
    expect(result.started.backend).toBe('cpu')
    expect(result.finalLoss).toBeLessThan(result.losses[0].loss * 0.7)
  })

  it('trains a Q4_0 base on the CPU (ggml-cpu repacks Q4_0 into a layout that has no backward pass: the trainer loads without it)', async () => {
    const q4 = await ensureTestModel({ weightType: 'q4_0' })
    const result = await runTraining({ ...job([exA], { optim: { lr: 5e-3, epochs: 8, schedule: 'constant' } }), model: q4 })
    expect(result.started.backend).toBe('cpu')
    expect(result.finalLoss).toBeLessThan(result.losses[0].loss * 0.7)
  })

  it('trains against a cached F32 copy of an F16 base (the GPU path where OUT_PROD is F32-only), reused next time', async () => {
    const f16 = await ensureTestModel({ weightType: 'f16' })
    const cacheDir = join(dir, 'f32-cache')
    const base = { ...job([exA], { optim: { lr: 5e-3, epochs: 2, schedule: 'constant' } }), model: f16 }
    const direct = await runTraining(base)
    expect(direct.started.baseCopy).toBeNull()
    const first = await runTraining({ ...base, f32Copy: 'always', cacheDir })
    const copy = first.started.baseCopy!
    expect(copy.reused).toBe(false)
    const h = await readGgufHeader(copy.path)
    const src = await readGgufHeader(f16)
    expect(h.tensors.map((t) => t.name)).toEqual(src.tensors.map((t) => t.name))
    expect(h.tensors.filter((t) => t.name.startsWith('blk.') && t.dims.length === 2).every((t) => t.type === 0)).toBe(true) // F32
    expect(src.tensors.some((t) => t.type === 1)).toBe(true) // the source had F16 weights
    // F16 -> F32 is exact, so training on the copy starts from the same base loss
    expect(Math.abs(first.losses[0].loss - direct.losses[0].loss)).toBeLessThan(1e-3)
    const bad = await runTraining({ ...base, f32Copy: 'sometimes' as never }).catch((e: unknown) => e)
    expect(bad).toMatchObject({ kind: 'bad_input', message: expect.stringMatching(/f32Copy must be auto, always or never/) })
    const again = await runTraining({ ...base, f32Copy: 'always', cacheDir })
    expect(again.started.baseCopy).toMatchObject({ path: copy.path, reused: true })
    // the adapter trained on the copy loads on the original F16 model
    const f16Model = await llama.loadModel({ modelPath: f16 })
    const ctx = await f16Model.createContext({ contextSize: 512, threads: 1, lora: { adapters: [{ filePath: again.adapter }] } })
    await ctx.dispose()
    await f16Model.dispose()
  })

  it('refuses a GEGLU architecture (Gemma) before loading the model', async () => {
    // a well-formed GGUF that says it is gemma2 (the weights are the tiny llama's: loading it would fail,
    // so the error kind proves the refusal came first, from the header alone)
    const { metadata, tensors } = await readF32Tensors(modelPath)
    const meta = new Map<string, GgufKv>()
    for (const [k, v] of metadata) {
      if (k === 'general.architecture') meta.set(k, kv.str('gemma2'))
      else meta.set(k.startsWith('llama.') ? `gemma2.${k.slice('llama.'.length)}` : k, v)
    }
    const gemma = join(dir, 'gemma2.gguf')
    await writeGguf(gemma, meta, tensors)
    const events: string[] = []
    const err = await runTraining({ ...job([exA]), model: gemma }, { onEvent: (e) => events.push(e.type) }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TrainerError)
    expect((err as TrainerError).kind).toBe('unsupported')
    expect((err as Error).message).toMatch(/gemma2 .*GEGLU.*no backward pass/)
    expect(events).not.toContain('started')
  })
})
