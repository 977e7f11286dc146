import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { getLlama, type LlamaModel } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventLines, runTraining, trainerStatus } from '../../src/core/trainer/client'
import type { TrainJob } from '../../src/core/trainer/protocol'
import { renderExample } from '../../src/core/trainer/render'
import { TrainerWorker } from '../../src/core/trainer/worker'
import { tempDir } from '../fixtures/engine'
import { alive } from '../fixtures/process'
import { ensureTestModel } from '../fixtures/test-models'

const profile = {
  systemPrompt: 'You are a helpful assistant.',
  tools: [{ name: 'play_music', description: 'Play a song', parameters: { type: 'object' as const, properties: { song: { type: 'string' } } } }]
}
const waitFor = async (cond: () => boolean, ms = 10_000) => {
  for (const t0 = Date.now(); !cond() && Date.now() - t0 < ms; ) await new Promise((r) => setTimeout(r, 50))
  return cond()
}

describe('warm trainer worker (autodidact-trainer --serve)', () => {
  let model: LlamaModel
  let modelPath: string
  let otherModelPath: string
  const dir = tempDir('worker-')
  const worker = new TrainerWorker({ idleMs: 60_000 })
  beforeAll(async () => {
    expect(trainerStatus().available, trainerStatus().reason ?? '').toBe(true)
    modelPath = await ensureTestModel()
    otherModelPath = await ensureTestModel({ seed: 5 })
    model = await (await getLlama({ gpu: false })).loadModel({ modelPath })
  })
  afterAll(async () => {
    await worker.dispose()
    await model?.dispose()
  })

  const job = (over: Partial<TrainJob> = {}): TrainJob => {
    const r = renderExample(model, profile, { input: 'Put on some jazz please', call: { name: 'play_music', arguments: { song: 'jazz' } } })
    return {
      model: modelPath,
      out: join(dir, `a-${Math.random().toString(36).slice(2)}.gguf`),
      examples: [{ tokens: r.tokens, mask: r.mask }],
      lora: { rank: 4, alpha: 8, seed: 7 },
      optim: { lr: 5e-3, epochs: 4, warmup: 0, schedule: 'constant', weightDecay: 0 },
      threads: 1,
      ...over
    }
  }

  it('trains consecutive jobs in one process on the loaded base, with the losses of a one-job process', async () => {
    const first = await worker.run(job())
    const second = await worker.run(job())
    expect(second.started.pid).toBe(first.started.pid)
    expect([first.started.modelReused, second.started.modelReused]).toEqual([false, true])
    expect([first.started.jobIndex, second.started.jobIndex]).toEqual([1, 2])
    expect(existsSync(second.adapter)).toBe(true)
    const alone = await runTraining(job())
    expect(alone.started.jobIndex).toBe(1)
    expect(second.losses).toHaveLength(alone.losses.length)
    second.losses.forEach((l, i) => expect(Math.abs(l.loss - alone.losses[i].loss)).toBeLessThan(1e-4))
    // a job for another model loads that one instead
    const other = await worker.run(job({ model: otherModelPath }))
    expect(other.started.pid).toBe(first.started.pid)
    expect(other.started.modelReused).toBe(false)
  })

  it('a later job on the reused base may use a longer window than the first job had', async () => {
    // llama.cpp's opt_init wrote the first job's window into the model's n_ctx_train, so every later job on
    // the same loaded base was capped at it (a longer example failed as bad_input)
    const w = new TrainerWorker({ idleMs: 60_000 })
    try {
      const short = await w.run(job())
      expect(short.started.windowTokens).toBe(256)
      const r = renderExample(model, profile, { input: 'Put on some jazz please, something calm for the evening. '.repeat(40), call: { name: 'play_music', arguments: { song: 'jazz' } } })
      expect(r.tokens.length).toBeGreaterThan(512)
      const long = await w.run(job({ examples: [{ tokens: r.tokens, mask: r.mask }], optim: { lr: 5e-3, epochs: 1 } }))
      expect(long.started.pid).toBe(short.started.pid)
      expect(long.started.modelReused).toBe(true)
      expect(long.started.windowTokens).toBeGreaterThan(512)
      // and back to a short window on the same base, training as a one-job process does
      const again = await w.run(job())
      expect(again.started.modelReused).toBe(true)
      expect(again.started.windowTokens).toBe(256)
      again.losses.forEach((l, i) => expect(Math.abs(l.loss - short.losses[i].loss)).toBeLessThan(1e-4))
    } finally {
      await w.dispose()
    }
  })

  it('a model file replaced at the same path is loaded again', async () => {
    const copy = join(dir, 'replaced.gguf')
    copyFileSync(modelPath, copy)
    const first = await worker.run(job({ model: copy }))
    expect((await worker.run(job({ model: copy }))).started.modelReused).toBe(true)
    utimesSync(copy, new Date(), new Date(Date.now() + 60_000)) // same size, newer modification time
    const again = await worker.run(job({ model: copy }))
    expect(again.started.pid).toBe(first.started.pid)
    expect(again.started.modelReused).toBe(false)
  })

  it('cancel rejects as cancelled and ends the process; the next job gets a fresh worker', async () => {
    const ac = new AbortController()
    const before = worker.pid!
    const p = worker.run(job({ optim: { epochs: 1000, lr: 1e-3 } }), {
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'progress' && e.step === 3) ac.abort()
      }
    })
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' })
    expect(await waitFor(() => !alive(before))).toBe(true)
    const next = await worker.run(job())
    expect(next.started.pid).not.toBe(before)
    expect(next.started.modelReused).toBe(false)
  })

  it('an abort arriving as a job finishes keeps its result and never fails the next job', async () => {
    const ac = new AbortController()
    const r = await worker.run(job(), {
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'done') ac.abort() // SIGTERM reaches the worker after its job is done
      }
    })
    expect(r.finalLoss).toBeGreaterThan(0)
    const next = await worker.run(job())
    expect(next.started.pid).not.toBe(r.started.pid)
    expect(await waitFor(() => !alive(r.started.pid))).toBe(true)
  })

  it('a job cancelled while it waits its turn rejects at once; the running job is not touched', async () => {
    const running = new AbortController()
    const waiting = new AbortController()
    let runningSettled = false
    const first = worker.run(job({ optim: { epochs: 1000, lr: 1e-3 } }), {
      signal: running.signal,
      onEvent: (e) => {
        if (e.type === 'progress' && e.step === 2) waiting.abort()
      }
    })
    void first.catch(() => undefined).finally(() => (runningSettled = true))
    await expect(worker.run(job(), { signal: waiting.signal })).rejects.toMatchObject({ kind: 'cancelled' })
    expect(runningSettled).toBe(false)
    running.abort()
    await expect(first).rejects.toMatchObject({ kind: 'cancelled' })
    expect((await worker.run(job())).finalLoss).toBeGreaterThan(0)
  })

  it('SIGTERM ends a --serve worker waiting for its next job with the cancel exit code; EOF ends it with 0', async () => {
    // after one job, so the worker is surely past its start-up and waiting on stdin
    const exitAfterJob = (end: (child: ChildProcess) => void) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(trainerStatus().path!, ['--serve'], { stdio: ['pipe', 'pipe', 'ignore'] })
        child.stdout!.on('data', eventLines((e) => e.type === 'done' && end(child)))
        child.once('exit', (code) => resolve(code))
        child.stdin!.write(JSON.stringify(job()) + '\n')
      })
    expect(await exitAfterJob((c) => c.kill('SIGTERM'))).toBe(130)
    expect(await exitAfterJob((c) => c.stdin!.end())).toBe(0)
  })

  it('a worker killed with SIGKILL mid-job reaches the caller as a clear error; the next job succeeds', async () => {
    const p = worker.run(job({ optim: { epochs: 1000, lr: 1e-3 } }), {
      onEvent: (e) => {
        if (e.type === 'started') process.kill(e.pid, 'SIGKILL')
      }
    })
    await expect(p).rejects.toMatchObject({ kind: 'crashed', message: expect.stringMatching(/killed by SIGKILL/) })
    expect((await worker.run(job())).finalLoss).toBeGreaterThan(0)
  })

  it('a bad job rejects with the trainer\'s own error kind, and the worker is replaced', async () => {
    const before = worker.pid!
    await expect(worker.run(job({ model: join(dir, 'missing.gguf') }))).rejects.toMatchObject({ kind: 'bad_input', message: expect.stringMatching(/not found/) })
    expect(await waitFor(() => !alive(before))).toBe(true)
    expect((await worker.run(job())).started.pid).not.toBe(before)
  })

  it('jobs sent together run one after the other', async () => {
    const [a, b] = await Promise.all([worker.run(job()), worker.run(job())])
    expect(b.started.pid).toBe(a.started.pid)
    expect(b.started.jobIndex).toBe(a.started.jobIndex + 1)
  })

  it('a job for another trainer binary replaces the waiting worker', async () => {
    const first = await worker.run(job())
    const copy = join(dir, 'trainer-copy')
    copyFileSync(trainerStatus().path!, copy)
    chmodSync(copy, 0o755)
    const other = await worker.run(job(), { trainerPath: copy })
    expect(other.started.pid).not.toBe(first.started.pid)
    expect(await waitFor(() => !alive(first.started.pid))).toBe(true)
    expect((await worker.run(job(), { trainerPath: copy })).started.pid).toBe(other.started.pid)
    expect((await worker.run(job())).started.modelReused).toBe(false) // back to the default binary: a new worker
  })

  it('a job arriving while an idle worker is retiring gets a new worker, never a failure', async () => {
    const w = new TrainerWorker({ idleMs: 100 })
    try {
      for (const pause of [80, 95, 100, 105, 120]) {
        await w.run(job())
        await new Promise((r) => setTimeout(r, pause))
        expect((await w.run(job())).finalLoss).toBeGreaterThan(0)
      }
    } finally {
      await w.dispose()
    }
  })

  it('an idle worker exits on its own (no orphan), and dispose ends a waiting one', async () => {
    const idle = new TrainerWorker({ idleMs: 300 })
    const r = await idle.run(job())
    expect(await waitFor(() => !alive(r.started.pid))).toBe(true)
    expect(idle.pid).toBeNull()
    const released = new TrainerWorker({ idleMs: 60_000 })
    const x = await released.run(job())
    await released.release() // frees a waiting worker's memory at once (the app does this before giving up on OOM)
    expect(alive(x.started.pid)).toBe(false)
    expect(released.pid).toBeNull()
    expect((await released.run(job())).started.pid).not.toBe(x.started.pid)
    await released.dispose()
    const waiting = new TrainerWorker({ idleMs: 60_000 })
    const w = await waiting.run(job())
    expect(alive(w.started.pid)).toBe(true)
    await waiting.dispose()
    expect(alive(w.started.pid)).toBe(false)
    await expect(waiting.run(job())).rejects.toMatchObject({ kind: 'cancelled' })
  })
})
