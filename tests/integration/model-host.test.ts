import { totalmem } from 'node:os'
import { join } from 'node:path'
import type { LlamaContextSequence, Token } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adapterMismatch } from '../../src/core/models/adapter-check'
import { readGgufHeader } from '../../src/core/models/gguf-read'
import { GGML_TYPE } from '../../src/core/models/gguf-types'
import { createModelHost } from '../../src/core/models/host'
import { isKnownArchitecture } from '../../src/core/models/llama-archs'
import type { ModelHost } from '../../src/core/models/types'
import { writeTestAdapter } from '../fixtures/adapters'
import { writeCorruptModel, type CorruptKind } from '../fixtures/corrupt-models'
import { tempDir } from '../fixtures/engine'
import { answerNll } from '../fixtures/nll'
import { ensureTestModel } from '../fixtures/test-models'

const dir = tempDir('model-host-')

async function greedy(sequence: LlamaContextSequence, tokens: Token[], n: number): Promise<Token[]> {
  await sequence.eraseContextTokenRanges([{ start: 0, end: sequence.nextTokenIndex }])
  const out: Token[] = []
  for await (const t of sequence.evaluate(tokens, { temperature: 0 })) {
    out.push(t)
    if (out.length >= n) break
  }
  await sequence.eraseContextTokenRanges([{ start: 0, end: sequence.nextTokenIndex }])
  return out
}

