import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { GgufError, GgufValueType, type GgufHeader, type GgufKv, type GgufScalar, type GgufTensorInfo } from './gguf-types'

const MAGIC = 0x46554747 // "GGUF" little-endian

/** Reads a byte range lazily: GGUF headers of real models are megabytes (tokenizer arrays), not gigabytes. */
class Cursor {
  private buf: Buffer = Buffer.alloc(0)
  private bufStart = 0
  pos = 0
  constructor(
    private readonly read: (start: number, length: number) => Promise<Buffer>,
    readonly size: number
  ) {}

  async need(n: number): Promise<void> {
    if (this.pos + n > this.size) {
      throw new GgufError(`file ends early: needed ${n} bytes at offset ${this.pos} of ${this.size} (truncated or incomplete download)`, 'truncated')
    }
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) return
    const len = Math.min(Math.max(n, 1 << 20), this.size - this.pos)
    this.buf = await this.read(this.pos, len)
    this.bufStart = this.pos
  }
  private at(): number {
    return this.pos - this.bufStart
  }
  async u8() { await this.need(1); const v = this.buf.readUInt8(this.at()); this.pos += 1; return v }
  async i8() { await this.need(1); const v = this.buf.readInt8(this.at()); this.pos += 1; return v }
  async u16() { await this.need(2); const v = this.buf.readUInt16LE(this.at()); this.pos += 2; return v }
  async i16() { await this.need(2); const v = this.buf.readInt16LE(this.at()); this.pos += 2; return v }
  async u32() { await this.need(4); const v = this.buf.readUInt32LE(this.at()); this.pos += 4; return v }
  async i32() { await this.need(4); const v = this.buf.readInt32LE(this.at()); this.pos += 4; return v }
  async f32() { await this.need(4); const v = this.buf.readFloatLE(this.at()); this.pos += 4; return v }
  async f64() { await this.need(8); const v = this.buf.readDoubleLE(this.at()); this.pos += 8; return v }
  async u64() { await this.need(8); const v = this.buf.readBigUInt64LE(this.at()); this.pos += 8; return v }
  async i64() { await this.need(8); const v = this.buf.readBigInt64LE(this.at()); this.pos += 8; return v }
  async count(what: string): Promise<number> {
    const v = await this.u64()
    if (v > BigInt(this.size)) throw new GgufError(`implausible ${what} (${v}): the file is corrupt`, 'format')
    return Number(v)
  }
  async str(): Promise<string> {
    const len = await this.count('string length')
    await this.need(len)
    const s = this.buf.toString('utf8', this.at(), this.at() + len)
    this.pos += len
    return s
  }
}

async function readScalar(c: Cursor, type: GgufValueType): Promise<GgufScalar> {
  switch (type) {
    case GgufValueType.UINT8: return c.u8()
    case GgufValueType.INT8: return c.i8()
    case GgufValueType.UINT16: return c.u16()
    case GgufValueType.INT16: return c.i16()
    case GgufValueType.UINT32: return c.u32()
    case GgufValueType.INT32: return c.i32()
    case GgufValueType.FLOAT32: return c.f32()
    case GgufValueType.BOOL: return (await c.u8()) !== 0
    case GgufValueType.STRING: return c.str()
    case GgufValueType.UINT64: return c.u64()
    case GgufValueType.INT64: return c.i64()
    case GgufValueType.FLOAT64: return c.f64()
    default: throw new GgufError(`unknown metadata value type ${type} at offset ${c.pos}: the file is corrupt`, 'format')
  }
}

async function readKv(c: Cursor): Promise<GgufKv> {
  const type = (await c.u32()) as GgufValueType
  if (type !== GgufValueType.ARRAY) return { type, value: await readScalar(c, type) }
  const itemType = (await c.u32()) as GgufValueType
  if (itemType === GgufValueType.ARRAY) throw new GgufError('nested metadata arrays are not supported', 'format')
  const n = await c.count('array length')
  const value: GgufScalar[] = new Array(n)
  for (let i = 0; i < n; i++) value[i] = await readScalar(c, itemType)
  return { type, itemType, value }
}

/** Parses a GGUF file's header, metadata and tensor table (not the tensor data). */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  // non-blocking open: a FIFO or device must not hold a thread of the I/O pool; only a regular file is read
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const st = await fh.stat()
    if (!st.isFile()) throw new GgufError('not a regular file (a pipe, device or folder): pick a .gguf model file', 'format')
    const { size } = st
    const c = new Cursor(async (start, length) => {
      const b = Buffer.alloc(length)
      const { bytesRead } = await fh.read(b, 0, length, start)
      return b.subarray(0, bytesRead)
    }, size)
    if (size < 24) throw new GgufError(`file is only ${size} bytes: not a GGUF model (truncated or empty)`, 'truncated')
    const magic = await c.u32()
    if (magic !== MAGIC) throw new GgufError('not a GGUF file (wrong magic bytes): pick a .gguf model file', 'magic')
    const version = await c.u32()
    if (version < 2 || version > 3) throw new GgufError(`GGUF version ${version} is not supported (2 and 3 are)`, 'version')
    const nTensors = await c.count('tensor count')
    const nKv = await c.count('metadata count')
    const metadata = new Map<string, GgufKv>()
    for (let i = 0; i < nKv; i++) {
      const key = await c.str()
      metadata.set(key, await readKv(c))
    }
    const tensors: GgufTensorInfo[] = []
    for (let i = 0; i < nTensors; i++) {
      const name = await c.str()
      const nDims = await c.u32()
      if (nDims > 4) throw new GgufError(`tensor ${name} has ${nDims} dimensions (at most 4): the file is corrupt`, 'format')
      const dims: number[] = []
      for (let d = 0; d < nDims; d++) dims.push(Number(await c.u64()))
      const type = await c.u32()
      const offset = Number(await c.u64())
      tensors.push({ name, dims, type, offset })
    }
    const alignKv = metadata.get('general.alignment')
    const alignment = alignKv && typeof alignKv.value === 'number' ? alignKv.value : 32
    const dataOffset = Math.ceil(c.pos / alignment) * alignment
    if (nTensors > 0 && dataOffset > size) throw new GgufError('file ends before its tensor data (truncated)', 'truncated')
    return { version, metadata, tensors, alignment, dataOffset, fileSize: size }
  } finally {
    await fh.close()
  }
}

/** Bytes per element block for the tensor types we size-check; null when unknown. */
export function tensorBytes(type: number, elements: number): number | null {
  const sizes: Record<number, [number, number]> = { 0: [1, 4], 1: [1, 2], 30: [1, 2], 8: [32, 34], 2: [32, 18], 3: [32, 20], 12: [256, 144], 14: [256, 210] }
  const s = sizes[type]
  return s ? (elements / s[0]) * s[1] : null
}

/** Checks that every tensor's data lies inside the file: catches truncated downloads. */
export function checkTensorExtents(h: GgufHeader): string | null {
  for (const t of h.tensors) {
    const n = t.dims.reduce((a, b) => a * b, 1)
    const bytes = tensorBytes(t.type, n)
    if (bytes !== null && h.dataOffset + t.offset + bytes > h.fileSize) {
      return `tensor ${t.name} extends past the end of the file (${h.fileSize} bytes): the file is truncated`
    }
  }
  return null
}
