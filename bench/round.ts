/**
 * Stage timings of TT-SI rounds on a generated (random-weight) model: `npm run bench:round [-- --opt=value]`.
 *
 *   --shape=tiny|small|qwen1.5b   model shape (qwen1.5b: 28 layers, 1536 wide, 8960 FFN, 12/2 heads, f16;
 *                                 the tokenizer stays the 32k llama-spm one, so the vocabulary is smaller than Qwen's)
 *   --layers= --embd= --ff= --heads= --headsKv= --weightType=f32|f16   override single shape fields
 *   --rounds=N      sequential rounds (default 3) (one new adapter each in per-query mode: shows memory staying bounded)
 *   --mode=per-query|session|tt-icl   --k=3   --epochs=N   --rank=N   --gpu=auto|cpu   --threads=N
 *   --out=bench/results/round.json
 *
 * Augmentation runs the REAL grammar-constrained generation with the model (its time is the stage's time),
 * but a random-weight model cannot write usable pairs, so the pairs handed to review/training are a fixed
 * valid set (the engine's test seam). What the model wrote is summarised in the results (`augmentModel`).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchArgs } from './args'
import type { AgentProfile, EngineEvent, Round } from '../src/core/contract'
import { generateWithModel, parsePairs } from '../src/core/augment/generate'
import { pairProblem } from '../src/core/augment/validate'
import { createEngine, type Engine } from '../src/core/engine'
import { DEFAULT_SHAPE, ensureVocabFile, writeDemoModel, type ModelShape } from '../src/core/models/demo-model'
import { trainerStatus } from '../src/core/trainer/client'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SHAPES: Record<string, Partial<ModelShape>> = {
  tiny: { layers: 2, embd: 64, ff: 128, heads: 4, headsKv: 2 },
  small: { layers: 4, embd: 128, ff: 256, heads: 4, headsKv: 2 },
  'qwen1.5b': { layers: 28, embd: 1536, ff: 8960, heads: 12, headsKv: 2, weightType: 'f16' }
}
const QUERIES = [
  'What is the weather in Paris?',
  'Will it be cold in Berlin tomorrow?',
  'Find recent news about solar panels',
  'Put a dentist appointment on 2025-03-14 in my calendar',
  'How hot is it in Cairo right now, in fahrenheit?',
  'Search for the best pizza places in Naples'
]
/** Valid pairs for the default profile's tools, given to review instead of the random model's text. */
const PAIRS = [
  { input: 'How warm is it in Rome today?', call: { name: 'get_weather', arguments: { city: 'Rome' } } },
  { input: 'Weather for Oslo in celsius please', call: { name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } } },
  { input: 'Look up train times from Lyon to Nice', call: { name: 'search_web', arguments: { query: 'train times Lyon Nice' } } },
  { input: 'Add "team lunch" on 2025-05-02', call: { name: 'create_event', arguments: { title: 'team lunch', date: '2025-05-02' } } },
  { input: 'Is it snowing in Zurich?', call: { name: 'get_weather', arguments: { city: 'Zurich' } } }
]

async function modelFor(shape: ModelShape): Promise<string> {
  const key = `l${shape.layers}-e${shape.embd}-f${shape.ff}-h${shape.heads}-kv${shape.headsKv}-c${shape.ctx}-s${shape.seed}-${shape.weightType}`
  const path = join(ROOT, '.cache', 'bench', 'models', `bench-${key}.gguf`)
  if (existsSync(path)) return path
  const testVocab = join(ROOT, 'tests', '.cache', 'vocab')
  const vocab = existsSync(join(testVocab, 'ggml-vocab-llama-spm.gguf')) ? testVocab : join(ROOT, '.cache', 'bench', 'vocab')
  await writeDemoModel(path, ensureVocabFile(vocab), shape, `bench ${key}`)
  return path
}

