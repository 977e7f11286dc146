import { metaNumber, metaString, type GgufHeader } from './gguf-types'

/** llama.cpp's LLAMA_MAX_LAYERS: per-layer arrays are this long, a larger block_count aborts the process. */
const MAX_LAYERS = 512
const MAX_EMBD = 1 << 17
const MAX_HEADS = 4096
const MAX_CONTEXT = 1 << 24
const MAX_EXPERTS = 512

/** A number-valued key, or the elements of a per-layer array (some architectures give head counts per layer). */
function values(h: GgufHeader, key: string): number[] | null {
  const kv = h.metadata.get(key)
  if (!kv) return null
  const list = Array.isArray(kv.value) ? kv.value : [kv.value]
  return list.map((v) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN))
}

/**
 * Checks a model's hyperparameters before llama.cpp sees them: a block_count of 0 or 100000, a head count of 0,
 * an embedding length that the heads do not divide... make llama.cpp abort the whole process (GGML_ASSERT)
 * or divide by zero instead of returning an error. Returns what is wrong, or null when the values are sane.
 */
export function hyperparameterProblem(h: GgufHeader): string | null {
  const arch = metaString(h, 'general.architecture')
  if (!arch) return null
  const key = (k: string) => `${arch}.${k}`
  const range = (k: string, min: number, max: number, required: boolean): string | null => {
    const vs = values(h, key(k))
    if (!vs) return required ? `${key(k)} is missing` : null
    if (!vs.length) return `${key(k)} is an empty list`
    const bad = vs.find((v) => !Number.isInteger(v) || v < min || v > max)
    return bad === undefined ? null : `${key(k)} is ${bad} (must be a whole number from ${min} to ${max})`
  }
  const problems = [
    range('block_count', 1, MAX_LAYERS, true),
    range('embedding_length', 1, MAX_EMBD, true),
    range('context_length', 1, MAX_CONTEXT, false),
    range('feed_forward_length', 0, MAX_EMBD * 16, false),
    // per-layer head counts may be 0 for layers without attention; a single count may not
    range('attention.head_count', values(h, key('attention.head_count'))?.length === 1 ? 1 : 0, MAX_HEADS, false),
    range('attention.head_count_kv', values(h, key('attention.head_count_kv'))?.length === 1 ? 1 : 0, MAX_HEADS, false),
    range('attention.key_length', 1, MAX_EMBD, false),
    range('attention.value_length', 1, MAX_EMBD, false),
    range('expert_count', 0, MAX_EXPERTS, false),
    range('expert_used_count', 0, MAX_EXPERTS, false),
    range('vocab_size', 1, 1 << 24, false)
  ]
  const first = problems.find((p) => p !== null)
  if (first) return first

  const layers = metaNumber(h, key('block_count'))!
  const embd = metaNumber(h, key('embedding_length'))!
  for (const k of ['attention.head_count', 'attention.head_count_kv']) {
    const vs = values(h, key(k))
    if (vs && vs.length > 1 && vs.length !== layers) return `${key(k)} lists ${vs.length} values for ${layers} layers`
  }
  const heads = values(h, key('attention.head_count'))
  const headsKv = values(h, key('attention.head_count_kv'))
  if (heads?.length === 1 && !h.metadata.has(key('attention.key_length')) && embd % heads[0] !== 0) {
    return `${key('attention.head_count')} (${heads[0]}) does not divide ${key('embedding_length')} (${embd})`
  }
  if (heads?.length === 1 && headsKv?.length === 1 && heads[0] % headsKv[0] !== 0) {
    return `${key('attention.head_count')} (${heads[0]}) is not a multiple of ${key('attention.head_count_kv')} (${headsKv[0]})`
  }
  const experts = metaNumber(h, key('expert_count')) ?? 0
  const used = metaNumber(h, key('expert_used_count')) ?? 0
  if (used > experts) return `${key('expert_used_count')} (${used}) exceeds ${key('expert_count')} (${experts})`

  const blocks = new Set(h.tensors.flatMap((t) => /^blk\.(\d+)\./.exec(t.name)?.[1] ?? []).map(Number))
  if (blocks.size && Math.max(...blocks) >= layers) return `it has tensors for layer ${Math.max(...blocks)} but ${key('block_count')} is ${layers}`

  const tokens = h.metadata.get('tokenizer.ggml.tokens')
  const nVocab = Array.isArray(tokens?.value) ? tokens.value.length : null
  if (nVocab === 0) return 'its tokenizer has no tokens'
  const declared = metaNumber(h, key('vocab_size'))
  if (nVocab !== null && declared !== null && declared !== nVocab) return `${key('vocab_size')} is ${declared} but the tokenizer has ${nVocab} tokens`
  const embdTensor = h.tensors.find((t) => t.name === 'token_embd.weight')
  if (embdTensor && embdTensor.dims.length === 2) {
    if (embdTensor.dims[0] !== embd) return `token_embd.weight rows have ${embdTensor.dims[0]} values but ${key('embedding_length')} is ${embd}`
    if (nVocab !== null && embdTensor.dims[1] !== nVocab) return `token_embd.weight has ${embdTensor.dims[1]} rows but the tokenizer has ${nVocab} tokens`
  }
  return null
}
