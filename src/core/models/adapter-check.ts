import { checkTensorExtents, readGgufHeader } from './gguf-read'
import { GGML_TYPE, GGML_TYPE_NAMES, GgufError, metaString, type GgufHeader } from './gguf-types'

/**
 * Checks a LoRA adapter against the model it will be attached to, BEFORE node-llama-cpp loads it: an
 * adapter for another model (or with unexpected tensor types) can crash the process at the first decode.
 * Returns null when it fits, else a message saying what is wrong.
 */
export async function checkAdapter(adapterPath: string, model: GgufHeader): Promise<string | null> {
  let h: GgufHeader
  try {
    h = await readGgufHeader(adapterPath)
  } catch (err) {
    return err instanceof GgufError ? `the adapter file is not readable: ${err.message}` : `the adapter file cannot be opened: ${(err as Error).message}`
  }
  const cut = checkTensorExtents(h)
  if (cut) return `the adapter file is incomplete (${cut}): copy or export it again`
  return adapterMismatch(h, model)
}

export function adapterMismatch(adapter: GgufHeader, model: GgufHeader): string | null {
  if (metaString(adapter, 'general.type') !== 'adapter' || metaString(adapter, 'adapter.type') !== 'lora') {
    return 'the file is not a LoRA adapter (general.type must be "adapter" and adapter.type "lora")'
  }
  const arch = metaString(adapter, 'general.architecture')
  const modelArch = metaString(model, 'general.architecture')
  if (arch !== modelArch) return `the adapter was made for the ${arch ?? 'unknown'} architecture, the loaded model is ${modelArch ?? 'unknown'}`
  const base = new Map(model.tensors.map((t) => [t.name, t]))
  const pairs = new Map<string, { a?: number[]; b?: number[] }>()
  for (const t of adapter.tensors) {
    if (t.type !== GGML_TYPE.F32 && t.type !== GGML_TYPE.F16) {
      return `adapter tensor ${t.name} has type ${GGML_TYPE_NAMES[t.type] ?? t.type}; only F32 and F16 adapters are supported`
    }
    const m = /^(.*)\.lora_([ab])$/.exec(t.name)
    if (!m) return `unexpected tensor ${t.name} in the adapter (expected <weight>.lora_a / .lora_b)`
    const p = pairs.get(m[1]) ?? {}
    p[m[2] as 'a' | 'b'] = t.dims
    pairs.set(m[1], p)
  }
  if (pairs.size === 0) return 'the adapter has no tensors'
  for (const [name, { a, b }] of pairs) {
    const w = base.get(name)
    if (!w) return `the adapter changes ${name}, which this model does not have (an adapter for another model?)`
    if (!a || !b) return `the adapter has only one half (lora_a/lora_b) of ${name}`
    if (a[1] === 0 || b[0] === 0 || [...a, ...b].includes(0)) return `the adapter's ${name} has rank 0 (an empty LoRA that changes nothing): train or export it again`
    if (a[0] !== w.dims[0] || b[1] !== w.dims[1] || a[1] !== b[0]) {
      return `the adapter's ${name} has shape A ${a.join('x')}, B ${b.join('x')} but the model's weight is ${w.dims.join('x')} (an adapter for another model size?)`
    }
  }
  return null
}
