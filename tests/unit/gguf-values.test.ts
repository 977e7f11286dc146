import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readGgufHeader } from '../../src/core/models/gguf-read'
import { GGML_TYPE, GgufValueType as T, type GgufKv } from '../../src/core/models/gguf-types'
import { writeGguf } from '../../src/core/models/gguf-write'

const dir = mkdtempSync(join(tmpdir(), 'gguf-values-'))

describe('GGUF metadata values of every type', () => {
  it('round-trips each scalar type and arrays of them, in order', async () => {
    const meta = new Map<string, GgufKv>([
      ['u8', { type: T.UINT8, value: 255 }],
      ['i8', { type: T.INT8, value: -128 }],
      ['u16', { type: T.UINT16, value: 65535 }],
      ['i16', { type: T.INT16, value: -32768 }],
      ['u32', { type: T.UINT32, value: 4294967295 }],
      ['i32', { type: T.INT32, value: -2147483648 }],
      ['f32', { type: T.FLOAT32, value: 1.5 }],
      ['bool', { type: T.BOOL, value: true }],
      ['str', { type: T.STRING, value: 'héllo ✓ <|im_start|>' }],
      ['u64', { type: T.UINT64, value: 2n ** 63n + 5n }],
      ['i64', { type: T.INT64, value: -(2n ** 62n) }],
      ['f64', { type: T.FLOAT64, value: Math.PI }],
      ['arr.i32', { type: T.ARRAY, itemType: T.INT32, value: [1, -2, 3] }],
      ['arr.f32', { type: T.ARRAY, itemType: T.FLOAT32, value: [0.25, -0.5] }],
      ['arr.bool', { type: T.ARRAY, itemType: T.BOOL, value: [true, false] }],
      ['arr.u64', { type: T.ARRAY, itemType: T.UINT64, value: [0n, 7n] }],
      ['arr.empty', { type: T.ARRAY, itemType: T.STRING, value: [] }]
    ])
    const path = join(dir, 'values.gguf')
    await writeGguf(path, meta, [])
    const h = await readGgufHeader(path)
    expect([...h.metadata.keys()]).toEqual([...meta.keys()])
    for (const [k, v] of meta) expect(h.metadata.get(k), k).toEqual(v)
    expect(h.tensors).toEqual([])
    expect(h.dataOffset % 32).toBe(0)
  })

  it('aligns every tensor to 32 bytes, whatever the sizes', async () => {
    const path = join(dir, 'align.gguf')
    const sizes = [3, 5, 17, 1]
    await writeGguf(path, new Map(), sizes.map((n, i) => ({ name: `t${i}`, dims: [n], type: i % 2 ? GGML_TYPE.F16 : GGML_TYPE.F32, data: Float32Array.from({ length: n }, (_, j) => j + i) })))
    const h = await readGgufHeader(path)
    const buf = readFileSync(path)
    const f16 = { 1: 0x3c00, 3: 0x4200 } as Record<number, number> // 1.0 and 3.0 as IEEE half floats
    h.tensors.forEach((t, i) => {
      const at = h.dataOffset + t.offset
      expect(at % 32).toBe(0)
      // each tensor's first element is its index i
      expect(i % 2 ? buf.readUInt16LE(at) : buf.readFloatLE(at)).toBe(i % 2 ? f16[i] : i)
    })
    expect(buf.readFloatLE(h.dataOffset + h.tensors[2].offset + 4 * 16)).toBe(18) // last of 17 values
    expect(buf.length % 32).toBe(0)
  })

  it('writes Q8_0 blocks (F16 scale = max|x|/127, then 32 rounded bytes) and refuses rows of partial blocks', async () => {
    const path = join(dir, 'q8.gguf')
    const data = Float32Array.from({ length: 64 }, (_, j) => (j < 32 ? (j - 16) / 16 : j === 40 ? -2.54 : 0.01 * (j - 32)))
    await writeGguf(path, new Map(), [{ name: 'q', dims: [32, 2], type: GGML_TYPE.Q8_0, data }])
    const h = await readGgufHeader(path)
    expect(h.tensors[0]).toMatchObject({ type: GGML_TYPE.Q8_0, dims: [32, 2] })
    const buf = readFileSync(path)
    const at = h.dataOffset + h.tensors[0].offset
    // block 0: max |x| = 1 (x[0] = -1), d = 1/127 (as F16 0x2008 ~ 0.007874); block 1: max |x| = 2.54, d = 0.02
    expect(buf.readUInt16LE(at)).toBe(0x2008)
    expect(buf.readInt8(at + 2)).toBe(-127)
    expect(buf.readInt8(at + 2 + 16)).toBe(0)
    expect(buf.readInt8(at + 2 + 24)).toBe(64) // 0.5 * 127 = 63.5, rounded away from zero
    expect(buf.readInt8(at + 34 + 2 + 8)).toBe(-127)
    expect(buf.readInt8(at + 2 + 8)).toBe(-64) // -63.5 rounds away from zero too (C roundf, as ggml)
    expect(h.fileSize).toBe(buf.length)
    await expect(writeGguf(join(dir, 'q8-bad.gguf'), new Map(), [{ name: 'bad', dims: [16, 2], type: GGML_TYPE.Q8_0, data: new Float32Array(32) }])).rejects.toThrow(/Q8_0 needs a row length divisible by 32, got 16/)
  })

  it('rejects a corrupt count instead of allocating it', async () => {
    const path = join(dir, 'count.gguf')
    await writeGguf(path, new Map([['a', { type: T.ARRAY, itemType: T.UINT8, value: [1, 2] }]]), [])
    const buf = readFileSync(path)
    // the array length sits after magic, version, 2 counts, key (8+1 bytes), type and item type
    const at = 4 + 4 + 8 + 8 + 8 + 1 + 4 + 4
    expect(buf.readBigUInt64LE(at)).toBe(2n)
    buf.writeBigUInt64LE(2n ** 60n, at)
    writeFileSync(path, buf)
    await expect(readGgufHeader(path)).rejects.toThrow(/implausible array length .* corrupt/)
  })
})
