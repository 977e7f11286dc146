import { open } from 'node:fs/promises'
import { GGML_TYPE, GgufValueType, type GgufKv, type GgufScalar } from './gguf-types'

export interface GgufTensorData {
  name: string
  /** ggml order (ne[0] first) */
  dims: number[]
  type: typeof GGML_TYPE.F32 | typeof GGML_TYPE.F16
  /** F32 values (converted to F16 when type is F16) */
  data: Float32Array
}

class Writer {
  private chunks: Buffer[] = []
  length = 0
  push(b: Buffer): void {
    this.chunks.push(b)
    this.length += b.length
  }
  u32(v: number) { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.push(b) }
  u64(v: number | bigint) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.push(b) }
  str(s: string) { const b = Buffer.from(s, 'utf8'); this.u64(b.length); this.push(b) }
  scalar(type: GgufValueType, v: GgufScalar): void {
    const b = Buffer.alloc(8)
    switch (type) {
      case GgufValueType.UINT8: b.writeUInt8(Number(v)); return this.push(b.subarray(0, 1))
      case GgufValueType.INT8: b.writeInt8(Number(v)); return this.push(b.subarray(0, 1))
      case GgufValueType.UINT16: b.writeUInt16LE(Number(v)); return this.push(b.subarray(0, 2))
      case GgufValueType.INT16: b.writeInt16LE(Number(v)); return this.push(b.subarray(0, 2))
      case GgufValueType.UINT32: b.writeUInt32LE(Number(v)); return this.push(b.subarray(0, 4))
      case GgufValueType.INT32: b.writeInt32LE(Number(v)); return this.push(b.subarray(0, 4))
      case GgufValueType.FLOAT32: b.writeFloatLE(Number(v)); return this.push(b.subarray(0, 4))
      case GgufValueType.BOOL: b.writeUInt8(v ? 1 : 0); return this.push(b.subarray(0, 1))
      case GgufValueType.STRING: return this.str(String(v))
      case GgufValueType.UINT64: b.writeBigUInt64LE(BigInt(v)); return this.push(b)
      case GgufValueType.INT64: b.writeBigInt64LE(BigInt(v)); return this.push(b)
      case GgufValueType.FLOAT64: b.writeDoubleLE(Number(v)); return this.push(b)
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
    return Buffer.concat(this.chunks)
  }
}

/** Shorthands for building metadata. */
export const kv = {
  str: (value: string): GgufKv => ({ type: GgufValueType.STRING, value }),
  u32: (value: number): GgufKv => ({ type: GgufValueType.UINT32, value }),
  f32: (value: number): GgufKv => ({ type: GgufValueType.FLOAT32, value }),
  bool: (value: boolean): GgufKv => ({ type: GgufValueType.BOOL, value })
}

function toF16(values: Float32Array): Buffer {
  const out = Buffer.alloc(values.length * 2)
  const f = new Float32Array(1)
  const u = new Uint32Array(f.buffer)
  for (let i = 0; i < values.length; i++) {
    f[0] = values[i]
    const x = u[0]
    const sign = (x >>> 16) & 0x8000
    let exp = ((x >>> 23) & 0xff) - 127 + 15
    let mant = x & 0x7fffff
    let h: number
    if (exp <= 0) h = sign // flush tiny values to zero (test weights never need subnormals)
    else if (exp >= 31) h = sign | 0x7c00
    else {
      mant += 0x1000 // round to nearest
      if (mant & 0x800000) { mant = 0; exp += 1 }
      h = exp >= 31 ? sign | 0x7c00 : sign | (exp << 10) | (mant >>> 13)
    }
    out.writeUInt16LE(h, i * 2)
  }
  return out
}

/** Writes a GGUF v3 file: metadata (in insertion order) and F32/F16 tensors, 32-byte aligned. */
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
    return t.type === GGML_TYPE.F16 ? toF16(t.data) : Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)
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
