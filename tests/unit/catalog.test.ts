import { describe, expect, it } from 'vitest'
import { CATALOG, OVERHEAD_BYTES, fitCheck, kvCacheBytes } from '../../src/core/models/catalog'
import type { GpuReport } from '../../src/core/contract'

const GB = 1024 ** 3
const qwen15 = CATALOG.find((e) => e.id === 'qwen2.5-1.5b-instruct-q4-k-m')!

describe('catalog fit check', () => {
  it('computes the KV cache size by hand', () => {
    // Qwen2.5-1.5B: 28 layers x 2 kv heads x 128 dims, K and V, 2 bytes each, 4096 tokens = 112 MiB
    expect(kvCacheBytes(qwen15.arch, 4096)).toBe(2 * 28 * 2 * 128 * 2 * 4096)
  })
  it('fits a GPU with room and says so with the numbers', () => {
    const gpu: GpuReport = { backend: 'cuda', deviceNames: ['Test GPU'], vramTotalBytes: 8 * GB, vramFreeBytes: 6 * GB, ramTotalBytes: 16 * GB, ramFreeBytes: 8 * GB, cpuReason: null }
    const f = fitCheck(qwen15, gpu, 4096)
    expect(f.fits).toBe(true)
    expect(f.where).toBe('gpu')
    expect(f.neededBytes).toBe(qwen15.sizeBytes + kvCacheBytes(qwen15.arch, 4096) + OVERHEAD_BYTES)
    expect(f.reason).toMatch(/Test GPU/)
  })
  it('explains a model too large for GPU and RAM', () => {
    const gpu: GpuReport = { backend: 'vulkan', deviceNames: ['Small GPU'], vramTotalBytes: 2 * GB, vramFreeBytes: 1 * GB, ramTotalBytes: 4 * GB, ramFreeBytes: 1 * GB, cpuReason: null }
    const f = fitCheck(CATALOG.find((e) => e.params === '3B' && e.quant === 'Q8_0')!, gpu, 8192)
    expect(f.fits).toBe(false)
    expect(f.where).toBe('none')
    expect(f.reason).toMatch(/not enough RAM/)
  })
  it('on a CPU-only machine says so with the reason', () => {
    const cpu: GpuReport = { backend: 'cpu', deviceNames: [], vramTotalBytes: null, vramFreeBytes: null, ramTotalBytes: 16 * GB, ramFreeBytes: 8 * GB, cpuReason: 'No supported GPU was found' }
    const f = fitCheck(qwen15, cpu, 4096)
    expect(f.where).toBe('cpu')
    expect(f.reason).toMatch(/No supported GPU/)
  })
})