function waitRound(engine: Engine, roundId: string, ms = 3_600_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => (off(), reject(new Error(`round ${roundId} did not finish in ${ms / 1000} s`))), ms)
    const off = engine.onEvent((e: EngineEvent) => {
      if (e.type === 'round.update' && e.roundId === roundId && ['done', 'failed', 'awaiting_review', 'interrupted'].includes(e.status)) {
        clearTimeout(t)
        off()
        resolve()
      }
    })
  })
}

const median = (xs: number[]) => {
  if (!xs.length) return null
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const mb = (b: number) => Math.round(b / 1048576)

export async function benchRound(a: Record<string, string> = {}) {
  const num = (k: string) => (a[k] !== undefined ? Number(a[k]) : undefined)
  const shape: ModelShape = { ...DEFAULT_SHAPE, ...SHAPES[a.shape ?? 'tiny'] }
  if (!SHAPES[a.shape ?? 'tiny']) throw new Error(`unknown --shape ${a.shape} (${Object.keys(SHAPES).join(', ')})`)
  for (const k of ['layers', 'embd', 'ff', 'heads', 'headsKv'] as const) if (num(k) !== undefined) shape[k] = num(k)!
  if (a.weightType === 'f16' || a.weightType === 'f32') shape.weightType = a.weightType
  const rounds = num('rounds') ?? 3
  const k = num('k') ?? 3
  const trainer = trainerStatus()
  if (!trainer.available) throw new Error(`the native trainer is not available: ${trainer.reason}`)

  const t0 = performance.now()
  const modelPath = await modelFor(shape)
  const modelWriteMs = performance.now() - t0
  const dataDir = mkdtempSync(join(tmpdir(), 'autodidact-bench-round-'))
  let profile: AgentProfile | undefined
  const augmentModel: { ms: number; rawTokens: number; parsed: boolean; validPairs: number; error: string | null }[] = []
  let engine!: Engine
  engine = await createEngine({
    dataDir,
    gpu: a.gpu === 'cpu' ? 'cpu' : 'auto',
    threads: num('threads'),
    // real generation for timing; fixed valid pairs for training (see the header comment)
    augmentOverride: async (req) => {
      const ta = performance.now()
      const lease = await engine.services.host.acquire()
      let raw = ''
      try {
        raw = (await generateWithModel(lease, { profile: profile!, query: req.query, k: req.k }, { maxTokens: 160 * req.k + 64 })).raw
      } finally {
        lease.release()
      }
      const parsed = parsePairs(raw, true)
      const valid = parsed.pairs.filter((p) => !pairProblem(p, profile!.tools, req.query, [])).length
      augmentModel.push({ ms: Math.round(performance.now() - ta), rawTokens: lease.model.tokenize(raw).length, parsed: !parsed.error, validPairs: valid, error: parsed.error })
      const start = augmentModel.length % PAIRS.length
      return JSON.stringify({ examples: [...PAIRS, ...PAIRS].slice(start, start + req.k) })
    }
  })
  const results: Record<string, unknown>[] = []
  try {
    await engine.call('settings.update', {
      reviewPolicy: 'auto-approve-valid',
      adaptationMode: (a.mode as 'per-query') ?? 'per-query',
      k,
      ...(num('epochs') || num('rank')
        ? { optim: { ...(await engine.call('settings.get', {})).optim, ...(num('epochs') ? { epochs: num('epochs')! } : {}) }, lora: { ...(await engine.call('settings.get', {})).lora, ...(num('rank') ? { rank: num('rank')!, alpha: 2 * num('rank')! } : {}) } }
        : {})
    })
    profile = (await engine.call('profiles.list', {}))[0]
    const m = await engine.call('models.import', { path: modelPath })
    const tl = performance.now()
    const loaded = await engine.call('models.load', { modelId: m.id, contextSize: 2048 })
    const modelLoadMs = performance.now() - tl
    const gpu = await engine.call('system.info', {}).then((i) => i.gpu)
    for (let i = 0; i < rounds; i++) {
      const query = QUERIES[i % QUERIES.length]
      const tr = performance.now()
      const { roundId } = await engine.call('rounds.start', { query, profileId: profile.id })
      await waitRound(engine, roundId)
      const r: Round = await engine.call('rounds.get', { id: roundId })
      results.push({
        query, status: r.status, error: r.error, wallMs: Math.round(performance.now() - tr), timings: r.timings,
        trainSteps: r.training?.losses.length ?? 0, firstLoss: r.training?.losses[0]?.loss ?? null, finalLoss: r.training?.finalLoss ?? null,
        trainTokensPerSec: r.training?.tokensPerSec ?? null, beforeTokens: r.before?.tokens?.length ?? null, afterTokens: r.after?.tokens?.length ?? null,
        adapterPath: r.training?.adapterPath ?? null, augmentModel: augmentModel[i] ?? null, rssMB: mb(process.memoryUsage().rss)
      })
      process.stderr.write(`round ${i + 1}/${rounds}: ${r.status} ${JSON.stringify(r.timings)}\n`)
    }
    const settings = await engine.call('settings.get', {})
    const stages = ['uncertainty', 'augmentation', 'training', 'answer']
    const done = results.filter((r) => r.status === 'done')
    const summary: Record<string, number | null> = Object.fromEntries(
      [...stages.map((s) => [s, median(done.map((r) => (r.timings as Record<string, number>)[s]).filter((x) => x !== undefined))]), ['wallMs', median(done.map((r) => r.wallMs as number))]]
    )
    const rss = results.map((r) => r.rssMB as number)
    return {
      date: new Date().toISOString(),
      device: { backend: gpu.backend, gpus: gpu.deviceNames, threads: num('threads') ?? 'default', cpuReason: gpu.cpuReason, trainerBackend: trainer.backend },
      shape, modelBytes: statSync(modelPath).size, modelWriteMs: Math.round(modelWriteMs), modelLoadMs: Math.round(modelLoadMs), contextSize: loaded.contextSize,
      settings: { mode: settings.adaptationMode, k: settings.k, lora: settings.lora, optim: settings.optim },
      rounds: results.length, done: done.length, medianMs: summary,
      memory: { firstRoundRssMB: rss[0] ?? null, lastRoundRssMB: rss.at(-1) ?? null, maxRssMB: rss.length ? Math.max(...rss) : null },
      perRound: results
    }
  } finally {
    await engine.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

function table(r: Awaited<ReturnType<typeof benchRound>>): string {
  const rows = Object.entries(r.medianMs).map(([k, v]) => `  ${k.padEnd(14)} ${v === null ? '-' : `${Math.round(v)} ms`}`)
  return [
    `round bench: ${r.device.backend} (${r.device.gpus.join(', ') || 'cpu'}), trainer ${r.device.trainerBackend ?? '?'}`,
    `model ${r.shape.layers}x${r.shape.embd} ff${r.shape.ff} ${r.shape.weightType} (${mb(r.modelBytes)} MB), load ${r.modelLoadMs} ms`,
    `${r.done}/${r.rounds} rounds done, mode ${r.settings.mode}, k ${r.settings.k}, epochs ${r.settings.optim.epochs}, rank ${r.settings.lora.rank}`,
    'median per stage:',
    ...rows,
    `rss: first ${r.memory.firstRoundRssMB} MB, last ${r.memory.lastRoundRssMB} MB, max ${r.memory.maxRssMB} MB`
  ].join('\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const a = benchArgs()
  const out = a.out ?? join(ROOT, 'bench', 'results', 'round.json')
  benchRound(a)
    .then((r) => {
      mkdirSync(dirname(out), { recursive: true })
      writeFileSync(out, `${JSON.stringify(r, null, 2)}\n`)
      console.log(table(r))
      console.log(`wrote ${out}`)
      process.exit(0)
    })
    .catch((err) => {
      console.error(err instanceof Error ? err.message : err)
      process.exit(1)
    })
}
