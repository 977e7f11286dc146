import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readGgufHeader } from '../../src/core/models/gguf-read'
import { runTraining, TrainerError, trainerStatus } from '../../src/core/trainer/client'
import { renderExample } from '../../src/core/trainer/render'
import type { TrainJob } from '../../src/core/trainer/protocol'
import { answerQuery } from '../../src/core/agent/answer'
import { tempDir } from '../fixtures/engine'
import { answerNll } from '../fixtures/nll'
import { ensureTestModel } from '../fixtures/test-models'

const TARGETS = ['attn_q', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down']
const profile = {
  systemPrompt: 'You are a helpful assistant.',
  tools: [
    { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } },
    { name: 'play_music', description: 'Play a song', parameters: { type: 'object' as const, properties: { song: { type: 'string' } }, required: ['song'] } }
  ]
}
const example = { input: 'Put on some jazz please', call: { name: 'play_music', arguments: { song: 'jazz' } } }

/** Reads an F32 tensor's values from a GGUF file. */
async function tensorValues(path: string, name: string): Promise<Float32Array> {
  const h = await readGgufHeader(path)
  const t = h.tensors.find((x) => x.name === name)!
  const n = t.dims.reduce((a, b) => a * b, 1)
  const buf = readFileSync(path)
  return new Float32Array(buf.buffer.slice(buf.byteOffset + h.dataOffset + t.offset, buf.byteOffset + h.dataOffset + t.offset + n * 4))
}

