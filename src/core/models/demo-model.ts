import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { writeAtomically } from '../atomic-file'
import { readGgufHeader } from './gguf-read'
import { GGML_TYPE, type GgufKv } from './gguf-types'
import { kv, writeGguf, type GgufTensorData } from './gguf-write'

/**
 * Generates small llama-architecture GGUF models with random weights and a REAL tokenizer (the 32,000-token
 * SentencePiece vocabulary from the vocab-only GGUF that node-llama-cpp ships in its llama.cpp source bundle).
 * The test suites use them (no weights can be downloaded in CI), and the app offers one as a "demo model" so
 * every mechanism can be tried before a real model is downloaded. Answers from random weights are gibberish.
 */
export interface ModelShape {
  layers: number
  embd: number
  ff: number
  heads: number
  headsKv: number
  ctx: number
  seed: number
  /** tensor type of the 2-D weight matrices */
  weightType: 'f32' | 'f16' | 'q4_0'
}

export const DEFAULT_SHAPE: ModelShape = { layers: 2, embd: 64, ff: 128, heads: 4, headsKv: 2, ctx: 2048, seed: 1, weightType: 'f32' }

/** A ChatML-style template written for Autodidact's generated models. */
export const CHATML_TEMPLATE =
  "{%- for message in messages -%}" +
  "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}" +
  '{%- endfor -%}' +
  "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"

function bundlePath(): string {
  const entry = createRequire(import.meta.url).resolve('node-llama-cpp')
  const root = entry.slice(0, entry.lastIndexOf('node-llama-cpp') + 'node-llama-cpp'.length)
  return join(root, 'llama', 'gitRelease.bundle')
}

/** Extracts models/ggml-vocab-llama-spm.gguf from node-llama-cpp's source bundle (needs git), cached. */
export function ensureVocabFile(cacheDir: string, vocab = 'ggml-vocab-llama-spm.gguf'): string {
  return ensureBundleFiles(cacheDir, [`models/${vocab}`])[0]
}

/**
 * Extracts files (paths inside llama.cpp's source tree, e.g. models/templates/x.jinja) from node-llama-cpp's
 * source bundle into `cacheDir` under their base names, with one clone for all that are missing (needs git).
 */
export function ensureBundleFiles(cacheDir: string, files: string[]): string[] {
  const outs = files.map((f) => join(cacheDir, basename(f)))
  const missing = files.filter((_, i) => !existsSync(outs[i]))
  if (missing.length === 0) return outs
  mkdirSync(cacheDir, { recursive: true })
  const bundle = bundlePath()
  if (!existsSync(bundle)) throw new Error(`node-llama-cpp's llama.cpp bundle was not found at ${bundle}: run npm install`)
  const bare = mkdtempSync(join(tmpdir(), 'autodidact-vocab-'))
  try {
    execFileSync('git', ['clone', '--bare', '--quiet', bundle, bare], { stdio: 'pipe' })
    for (const f of missing) {
      const data = execFileSync('git', ['--git-dir', bare, 'show', `HEAD:${f}`], { maxBuffer: 64 << 20 })
      const out = join(cacheDir, basename(f))
      const tmp = `${out}.${process.pid}.tmp`
      writeFileSync(tmp, data)
      renameSync(tmp, out)
    }
  } catch (err) {
    throw new Error(`could not extract ${missing.join(', ')} from node-llama-cpp's bundle (is git installed?): ${(err as Error).message}`)
  } finally {
    rmSync(bare, { recursive: true, force: true })
  }
  return outs
}

