import { open } from 'node:fs/promises'
import { GGML_TYPE, GgufValueType, type GgufKv, type GgufScalar } from './gguf-types'

export interface GgufTensorData {
  name: string
  /** ggml order (ne[0] first) */
  dims: number[]
  type: typeof GGML_TYPE.F32 | typeof GGML_TYPE.F16 | typeof GGML_TYPE.Q8_0 | typeof GGML_TYPE.Q4_0
  /** F32 values (converted to F16 / quantized to Q8_0 or Q4_0 as `type` says) */
  data: Float32Array
}

/** Appends little-endian values to one growing buffer (tokenizer arrays hold ~10^5 strings: no Buffer per value). */
class Writer {
  private buf = Buffer.alloc(1 << 16)
  length = 0
  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n))
      this.buf.copy(grown, 0, 0, this.length)
      this.buf = grown
    }
    const at = this.length
    this.length += n
    return at
  }
  u32(v: number) {
    const at = this.room(4)
    this.buf.writeUInt32LE(v, at)
  }
  u64(v: number | bigint) {
    const at = this.room(8)
    this.buf.writeBigUInt64LE(BigInt(v), at)
  }
  str(s: string) {
    const n = Buffer.byteLength(s, 'utf8')
    this.u64(n)
    const at = this.room(n)
    this.buf.write(s, at, 'utf8')
  }
  scalar(type: GgufValueType, v: GgufScalar): void {
    const put = (n: number, write: (b: Buffer, at: number) => void) => {
      const at = this.room(n)
      write(this.buf, at)
    }
    switch (type) {
      case GgufValueType.UINT8: return put(1, (b, at) => b.writeUInt8(Number(v), at))
      case GgufValueType.INT8: return put(1, (b, at) => b.writeInt8(Number(v), at))
      case GgufValueType.UINT16: return put(2, (b, at) => b.writeUInt16LE(Number(v), at))
      case GgufValueType.INT16: return put(2, (b, at) => b.writeInt16LE(Number(v), at))
      case GgufValueType.UINT32: return put(4, (b, at) => b.writeUInt32LE(Number(v), at))
      case GgufValueType.INT32: return put(4, (b, at) => b.writeInt32LE(Number(v), at))
      case GgufValueType.FLOAT32: return put(4, (b, at) => b.writeFloatLE(Number(v), at))
      case GgufValueType.BOOL: return put(1, (b, at) => b.writeUInt8(v ? 1 : 0, at))
      case GgufValueType.STRING: return this.str(String(v))
      case GgufValueType.UINT64: return put(8, (b, at) => b.writeBigUInt64LE(BigInt(v), at))
      case GgufValueType.INT64: return put(8, (b, at) => b.writeBigInt64LE(BigInt(v), at))
      case GgufValueType.FLOAT64: return put(8, (b, at) => b.writeDoubleLE(Number(v), at))
      default: throw new Error(`cannot write GGUF value type ${type}`)
    }
  }
  kv(key: string, kv: GgufKv): void {
    this.str(key)
    this.u32(kv.type)
    if (kv.type === GgufValueType.ARRAY) {
      const items = kv.value as GgufScalar[]
      this.u32(kv.itemType!)
      this.u64(items.length)
      for (const it of items) this.scalar(kv.itemType!, it)
    } else this.scalar(kv.type, kv.value as GgufScalar)
  }
  buffer(): Buffer {
    return this.buf.subarray(0, this.length)
  }
}

/** Shorthands for building metadata. */
export const kv = {
  str: (value: string): GgufKv => ({ type: GgufValueType.STRING, value }),
  u32: (value: number): GgufKv => ({ type: GgufValueType.UINT32, value }),
  f32: (value: number): GgufKv => ({ type: GgufValueType.FLOAT32, value }),
  bool: (value: boolean): GgufKv => ({ type: GgufValueType.BOOL, value })
}

const f16Scratch = new Float32Array(1)
const f16Bits = new Uint32Array(f16Scratch.buffer)

/** IEEE half-precision bits of `v` (round to nearest; tiny values flush to zero: test weights never need subnormals). */
function halfBits(v: number): number {
  f16Scratch[0] = v
  const x = f16Bits[0]
  const sign = (x >>> 16) & 0x8000
  let exp = ((x >>> 23) & 0xff) - 127 + 15
  let mant = x & 0x7fffff
  if (exp <= 0) return sign
  if (exp >= 31) return sign | 0x7c00
  mant += 0x1000
  if (mant & 0x800000) {
    mant = 0
    exp += 1
  }
  return exp >= 31 ? sign | 0x7c00 : sign | (exp << 10) | (mant >>> 13)
}

function toF16(values: Float32Array): Buffer {
  const out = Buffer.alloc(values.length * 2)
  for (let i = 0; i < values.length; i++) out.writeUInt16LE(halfBits(values[i]), i * 2)
  return out
}

/** Q8_0 block size (values per block) and bytes per block: an F16 scale, then 32 signed bytes. */
const Q8_0_BLOCK = 32
const Q8_0_BYTES = 2 + Q8_0_BLOCK