describe('native LoRA trainer', () => {
  let llama: Llama
  let model: LlamaModel
  let modelPath: string
  const dir = tempDir('trainer-')
  beforeAll(async () => {
    expect(trainerStatus().available, trainerStatus().reason ?? '').toBe(true)
    modelPath = await ensureTestModel()
    llama = await getLlama({ gpu: false })
    model = await llama.loadModel({ modelPath })
  })
  afterAll(async () => {
    await model?.dispose()
  })

  const job = (over: Partial<TrainJob> = {}): TrainJob => {
    const r = renderExample(model, profile, example)
    return {
      model: modelPath,
      out: join(dir, `a-${Math.random().toString(36).slice(2)}.gguf`),
      examples: [{ tokens: r.tokens, mask: r.mask }],
      lora: { rank: 4, alpha: 8, targets: TARGETS, seed: 7 },
      optim: { lr: 5e-3, epochs: 12, warmup: 0, schedule: 'constant', weightDecay: 0 },
      threads: 1,
      ...over
    }
  }

  it('renders examples with the chat template: only the answer (and end marker) is labelled', () => {
    const r = renderExample(model, profile, example)
    const firstAnswer = r.mask.indexOf(1)
    expect(firstAnswer).toBeGreaterThan(10)
    expect(r.mask.slice(firstAnswer).every((m) => m === 1)).toBe(true)
    expect(model.detokenize(r.tokens.slice(firstAnswer) as never)).toContain('{"name":"play_music","arguments":{"song":"jazz"}}')
    expect(model.detokenize(r.tokens.slice(0, firstAnswer) as never)).toContain('Put on some jazz please')
  })

  it('trains: loss falls, every target B moves off zero, the first loss is the base NLL of the answer tokens only', async () => {
    const j = job()
    const progress: number[] = []
    const result = await runTraining(j, { onEvent: (e) => e.type === 'progress' && progress.push(e.loss) })
    expect(progress.length).toBe(12)
    // where it trained: this machine has no GPU; ggml's backends came from node-llama-cpp's packages (hybrid build)
    expect(result.started.placement).toEqual({ device: 'cpu', f32Copy: false, cpuOps: [], reason: 'no GPU backend is available' })
    expect(result.started.ggmlBackend).toBe('CPU')
    if (trainerStatus().backend === 'hybrid') expect(result.started.backendDir).toMatch(/@node-llama-cpp/)
    expect(result.finalLoss).toBeLessThan(progress[0] * 0.7)
    // B starts at zero, so step 1's loss is the base model's: compare with an independent node-llama-cpp NLL
    const ctx = await model.createContext({ contextSize: 512, threads: 1 })
    const baseNll = await answerNll(ctx.getSequence(), j.examples[0].tokens, j.examples[0].mask)
    await ctx.dispose()
    expect(progress[0]).toBeCloseTo(baseNll, 1)
    const h = await readGgufHeader(result.adapter)
    expect(h.metadata.get('general.type')?.value).toBe('adapter')
    const bNames = h.tensors.filter((t) => t.name.endsWith('.lora_b')).map((t) => t.name)
    expect(bNames.length).toBe(2 * TARGETS.length) // 2 layers x 5 targets
    for (const name of bNames) {
      const v = await tensorValues(result.adapter, name)
      expect(Math.max(...v.map(Math.abs)), name).toBeGreaterThan(0)
    }
  })

  it('the saved adapter reloads in node-llama-cpp to the NLL the trainer measured', async () => {
    const result = await runTraining(job({ evalAfter: true }))
    expect(result.evalLoss).not.toBeNull()
    const ctx = await model.createContext({ contextSize: 512, threads: 1, lora: { adapters: [{ filePath: result.adapter }] } })
    const j = job()
    const nll = await answerNll(ctx.getSequence(), j.examples[0].tokens, j.examples[0].mask)
    await ctx.dispose()
    expect(Math.abs(nll - result.evalLoss!)).toBeLessThan(0.05 * Math.max(1, result.evalLoss!))
  })

  it('after training on one example the agent answers it greedily, where the base model did not', async () => {
    // The argument is an enum so the grammar keeps the tiny random model on valid calls; the target is an
    // answer the base model does NOT give, so only training can produce it.
    const musicProfile = {
      systemPrompt: 'You are a helpful assistant.',
      tools: [
        { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } },
        { name: 'play_music', description: 'Play music', parameters: { type: 'object' as const, properties: { genre: { type: 'string', enum: ['jazz', 'rock', 'blues'] } }, required: ['genre'] } }
      ]
    }
    const query = 'Put on some music please'
    const answer = async (adapter?: string) => {
      const context = await model.createContext({ contextSize: 512, threads: 1, lora: adapter ? { adapters: [{ filePath: adapter }] } : undefined })
      const lease = { model, context, sequence: context.getSequence(), release: () => undefined }
      const r = await answerQuery({ lease, profile: musicProfile, query, maxTokens: 40 })
      await context.dispose()
      return r
    }
    const before = await answer()
    const baseGenre = before.call?.name === 'play_music' ? before.call.arguments.genre : null
    const target = { name: 'play_music', arguments: { genre: ['jazz', 'rock', 'blues'].find((g) => g !== baseGenre)! } }
    expect(before.call).not.toEqual(target)
    const r = renderExample(model, musicProfile, { input: query, call: target })
    const result = await runTraining(job({ examples: [{ tokens: r.tokens, mask: r.mask }], optim: { lr: 5e-3, epochs: 40, schedule: 'cosine' } }))
    const after = await answer(result.adapter)
    expect(after.call, `${after.text} (${after.parseError})`).toEqual(target)
  })

  it('cancel stops the trainer promptly and reports it as cancelled', async () => {
    const ac = new AbortController()
    let pid = 0
    const p = runTraining(job({ optim: { epochs: 1000, lr: 1e-3 } }), {
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'started') pid = e.pid
        if (e.type === 'progress' && e.step === 3) ac.abort()
      }
    })
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' })
    expect(() => process.kill(pid, 0)).toThrow() // the process is gone
  })

  it('a trainer killed with SIGKILL reaches the caller as a clear error', async () => {
    const j = job({ optim: { epochs: 1000, lr: 1e-3 } })
    const p = runTraining(j, {
      onEvent: (e) => {
        if (e.type === 'started') process.kill(e.pid, 'SIGKILL')
      }
    })
    await expect(p).rejects.toThrow(/killed by SIGKILL/)
    expect(existsSync(j.out)).toBe(false)
  })

  it('refuses bad inputs with clear messages', async () => {
    const expectError = async (j: TrainJob, re: RegExp, kind = 'bad_input') => {
      const err = await runTraining(j).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(TrainerError)
      expect((err as TrainerError).kind).toBe(kind)
      expect((err as Error).message).toMatch(re)
    }
    await expectError(job({ model: join(dir, 'missing.gguf') }), /base model file was not found/)
    await expectError(job({ examples: [] }), /no examples/)
    const long = Array.from({ length: 3000 }, (_, i) => 100 + (i % 500))
    await expectError(job({ examples: [{ tokens: long, mask: long.map(() => 1) }], maxContext: 2048 }), /3000 tokens, longer than the training context of 2048/)
    await expectError(job({ lora: { targets: ['attn_q', 'mlp_magic'] } }), /unknown LoRA target "mlp_magic" \(supported: attn_q, attn_k, attn_v,/)
    // an adapter made for another model (different width) to continue from
    const other = await ensureTestModel({ embd: 32, ff: 64, name: 'other' })
    const otherAdapter = (await runTraining({ ...job(), model: other, examples: [{ tokens: [1, 5, 6, 7], mask: [0, 0, 1, 1] }], optim: { epochs: 1 } })).adapter
    await expectError(job({ initAdapter: otherAdapter }), /does not fit this model/)
  })
})