describe('model host (node-llama-cpp, CPU) on generated models', () => {
  let host: ModelHost
  let modelPath: string
  beforeAll(async () => {
    modelPath = await ensureTestModel()
    host = createModelHost({ gpu: 'cpu', threads: 1, maxAdaptersPerLoad: 2 })
  })
  afterAll(async () => host?.dispose())

  it('reports the CPU backend with the reason', async () => {
    const g = await host.gpuReport()
    expect(g.backend).toBe('cpu')
    expect(g.deviceNames).toEqual([])
    expect(g.vramTotalBytes).toBeNull()
    expect(g.cpuReason).toMatch(/forced|turned off/)
    expect(g.ramTotalBytes).toBe(totalmem())
    expect(g.ramFreeBytes).toBeGreaterThan(0)
  })

  it('loads the model with progress and generates varied tokens from the real tokenizer', async () => {
    const progress: number[] = []
    const info = await host.load('m1', modelPath, { contextSize: 512, onProgress: (p) => progress.push(p) })
    expect(info).toMatchObject({ modelId: 'm1', contextSize: 512, gpuLayers: 0, backend: 'cpu' })
    // node-llama-cpp reports load progress asynchronously; for a 17 MB file it may finish before any report
    for (let i = 0; i < progress.length; i++) {
      expect(progress[i]).toBeGreaterThanOrEqual(i ? progress[i - 1] : 0)
      expect(progress[i]).toBeLessThanOrEqual(1)
    }
    expect(host.loaded()?.path).toBe(modelPath)
    const lease = await host.acquire()
    try {
      const prompt = lease.model.tokenize('The weather in Paris is')
      expect(lease.model.detokenize(prompt)).toBe('The weather in Paris is')
      const out = await greedy(lease.sequence, prompt, 8)
      expect(out).toHaveLength(8)
      expect(new Set(out).size).toBeGreaterThan(1)
      expect(await greedy(lease.sequence, prompt, 8)).toEqual(out) // greedy decoding is deterministic
    } finally {
      lease.release()
    }
  })

  it('serialises access: a second acquire waits for the first release', async () => {
    const order: string[] = []
    const first = await host.acquire()
    const second = host.acquire().then((l) => {
      order.push('second acquired')
      return l
    })
    await new Promise((r) => setTimeout(r, 50))
    order.push('first released')
    first.release()
    ;(await second).release()
    expect(order).toEqual(['first released', 'second acquired'])
  })

  const refusals: [CorruptKind, string, RegExp][] = [
    ['truncated', 'bad_gguf', /damaged: tensor .* extends past the end of the file .*truncated.*Download it again/],
    ['header-only', 'bad_gguf', /not a usable GGUF model: file ends early/],
    ['garbage', 'bad_gguf', /not a usable GGUF model: not a GGUF file \(wrong magic bytes\)/],
    ['bad-version', 'bad_gguf', /GGUF version 7 is not supported/],
    ['unknown-arch', 'unsupported_arch', /architecture "frobnicator" is not supported by the bundled llama\.cpp/],
    ['adapter', 'bad_gguf', /LoRA adapter, not a model/]
  ]
  for (const [kind, code, message] of refusals) {
    it(`refuses a ${kind} model file with a clear message and keeps the loaded model`, async () => {
      const path = await writeCorruptModel(join(dir, `${kind}.gguf`), kind)
      const err = await host.load('bad', path).catch((e) => e)
      expect(err.name).toBe('UserError')
      expect(err.code).toBe(code)
      expect(err.message).toMatch(message)
      expect(host.loaded()?.modelId).toBe('m1')
    })
  }

  it("knows every architecture node-llama-cpp knows, and refuses unknown ones", async () => {
    const nlc = (await import('node-llama-cpp')) as unknown as { GgufArchitectureType: Record<string, string> }
    const names = Object.values(nlc.GgufArchitectureType).filter((n) => n !== '(unknown)')
    expect(names.length).toBeGreaterThan(50)
    for (const n of names) expect(isKnownArchitecture(n)).toBe(true)
    expect(isKnownArchitecture('frobnicator')).toBe(false)
  })

  it('refuses mismatched adapters before llama.cpp sees them, and keeps working', async () => {
    const cases: [string, Parameters<typeof writeTestAdapter>[2], RegExp][] = [
      ['arch', { arch: 'qwen2' }, /made for the qwen2 architecture, the loaded model is llama/],
      ['shape', { widen: 8 }, /has shape A 72x4.* but the model's weight is 64x64 \(an adapter for another model size\?\)/],
      ['bogus', { bogusTarget: true }, /changes blk\.0\.attn_q_extra\.weight, which this model does not have/]
    ]
    for (const [name, opts, message] of cases) {
      const path = await writeTestAdapter(modelPath, join(dir, `bad-${name}.gguf`), opts)
      const err = await host.acquire({ adapters: [{ path }] }).catch((e) => e)
      expect(err.code, name).toBe('adapter_mismatch')
      expect(err.message).toMatch(message)
    }
    const notAdapter = await host.acquire({ adapters: [{ path: modelPath }] }).catch((e) => e)
    expect(notAdapter.message).toMatch(/not a LoRA adapter/)
    const missing = await host.acquire({ adapters: [{ path: join(dir, 'nope.gguf') }] }).catch((e) => e)
    expect(missing.message).toMatch(/cannot be opened/)
    // quantized adapters are refused (only F32/F16 are supported by the check)
    const good = await readGgufHeader(await writeTestAdapter(modelPath, join(dir, 'q.gguf')))
    const quantized = { ...good, tensors: good.tensors.map((t) => ({ ...t, type: GGML_TYPE.Q8_0 })) }
    expect(adapterMismatch(quantized, await readGgufHeader(modelPath))).toMatch(/type Q8_0; only F32 and F16/)
    const lease = await host.acquire()
    expect(lease.context).toBeTruthy()
    lease.release()
  })

  it('attaches a valid adapter (F32 or F16): it changes the likelihoods, and removing it restores them', async () => {
    const text = 'Paris is the capital of France and the weather there is mild.'
    const nll = async (adapters: { path: string; scale?: number }[]) => {
      const lease = await host.acquire({ adapters })
      try {
        const tokens = lease.model.tokenize(text)
        return await answerNll(lease.sequence, tokens, tokens.map((_, i) => (i > 0 ? 1 : 0)))
      } finally {
        lease.release()
      }
    }
    const base = await nll([])
    const a32 = await writeTestAdapter(modelPath, join(dir, 'ok32.gguf'), { seed: 3 })
    const withAdapter = await nll([{ path: a32 }])
    expect(Number.isFinite(withAdapter)).toBe(true)
    expect(Math.abs(withAdapter - base)).toBeGreaterThan(1e-3)
    expect(await nll([{ path: a32, scale: 0 }])).toBeCloseTo(base, 4)
    expect(await nll([])).toBeCloseTo(base, 6)
    const a16 = await writeTestAdapter(modelPath, join(dir, 'ok16.gguf'), { seed: 3, type: 'f16' })
    expect(await nll([{ path: a16 }])).toBeCloseTo(withAdapter, 2)
  })

  it('cancels a load or an acquire through its AbortSignal', async () => {
    const waiting = await host.acquire({ signal: AbortSignal.abort() }).catch((e) => e)
    expect(waiting.code).toBe('cancelled')
    const err = await host.load('m3', modelPath, { contextSize: 512, signal: AbortSignal.abort() }).catch((e) => e)
    expect(err.code).toBe('cancelled')
    expect(err.message).toMatch(/cancelled/)
    expect(host.loaded()).toBeNull()
  })

  it('recycles the model after maxAdaptersPerLoad distinct adapters so adapter memory stays bounded', async () => {
    await host.load('m1', modelPath, { contextSize: 512 })
    const models: unknown[] = []
    for (let i = 0; i < 5; i++) {
      const path = await writeTestAdapter(modelPath, join(dir, `cycle-${i}.gguf`), { seed: 10 + i, std: 0.1 })
      const lease = await host.acquire({ adapters: [{ path }] })
      models.push(lease.model)
      lease.release()
    }
    // limit 2: adapters 0,1 on the first load; 2,3 after one recycle; 4 after another
    expect(models[1]).toBe(models[0])
    expect(models[2]).not.toBe(models[1])
    expect(models[3]).toBe(models[2])
    expect(models[4]).not.toBe(models[3])
    expect(host.loaded()?.modelId).toBe('m1')
  })

  it('says how much memory is needed when the context does not fit (node-llama-cpp estimate)', async () => {
    // a host whose node-llama-cpp keeps all of this machine's RAM in reserve: nothing fits
    const starved = createModelHost({ gpu: 'cpu', threads: 1, ramPadding: totalmem() })
    try {
      await starved.load('m2', modelPath, { contextSize: 2048 })
      const err = await starved.acquire().catch((e) => e)
      expect(err.code).toBe('out_of_memory')
      expect(err.message).toMatch(
        /^Not enough memory for a 2048-token context: it needs about [\d.]+ MB of RAM \([\d.]+ MB weights \+ [\d.]+ MB for a 2048-token context\) with [\d.]+ [MGT]B free \([\d.]+ [MGT]B of it kept in reserve\)\. .*lower the context size/
      )
    } finally {
      await starved.dispose()
    }
  })
})
