import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { adapterMismatch, checkAdapter } from '../../src/core/models/adapter-check'
import { checkTensorExtents, readGgufHeader } from '../../src/core/models/gguf-read'
import { GGML_TYPE, GgufValueType, metaNumber, metaString } from '../../src/core/models/gguf-types'
import { kv, writeGguf } from '../../src/core/models/gguf-write'

const dir = mkdtempSync(join(tmpdir(), 'gguf-'))

async function sample(name: string) {
  const meta = new Map([
    ['general.architecture', kv.str('llama')],
    ['llama.block_count', kv.u32(2)],
    ['tokenizer.ggml.tokens', { type: GgufValueType.ARRAY, itemType: GgufValueType.STRING, value: ['<s>', 'a', 'bc'] }],
    ['x.f', kv.f32(0.5)]
  ])
  const path = join(dir, name)
  await writeGguf(path, meta, [
    { name: 'blk.0.attn_q.weight', dims: [4, 4], type: GGML_TYPE.F32, data: Float32Array.from({ length: 16 }, (_, i) => i) },
    { name: 'blk.0.ffn_up.weight', dims: [4, 6], type: GGML_TYPE.F16, data: new Float32Array(24).fill(1) }
  ])
  return path
}

describe('GGUF reader/writer', () => {
  it('round-trips metadata, arrays and tensor infos', async () => {
    const h = await readGgufHeader(await sample('a.gguf'))
    expect(h.version).toBe(3)
    expect(metaString(h, 'general.architecture')).toBe('llama')
    expect(metaNumber(h, 'llama.block_count')).toBe(2)
    expect(h.metadata.get('tokenizer.ggml.tokens')?.value).toEqual(['<s>', 'a', 'bc'])
    expect(h.metadata.get('x.f')?.value).toBeCloseTo(0.5)
    expect(h.tensors.map((t) => [t.name, t.dims, t.type])).toEqual([
      ['blk.0.attn_q.weight', [4, 4], GGML_TYPE.F32],
      ['blk.0.ffn_up.weight', [4, 6], GGML_TYPE.F16]
    ])
    expect(h.tensors[1].offset % 32).toBe(0)
    expect(checkTensorExtents(h)).toBeNull()
    // F32 data lands at dataOffset + offset
    const buf = readFileSync(join(dir, 'a.gguf'))
    expect(buf.readFloatLE(h.dataOffset + h.tensors[0].offset + 4 * 5)).toBe(5)
    // F16 1.0 = 0x3c00
    expect(buf.readUInt16LE(h.dataOffset + h.tensors[1].offset)).toBe(0x3c00)
  })
  it('says clearly when a file is garbage, truncated, or of another version', async () => {
    const garbage = join(dir, 'garbage.gguf')
    writeFileSync(garbage, Buffer.from('this is not a model at all, just text....'))
    await expect(readGgufHeader(garbage)).rejects.toThrow(/not a GGUF file/)
    const full = readFileSync(await sample('b.gguf'))
    const cut = join(dir, 'cut.gguf')
    writeFileSync(cut, full.subarray(0, 60))
    await expect(readGgufHeader(cut)).rejects.toThrow(/file ends early/)
    const dataCut = join(dir, 'datacut.gguf')
    writeFileSync(dataCut, full.subarray(0, full.length - 20))
    expect(checkTensorExtents(await readGgufHeader(dataCut))).toMatch(/truncated/)
    const v9 = Buffer.from(full)
    v9.writeUInt32LE(9, 4)
    const vfile = join(dir, 'v9.gguf')
    writeFileSync(vfile, v9)
    await expect(readGgufHeader(vfile)).rejects.toThrow(/version 9/)
  })
  it('refuses an adapter made for another architecture or shape', async () => {
    const model = await readGgufHeader(await sample('m.gguf'))
    const mk = async (name: string, arch: string, aDims: number[], bDims: number[]) => {
      const p = join(dir, name)
      await writeGguf(p, new Map([['general.architecture', kv.str(arch)], ['general.type', kv.str('adapter')], ['adapter.type', kv.str('lora')]]), [
        { name: 'blk.0.attn_q.weight.lora_a', dims: aDims, type: GGML_TYPE.F32, data: new Float32Array(aDims[0] * aDims[1]) },
        { name: 'blk.0.attn_q.weight.lora_b', dims: bDims, type: GGML_TYPE.F32, data: new Float32Array(bDims[0] * bDims[1]) }
      ])
      return readGgufHeader(p)
    }
    expect(adapterMismatch(await mk('ok.gguf', 'llama', [4, 2], [2, 4]), model)).toBeNull()
    expect(adapterMismatch(await mk('arch.gguf', 'qwen2', [4, 2], [2, 4]), model)).toMatch(/qwen2 architecture/)
    expect(adapterMismatch(await mk('shape.gguf', 'llama', [8, 2], [2, 8]), model)).toMatch(/shape/)
    expect(adapterMismatch(await mk('rank0.gguf', 'llama', [4, 0], [0, 4]), model)).toMatch(/blk\.0\.attn_q\.weight has rank 0 \(an empty LoRA/)
    // a truncated adapter (a copy cut short) is refused before its shapes are looked at
    const full = readFileSync(join(dir, 'ok.gguf'))
    writeFileSync(join(dir, 'cut.gguf'), full.subarray(0, full.length - 8))
    expect(await checkAdapter(join(dir, 'cut.gguf'), model)).toMatch(/the adapter file is incomplete \(tensor blk\.0\.attn_q\.weight\.lora_b extends past the end of the file.*copy or export it again/)
    expect(await checkAdapter(join(dir, 'ok.gguf'), model)).toBeNull()
  })
})
