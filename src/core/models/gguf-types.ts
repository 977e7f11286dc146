/** GGUF v2/v3 value types (gguf.h) and the tensor types Autodidact reads or writes. */
export enum GgufValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12
}

export const GGML_TYPE = { F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q5_0: 6, Q5_1: 7, Q8_0: 8, Q4_K: 12, Q6_K: 14, BF16: 30 } as const
export const GGML_TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(GGML_TYPE).map(([k, v]) => [v, k]))

export type GgufScalar = number | bigint | boolean | string
export type GgufValue = GgufScalar | GgufScalar[]

/** A metadata value with its declared type (needed to copy KVs faithfully, e.g. tokenizer arrays). */
export interface GgufKv {
  type: GgufValueType
  /** for arrays: the element type */
  itemType?: GgufValueType
  value: GgufValue
}

export interface GgufTensorInfo {
  name: string
  /** ggml order: ne[0] is the innermost (row length) */
  dims: number[]
  type: number
  /** offset relative to the start of the data section */
  offset: number
}

export interface GgufHeader {
  version: number
  metadata: Map<string, GgufKv>
  tensors: GgufTensorInfo[]
  alignment: number
  /** absolute file offset of the tensor data section */
  dataOffset: number
  fileSize: number
}

export class GgufError extends Error {
  constructor(
    message: string,
    readonly kind: 'truncated' | 'magic' | 'version' | 'format'
  ) {
    super(message)
    this.name = 'GgufError'
  }
}

export function metaString(h: GgufHeader, key: string): string | null {
  const kv = h.metadata.get(key)
  return kv && typeof kv.value === 'string' ? kv.value : null
}

export function metaNumber(h: GgufHeader, key: string): number | null {
  const kv = h.metadata.get(key)
  if (!kv) return null
  if (typeof kv.value === 'number') return kv.value
  if (typeof kv.value === 'bigint') return Number(kv.value)
  return null
}
