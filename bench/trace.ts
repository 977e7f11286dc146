/**
 * Generation speed with and without the per-token trace on a large-vocabulary generated model:
 * `npm run bench:trace [-- --opt=value]`.
 *
 *   --vocab=qwen2|llama-bpe   tokenizer of node-llama-cpp's bundle (152k / 128k tokens; default qwen2)
 *   --embd=N --layers=N       model shape (default 256 wide, 2 layers: small, so the per-token trace cost shows)
 *   --tokens=N                tokens per answer (default 16)   --repeats=N (default 3, median)
 *   --gpu=auto|cpu   --threads=N   --out=bench/results/trace.json
 *
 * Modes, each a greedy answer of the same query: `none` (no trace: the token and its probability only),
 * `top` (the default trace: top-5 alternatives), `full` (also entropy and self-certainty, one pass over the
 * distribution), and `map` (what the trace cost before: node-llama-cpp's full-vocabulary Map per token,
 * walked for the top-5 and the stats). Without tools (pure trace cost) and with a tool-call grammar.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getLlama, LlamaGrammarEvaluationState, type Token } from 'node-llama-cpp'
import { benchArgs, printTable } from './args'
import { answerGrammar, answerQuery, renderPrompt } from '../src/core/agent/answer'
import type { PromptProfile } from '../src/core/agent/prompt'
import { syncPrefix } from '../src/core/agent/sequence'
import type { ContextLease } from '../src/core/models/types'
import { ensureVocabFile, writeDemoModel } from '../src/core/models/demo-model'
import { distributionStats } from '../src/core/uncertainty/math'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const a = benchArgs()
const vocab = a.vocab === 'llama-bpe' ? 'llama-bpe' : 'qwen2'
const embd = Number(a.embd ?? 256)
const layers = Number(a.layers ?? 2)
const nTokens = Number(a.tokens ?? 16)
const repeats = Number(a.repeats ?? 3)
const cache = join(ROOT, 'tests', '.cache')
const modelPath = join(cache, 'models', `bench-trace-${vocab}-l${layers}-e${embd}.gguf`)
if (!existsSync(modelPath)) {
  await writeDemoModel(modelPath, ensureVocabFile(join(cache, 'vocab'), `ggml-vocab-${vocab}.gguf`), { layers, embd, ff: embd * 2, heads: 8, headsKv: 2, ctx: 2048, seed: 1, weightType: 'f32' }, `trace bench ${vocab}`)
}
const llama = await getLlama({ gpu: a.gpu === 'cpu' ? false : 'auto' })
const model = await llama.loadModel({ modelPath })
const context = await model.createContext({ contextSize: 2048, ...(a.threads ? { threads: Number(a.threads) } : {}) })
const lease: ContextLease = { model, context, sequence: context.getSequence(), release: () => undefined }
const query = 'What is the weather like in Paris today?'
const profiles: Record<string, PromptProfile> = {
  'no tools': { systemPrompt: 'You are a helpful assistant.', tools: [] },
  'tool call': {
    systemPrompt: '',
    tools: [{ name: 'search_web', description: 'Search the web', parameters: { type: 'object', properties: { query: { type: 'string' }, limit: { type: 'integer' } }, required: ['query'] } }]
  }
}

/** The former trace: the full-vocabulary Map per token, walked for the top 5 and the distribution stats. */
async function mapTrace(profile: PromptProfile): Promise<number> {
  const prompt = renderPrompt({ lease, profile, query })
  const grammar = await answerGrammar(model, profile)
  const it = lease.sequence.evaluateWithMetadata(await syncPrefix(lease.sequence, prompt.tokens), { confidence: true, probabilities: true }, {
    temperature: 0,
    grammarEvaluationState: grammar ? new LlamaGrammarEvaluationState({ model, grammar }) : undefined
  })
  let n = 0
  for await (const out of it) {
    const top: [Token, number][] = []
    for (const e of out.probabilities) {
      if (top.length < 5 || e[1] > top[top.length - 1][1]) {
        top.push(e)
        top.sort((x, y) => y[1] - x[1])
        if (top.length > 5) top.pop()
      }
    }
    distributionStats(out.probabilities.values())
    top.map(([t]) => model.detokenize([t], true))
    if (++n >= nTokens) break
  }
  await it.return?.()
  return n
}

async function timed(mode: string, profile: PromptProfile): Promise<{ tokens: number; ms: number }> {
  // the prompt stays cached (only its last token is evaluated again), so the time is the generated tokens'
  const t0 = performance.now()
  let tokens: number
  if (mode === 'map') tokens = await mapTrace(profile)
  else {
    const r = await answerQuery({
      lease, profile, query, maxTokens: nTokens,
      ...(mode === 'none' ? { sampling: { temperature: 0, seed: 0 } } : { distribution: mode as 'top' | 'full' })
    })
    tokens = r.tokens.length
  }
  return { tokens, ms: performance.now() - t0 }
}

const modes = ['none', 'top', 'full', 'map']
const rows: Record<string, string | number>[] = []
for (const [name, profile] of Object.entries(profiles)) {
  await timed('none', profile) // warm: the prompt into the KV cache
  const samples: Record<string, number[]> = Object.fromEntries(modes.map((m) => [m, []]))
  for (let r = 0; r < repeats; r++) {
    for (const m of modes) {
      const s = await timed(m, profile)
      samples[m].push((s.tokens / s.ms) * 1000)
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]
  const base = median(samples.none)
  for (const m of modes) rows.push({ profile: name, mode: m, 'tokens/s': median(samples[m]), 'vs none': median(samples[m]) / base, runs: samples[m].map((x) => x.toFixed(2)).join(' ') })
}
const out = a.out ?? join(ROOT, 'bench', 'results', 'trace.json')
mkdirSync(dirname(out), { recursive: true })
const result = {
  date: new Date().toISOString(),
  model: { vocab, vocabSize: model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length, embd, layers, weights: 'f32, random' },
  backend: llama.gpu || 'cpu',
  threads: context.currentThreads,
  tokensPerAnswer: nTokens,
  repeats,
  rows
}
writeFileSync(out, JSON.stringify(result, null, 2))
console.log(`trace cost on a ${result.model.vocabSize}-token vocabulary (${embd} wide, ${layers} layers, ${result.backend}, ${result.threads} threads)`)
printTable(rows)
await context.dispose()
await model.dispose()