/** Quantizes to ggml's Q8_0 (per block of 32: scale d = max|x| / 127, q = roundf(x / d), as ggml's reference quantizer); rows must be whole blocks. */
function toQ8_0(values: Float32Array, rowLength: number, name: string): Buffer {
  if (rowLength % Q8_0_BLOCK !== 0) throw new Error(`tensor ${name}: Q8_0 needs a row length divisible by ${Q8_0_BLOCK}, got ${rowLength}`)
  const blocks = values.length / Q8_0_BLOCK
  const out = Buffer.alloc(blocks * Q8_0_BYTES)
  const q = new Int8Array(out.buffer, out.byteOffset, out.length)
  for (let b = 0; b < blocks; b++) {
    const base = b * Q8_0_BLOCK
    let amax = 0
    for (let j = 0; j < Q8_0_BLOCK; j++) amax = Math.max(amax, Math.abs(values[base + j]))
    const d = amax / 127
    const id = d ? 1 / d : 0
    const at = b * Q8_0_BYTES
    out.writeUInt16LE(halfBits(d), at)
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const x = values[base + j] * id
      q[at + 2 + j] = Math.min(127, Math.round(Math.abs(x))) * Math.sign(x) // C roundf: halves away from zero
    }
  }
  return out
}

/** Q4_0 block: an F16 scale, then 16 bytes holding 32 4-bit values (value j in the low nibble of byte j, value 16+j in the high). */
const Q4_0_BLOCK = 32
const Q4_0_BYTES = 2 + Q4_0_BLOCK / 2

/** Quantizes to ggml's Q4_0 as its reference quantizer does: d = (the value of largest magnitude) / -8, q = min(15, trunc(x / d + 8.5)). */
function toQ4_0(values: Float32Array, rowLength: number, name: string): Buffer {
  if (rowLength % Q4_0_BLOCK !== 0) throw new Error(`tensor ${name}: Q4_0 needs a row length divisible by ${Q4_0_BLOCK}, got ${rowLength}`)
  const blocks = values.length / Q4_0_BLOCK
  const out = Buffer.alloc(blocks * Q4_0_BYTES)
  for (let b = 0; b < blocks; b++) {
    const base = b * Q4_0_BLOCK
    let max = 0
    for (let j = 0; j < Q4_0_BLOCK; j++) if (Math.abs(values[base + j]) > Math.abs(max)) max = values[base + j]
    const d = max / -8
    const id = d ? 1 / d : 0
    const at = b * Q4_0_BYTES
    out.writeUInt16LE(halfBits(d), at)
    const nibble = (x: number) => Math.min(15, Math.trunc(x * id + 8.5))
    for (let j = 0; j < Q4_0_BLOCK / 2; j++) out[at + 2 + j] = nibble(values[base + j]) | (nibble(values[base + Q4_0_BLOCK / 2 + j]) << 4)
  }
  return out
}

/** The bytes of a tensor as stored in the file. */
function tensorBytes(t: GgufTensorData): Buffer {
  if (t.type === GGML_TYPE.F16) return toF16(t.data)
  if (t.type === GGML_TYPE.Q8_0) return toQ8_0(t.data, t.dims[0], t.name)
  if (t.type === GGML_TYPE.Q4_0) return toQ4_0(t.data, t.dims[0], t.name)
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)
}

/** Writes a GGUF v3 file: metadata (in insertion order) and F32/F16/Q8_0/Q4_0 tensors, 32-byte aligned. */
export async function writeGguf(path: string, metadata: Map<string, GgufKv>, tensors: GgufTensorData[]): Promise<void> {
  const alignment = 32
  const w = new Writer()
  w.u32(0x46554747)
  w.u32(3)
  w.u64(tensors.length)
  w.u64(metadata.size)
  for (const [k, v] of metadata) w.kv(k, v)
  const datas = tensors.map((t) => {
    const n = t.dims.reduce((a, b) => a * b, 1)
    if (n !== t.data.length) throw new Error(`tensor ${t.name}: ${t.data.length} values for dims ${t.dims.join('x')}`)
    return tensorBytes(t)
  })
  let offset = 0
  tensors.forEach((t, i) => {
    w.str(t.name)
    w.u32(t.dims.length)
    for (const d of t.dims) w.u64(d)
    w.u32(t.type)
    w.u64(offset)
    offset += Math.ceil(datas[i].length / alignment) * alignment
  })
  const header = w.buffer()
  const fh = await open(path, 'w')
  try {
    let pos = 0
    const write = async (b: Buffer) => {
      await fh.write(b, 0, b.length, pos)
      pos += b.length
    }
    await write(header)
    await write(Buffer.alloc(Math.ceil(pos / alignment) * alignment - pos))
    for (const d of datas) {
      await write(d)
      await write(Buffer.alloc(Math.ceil(d.length / alignment) * alignment - d.length))
    }
  } finally {
    await fh.close()
  }
}
