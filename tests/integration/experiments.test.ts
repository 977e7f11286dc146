import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../src/core/engine'
import { scoreCalls } from '../../src/core/experiments/score'
import type { ExperimentReport } from '../../src/core/experiments/report'
import { engineWithModel, jobEnd, tempDir } from '../fixtures/engine'
import { weatherPairs, writeWeatherDataset } from '../fixtures/experiment-data'
import { ensureTestModel } from '../fixtures/test-models'
import { quickOptim } from '../fixtures/quick-settings'

const QUICK = { optim: quickOptim(1) }
const engines: Engine[] = []
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close().catch(() => undefined)
})

interface ItemRow { method: string; tau: number; seed: number; item_idx: number; exact: number; flagged: number; margin: number | null; round_id: string | null; prediction: string | null; created_at: number; ms: number }
const rows = (e: Engine, runId: string) => e.services.db.all<ItemRow>('SELECT * FROM run_items WHERE run_id = ? ORDER BY item_idx, method, tau, seed', [runId])

describe('offline experiments', () => {
  it('a 5-item run with baseline, TT-ICL and TT-SI completes with metrics, rounds and a report; pairs and adapter export', async () => {
    const { engine, modelId } = await engineWithModel({ augmentOverride: weatherPairs })
    engines.push(engine)
    await engine.call('settings.update', QUICK)
    const dataset = writeWeatherDataset(tempDir(), 8)
    const ds = await engine.call('datasets.import', { path: dataset })
    expect([ds.items, ds.rejected, ds.errors]).toEqual([8, 0, []])
    const progress: number[] = []
    engine.onEvent((e) => e.type === 'experiment.progress' && progress.push(e.done))
    const { runId, jobId } = await engine.call('experiments.start', { datasetId: ds.id, modelId, methods: ['baseline', 'tt-icl', 'tt-si'], taus: [1], limit: 5, k: 2, keepAdapters: true, maxTokens: 48 })
    const end = await jobEnd(engine, jobId, 280_000)
    expect(end.job.error).toBeNull()
    expect(end.job.status).toBe('done')
    const run = await engine.call('experiments.get', { id: runId })
    expect(run.status).toBe('done')
    expect([run.done, run.total]).toEqual([15, 15])
    expect(progress).toEqual(Array.from({ length: 15 }, (_, i) => i + 1))
    expect(run.metrics.map((m) => [m.method, m.tau, m.seed, m.items])).toEqual([
      ['baseline', 1, 0, 5],
      ['tt-icl', 1, 0, 5],
      ['tt-si', 1, 0, 5]
    ])
    for (const m of run.metrics) {
      expect(m.msPerItem).toBeGreaterThan(0)
      expect(m.errors).toBe(0)
      for (const v of [m.exact, m.nameOnly, m.flaggedShare]) {
        expect(v).toBeGreaterThanOrEqual(0)
        expect(v).toBeLessThanOrEqual(1)
      }
    }
    // the stored correctness is the scorer's verdict on the stored prediction
    const items = await rows(engine, runId)
    const gold = readFileSync(dataset, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    for (const r of items) expect(!!r.exact).toBe(scoreCalls(JSON.parse(r.prediction ?? '[]'), gold[r.item_idx].expected).exact)
    // every flagged TT item went through a persisted round with auto-approved pairs; baseline never does
    const flagged = items.filter((r) => r.flagged && r.method !== 'baseline')
    expect(items.filter((r) => r.method === 'baseline').every((r) => r.round_id === null)).toBe(true)
    expect(flagged.every((r) => r.round_id)).toBe(true)
    expect(items.filter((r) => !r.flagged).every((r) => r.round_id === null)).toBe(true)
    const siRound = flagged.find((r) => r.method === 'tt-si')
    expect(siRound, 'with tau = 1 a random model is uncertain about some item').toBeTruthy()
    const round = await engine.call('rounds.get', { id: siRound!.round_id! })
    expect(round.status).toBe('done')
    expect(round.examples.map((e) => e.status)).toEqual(['approved', 'approved'])
    expect(round.training?.adapterKept).toBe(true)
    // the random-weight model's answer after training need not be a valid call, but it was recorded
    expect(round.after?.text).toBeTruthy()
    expect(round.after?.tokens?.length).toBeGreaterThan(0)
    // the adapted answer had the run's token limit, as the base answer did (not the Settings limit, 512 here)
    expect(round.after!.tokens!.length).toBeLessThanOrEqual(48)

    const report = run.report as ExperimentReport
    expect(report.schema).toBe('autodidact.experiment-report/1')
    expect(report.items).toHaveLength(5)
    expect(Object.keys(report.items[0].results).sort()).toEqual(['baseline|tau=1|seed=0', 'tt-icl|tau=1|seed=0', 'tt-si|tau=1|seed=0'])
    expect(report.summary.find((r) => r.method === 'tt-si')?.deltaVsBaseline).toBeCloseTo(run.metrics[2].exact - run.metrics[0].exact)
    expect(report.bySource.filter((b) => b.method === 'baseline').reduce((a, b) => a + b.items, 0)).toBe(5)

    // export: every approved pair, one JSON record per line, in both formats
    const approved = (await engine.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM examples WHERE status = 'approved'"))!.n
    expect(approved).toBe(2 * flagged.length)
    const out = tempDir()
    // outside the exports folder only where the user picked the place in a save dialog (the desktop shell grants it)
    engine.grantExportPath(join(out, 'pairs.jsonl'))
    engine.grantExportPath(join(out, 'weather-adapter'))
    const oa = await engine.call('export.pairs', { format: 'openai', path: join(out, 'pairs.jsonl') })
    expect(oa.count).toBe(approved)
    const oaLines = readFileSync(oa.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(oaLines).toHaveLength(approved)
    for (const l of oaLines) {
      expect(l.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant'])
      expect(l.messages[1].tool_calls[0].function.name).toBe('get_weather')
      expect(JSON.parse(l.messages[1].tool_calls[0].function.arguments).city).toEqual(expect.any(String))
      expect(l.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(['get_weather', 'get_time'])
    }
    const sg = await engine.call('export.pairs', { format: 'sharegpt', path: 'sg.jsonl', roundIds: [siRound!.round_id!] })
    expect(sg.path).toBe(join(engine.services.paths.exportsDir, 'sg.jsonl'))
    const sgLines = readFileSync(sg.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(sgLines).toHaveLength(2)
    for (const l of sgLines) expect(l.conversations.map((c: { from: string }) => c.from)).toEqual(['human', 'function_call'])

    // adapter: a byte-identical copy plus a model card; it imports back onto the same model
    const ad = await engine.call('export.adapter', { roundId: siRound!.round_id!, path: join(out, 'weather-adapter') })
    expect(ad.path).toBe(join(out, 'weather-adapter.gguf'))
    expect(readFileSync(ad.path).equals(readFileSync(round.training!.adapterPath!))).toBe(true)
    const card = readFileSync(ad.cardPath, 'utf8')
    expect(card).toContain(`\`${modelId}\``)
    expect(card).toContain('approved training pairs: 2')
    expect(card).toMatch(/training loss: \d+\.\d+ \(first step\)/)
    expect(card).toContain(`offline experiment run \`${runId}\` (tt-si)`)
    const imp = await engine.call('adapters.import', { path: ad.path })
    expect((await engine.call('adapters.list', {})).map((a) => a.id)).toEqual([imp.adapterId])
    // refused: a model is not an adapter; an adapter for another model size does not fit
    const other = await ensureTestModel({ embd: 32, ff: 64 })
    await expect(engine.call('adapters.import', { path: other })).rejects.toThrow(/does not fit the loaded model: the file is not a LoRA adapter/)
    const m2 = await engine.call('models.import', { path: other })
    await engine.call('models.load', { modelId: m2.id, contextSize: 1024 })
    await expect(engine.call('adapters.import', { path: ad.path })).rejects.toThrow(/does not fit the loaded model: .*shape/)
  })

  it('a run killed mid-way resumes without redoing finished items', async () => {
    const dataDir = tempDir()
    const modelPath = await ensureTestModel()
    const dataset = writeWeatherDataset(tempDir(), 10)
    const child = spawn(process.execPath, ['--import', 'tsx', join('tests', 'fixtures', 'experiment-child.ts'), dataDir, dataset, modelPath, 'baseline,tt-icl', '10'], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    let runId = ''
    let seen = 0
    await new Promise<void>((resolve, reject) => {
      let buf = ''
      child.stdout.on('data', (chunk: Buffer) => {
        buf += chunk.toString()
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const msg = JSON.parse(buf.slice(0, i))
          buf = buf.slice(i + 1)
          if (msg.runId) runId = msg.runId
          if (msg.done) seen = msg.done
          if (seen >= 5 && child.exitCode === null) child.kill('SIGKILL') // resolved on its exit: the data folder is free then
        }
      })
      child.on('exit', (code, sig) => (sig === 'SIGKILL' ? resolve() : reject(new Error(`child ended early: ${code}`))))
    })
    expect(runId).toMatch(/^run_/)
    const engine = await createEngine({ dataDir, gpu: 'cpu', threads: 1, augmentOverride: weatherPairs })
    engines.push(engine)
    const before = await engine.call('experiments.get', { id: runId })
    expect(before.status).toBe('interrupted')
    expect(before.done).toBeGreaterThanOrEqual(5)
    expect(before.done).toBeLessThan(20)
    const finished = await rows(engine, runId)
    const t0 = Date.now()
    const { jobId } = await engine.call('experiments.resume', { id: runId })
    const end = await jobEnd(engine, jobId, 280_000)
    expect(end.job.error).toBeNull()
    const after = await engine.call('experiments.get', { id: runId })
    expect([after.status, after.done, after.total]).toEqual(['done', 20, 20])
    const all = await rows(engine, runId)
    // the rows finished before the kill are untouched; only the rest were computed after the resume
    const key = (r: ItemRow) => `${r.method}|${r.item_idx}`
    const byKey = new Map(all.map((r) => [key(r), r]))
    for (const r of finished) expect(byKey.get(key(r))).toEqual(r)
    const redone = all.filter((r) => r.created_at >= t0)
    expect(redone.length).toBe(20 - finished.length)
    expect(new Set(redone.map(key)).size).toBe(redone.length)
    expect(redone.some((r) => finished.some((f) => key(f) === key(r)))).toBe(false)
    await expect(engine.call('experiments.resume', { id: runId })).rejects.toThrow(/finished/)
  })

  it('a cancelled run is marked cancelled and resumes where it stopped', async () => {
    const { engine, modelId } = await engineWithModel()
    engines.push(engine)
    const ds = await engine.call('datasets.import', { path: writeWeatherDataset(tempDir(), 4) })
    await expect(engine.call('experiments.start', { datasetId: ds.id, modelId, methods: ['tt-d'] })).rejects.toThrow(/TT-D needs a teacher/)
    await expect(engine.call('experiments.start', { datasetId: ds.id, modelId, methods: ['tt-d'], teacherModelId: 'model_nope' })).rejects.toThrow(/No teacher model/)
    const { runId, jobId } = await engine.call('experiments.start', { datasetId: ds.id, modelId, methods: ['baseline'], taus: [0.5, 0.9], maxTokens: 16 })
    const off = engine.onEvent((e) => {
      if (e.type === 'experiment.progress' && e.runId === runId && e.done === 2) engine.call('jobs.cancel', { jobId })
    })
    expect((await jobEnd(engine, jobId)).job.status).toBe('cancelled')
    off()
    const stopped = await engine.call('experiments.get', { id: runId })
    expect(stopped.status).toBe('cancelled')
    expect(stopped.error).toMatch(/resume to continue/)
    expect(stopped.done).toBe(2)
    const { jobId: again } = await engine.call('experiments.resume', { id: runId })
    expect((await jobEnd(engine, again)).job.status).toBe('done')
    const done = await engine.call('experiments.get', { id: runId })
    expect([done.status, done.done, done.total]).toEqual(['done', 8, 8])
    // tau changes only which items count as flagged: the two taus share the same answers
    const r = await rows(engine, runId)
    for (const idx of [0, 1, 2, 3]) {
      const [a, b] = r.filter((x) => x.item_idx === idx)
      expect([a.prediction, a.exact]).toEqual([b.prediction, b.exact])
    }
    for (const x of r) expect(!!x.flagged).toBe(x.margin! < x.tau)
  })
})