/** A seeded generator of standard normal values (mulberry32 + Box-Muller). */
export function rng(seed: number): () => number {
  let a = seed >>> 0 || 1
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return () => {
    const u = Math.max(uniform(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform())
  }
}

export function randomTensor(next: () => number, name: string, dims: number[], std: number, type: GgufTensorData['type']): GgufTensorData {
  const n = dims.reduce((a, b) => a * b, 1)
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = next() * std
  return { name, dims, type, data }
}
export function ones(name: string, n: number): GgufTensorData {
  return { name, dims: [n], type: GGML_TYPE.F32, data: new Float32Array(n).fill(1) }
}

/** Writes a model with `shape` to `outPath` using the tokenizer KVs of `vocabFile`. */
export async function writeDemoModel(outPath: string, vocabFile: string, shape: Partial<ModelShape> = {}, name = 'Autodidact demo (random weights)'): Promise<void> {
  const s = { ...DEFAULT_SHAPE, ...shape }
  if (s.embd % s.heads !== 0 || s.heads % s.headsKv !== 0) throw new Error('embd must divide by heads, heads by headsKv')
  const vocab = await readGgufHeader(vocabFile)
  const tokens = vocab.metadata.get('tokenizer.ggml.tokens')
  const nVocab = Array.isArray(tokens?.value) ? tokens.value.length : 0
  if (!nVocab) throw new Error(`${vocabFile} has no tokenizer.ggml.tokens`)
  const meta = new Map<string, GgufKv>([
    ['general.architecture', kv.str('llama')],
    ['general.name', kv.str(name)],
    ['general.file_type', kv.u32({ f32: 0, f16: 1, q4_0: 2 }[s.weightType])],
    ['llama.context_length', kv.u32(s.ctx)],
    ['llama.embedding_length', kv.u32(s.embd)],
    ['llama.block_count', kv.u32(s.layers)],
    ['llama.feed_forward_length', kv.u32(s.ff)],
    ['llama.attention.head_count', kv.u32(s.heads)],
    ['llama.attention.head_count_kv', kv.u32(s.headsKv)],
    ['llama.rope.dimension_count', kv.u32(s.embd / s.heads)],
    ['llama.attention.layer_norm_rms_epsilon', kv.f32(1e-5)],
    ['llama.vocab_size', kv.u32(nVocab)]
  ])
  for (const [k, v] of vocab.metadata) if (k.startsWith('tokenizer.')) meta.set(k, v)
  meta.set('tokenizer.chat_template', kv.str(CHATML_TEMPLATE))

  const next = rng(s.seed)
  const wt = { f32: GGML_TYPE.F32, f16: GGML_TYPE.F16, q4_0: GGML_TYPE.Q4_0 }[s.weightType]
  const kvDim = (s.embd / s.heads) * s.headsKv
  const tensors: GgufTensorData[] = [
    randomTensor(next, 'token_embd.weight', [s.embd, nVocab], 1, GGML_TYPE.F32),
    ones('output_norm.weight', s.embd),
    randomTensor(next, 'output.weight', [s.embd, nVocab], 3 / Math.sqrt(s.embd), wt)
  ]
  for (let i = 0; i < s.layers; i++) {
    const p = `blk.${i}.`
    tensors.push(
      ones(`${p}attn_norm.weight`, s.embd),
      randomTensor(next, `${p}attn_q.weight`, [s.embd, s.embd], 1 / Math.sqrt(s.embd), wt),
      randomTensor(next, `${p}attn_k.weight`, [s.embd, kvDim], 1 / Math.sqrt(s.embd), wt),
      randomTensor(next, `${p}attn_v.weight`, [s.embd, kvDim], 1 / Math.sqrt(s.embd), wt),
      randomTensor(next, `${p}attn_output.weight`, [s.embd, s.embd], 1 / Math.sqrt(s.embd), wt),
      ones(`${p}ffn_norm.weight`, s.embd),
      randomTensor(next, `${p}ffn_gate.weight`, [s.embd, s.ff], 1 / Math.sqrt(s.embd), wt),
      randomTensor(next, `${p}ffn_up.weight`, [s.embd, s.ff], 1 / Math.sqrt(s.embd), wt),
      randomTensor(next, `${p}ffn_down.weight`, [s.ff, s.embd], 1 / Math.sqrt(s.ff), wt)
    )
  }
  mkdirSync(dirname(outPath), { recursive: true })
  await writeAtomically(outPath, (tmp) => writeGguf(tmp, meta, tensors))
}
