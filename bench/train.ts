/**
 * `npm run bench:train [-- --opt=value]`: the native trainer on a TT-SI-sized job
 * (5 examples x 300 tokens x 3 epochs, loss on the last 100 tokens of each), on a generated model.
 *
 *   --shape=tiny|small|qwen1.5b   (qwen1.5b: Qwen2.5-1.5B layer shapes, 28 layers, 1536 wide, FFN 8960, 12/2 heads,
 *                                  32k llama-spm vocabulary; for a GPU machine)
 *   --weightType=f32|f16   --examples=5 --tokens=300 --epochs=3 --rank=8 --repeats=3 --gpuLayers=-1 --threads=N
 *   --targets=attn_q,attn_output,ffn_gate,ffn_up,ffn_down (comma-separated; attn_k,attn_v also train)
 *   --out=bench/results/train.json
 * Reports trainer tokens/s (real tokens, padding excluded), training time, and wall time including process start,
 * model load and adapter save: one process per job, then the same jobs through a warm worker (--serve; its
 * first job starts the process and loads the base, the rest reuse it). Overhead = wall - training steps.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureVocabFile, writeDemoModel, type ModelShape } from '../src/core/models/demo-model'
import { runTraining, trainerStatus, type TrainJob } from '../src/core/trainer/client'
import { TrainerWorker } from '../src/core/trainer/worker'
import { benchArgs, printTable } from './args'
import { existsSync } from 'node:fs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SHAPES: Record<string, Partial<ModelShape>> = {
  tiny: { layers: 2, embd: 64, ff: 128, heads: 4, headsKv: 2 },
  small: { layers: 8, embd: 256, ff: 768, heads: 4, headsKv: 2 },
  'qwen1.5b': { layers: 28, embd: 1536, ff: 8960, heads: 12, headsKv: 2 }
}

const a = benchArgs()
const shapeName = a.shape ?? 'small'
const shape: Partial<ModelShape> = { ...SHAPES[shapeName], weightType: (a.weightType as 'f32' | 'f16') ?? 'f32', ctx: 4096 }
const nEx = Number(a.examples ?? 5)
const nTok = Number(a.tokens ?? 300)
const epochs = Number(a.epochs ?? 3)
const repeats = Number(a.repeats ?? 3)
const targets = (a.targets ?? 'attn_q,attn_output,ffn_gate,ffn_up,ffn_down').split(',')
const status = trainerStatus()
if (!status.available) throw new Error(`the trainer is not available: ${status.reason}`)

const cache = join(ROOT, 'tests', '.cache')
const modelPath = join(cache, 'models', `bench-${shapeName}-${shape.weightType}.gguf`)
if (!existsSync(modelPath)) {
  console.error(`writing ${modelPath} ...`)
  await writeDemoModel(modelPath, ensureVocabFile(join(cache, 'vocab')), shape, `bench ${shapeName}`)
}
// deterministic pseudo-text token ids; the last third of every example is the answer
const examples = Array.from({ length: nEx }, (_, e) => {
  const tokens = [1, ...Array.from({ length: nTok - 1 }, (_, i) => 200 + ((i * 37 + e * 101) % 20000))]
  return { tokens, mask: tokens.map((_, i) => (i >= nTok - Math.floor(nTok / 3) ? 1 : 0)) }
})
const outDir = join(ROOT, 'bench', 'results')
mkdirSync(outDir, { recursive: true })
const job = (r: number): TrainJob => ({
  model: modelPath,
  out: join(outDir, `bench-adapter-${r}.gguf.tmp`),
  examples,
  lora: { rank: Number(a.rank ?? 8), alpha: 16, targets },
  optim: { lr: 1e-4, epochs, schedule: 'cosine', warmup: 0.03 },
  gpuLayers: Number(a.gpuLayers ?? -1),
  threads: a.threads ? Number(a.threads) : cpus().length,
  maxContext: 4096,
  cacheDir: join(cache, 'f32') // F32 training copies (a GPU without F16/quantized OUT_PROD), reused across runs
})
const runs = []
const worker = new TrainerWorker()
const plan = [
  ...Array.from({ length: repeats }, () => 'one process' as const),
  ...Array.from({ length: repeats + 1 }, () => 'warm worker' as const)
]
for (const [r, mode] of plan.entries()) {
  const res = mode === 'one process' ? await runTraining(job(r), { jobDir: tmpdir() }) : await worker.run(job(r)) // never leave job files in bench/results
  rmSync(res.adapter, { force: true })
  const realTokens = nEx * nTok * epochs
  runs.push({
    repeat: r + 1,
    mode: mode === 'warm worker' && !res.started.modelReused ? 'worker, first job' : mode,
    device: res.started.device,
    windows: res.started.windows,
    windowTokens: res.started.windowTokens,
    realTokensPerSec: realTokens / (res.timings.trainMs / 1000),
    processedTokensPerSec: res.tokensPerSec,
    trainMs: res.timings.trainMs,
    loadMs: res.timings.loadMs,
    baseCopyMs: res.started.baseCopy?.ms ?? null,
    wallMs: res.wallMs,
    // everything but the training steps: process start, base load, context, adapter save, the pipes
    overheadMs: res.wallMs - res.timings.trainMs,
    finalLoss: res.finalLoss
  })
}
await worker.dispose()
const oneShot = runs.filter((r) => r.mode === 'one process')
const warm = runs.filter((r) => r.mode === 'warm worker')
const cold = runs.find((r) => r.mode === 'worker, first job')
const result = {
  bench: 'train',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, trainerBackend: status.backend },
  job: { examples: nEx, tokensPerExample: nTok, epochs, answerTokensPerExample: Math.floor(nTok / 3), targets },
  shape: { name: shapeName, ...shape, vocab: 32000 },
  runs,
  median: {
    realTokensPerSec: median(oneShot.map((r) => r.realTokensPerSec)),
    trainMs: median(oneShot.map((r) => r.trainMs)),
    wallMs: median(oneShot.map((r) => r.wallMs)),
    overheadMs: median(oneShot.map((r) => r.overheadMs)),
    workerFirstJobWallMs: cold?.wallMs ?? null,
    workerFirstJobLoadMs: cold?.loadMs ?? null,
    workerFirstJobOverheadMs: cold?.overheadMs ?? null,
    warmWorkerWallMs: median(warm.map((r) => r.wallMs)),
    warmWorkerLoadMs: median(warm.map((r) => r.loadMs)),
    warmWorkerOverheadMs: median(warm.map((r) => r.overheadMs))
  }
}
const out = a.out ?? join(outDir, `train-${shapeName}.json`)
writeFileSync(out, JSON.stringify(result, null, 2))
printTable(runs.map((r) => ({ run: r.repeat, mode: r.mode, device: r.device, 'tok/s (real)': r.realTokensPerSec, 'load ms': r.loadMs, 'train ms': r.trainMs, 'wall ms': r.wallMs, 'overhead ms': r.overheadMs, 'final loss': r.finalLoss })))
const m = result.median
const ms = (v: number) => `${v.toFixed(0)} ms`
console.log(`\nmedian, one process per job: ${m.realTokensPerSec.toFixed(0)} tok/s, train ${ms(m.trainMs)}, wall ${ms(m.wallMs)}, overhead ${ms(m.overheadMs)}`)
if (cold) console.log(`warm worker, first job (process start + base load): wall ${ms(cold.wallMs)}, load ${ms(cold.loadMs)}, overhead ${ms(cold.overheadMs)}`)
console.log(`median, warm worker, later jobs: wall ${ms(m.warmWorkerWallMs)}, load ${ms(m.warmWorkerLoadMs)}, overhead ${ms(m.warmWorkerOverheadMs)} -> ${out}`)

function median(v: number[]): number {
  const s = [...v].sort((x, y) => x - y)
  return s[Math.floor(s.length / 2)]
}
