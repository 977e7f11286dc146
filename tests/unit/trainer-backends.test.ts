import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { backendArgs, backendFolders, prebuiltPackage, trainingDevice } from '../../src/core/trainer/backends'
import type { StartedEvent } from '../../src/core/trainer/protocol'
import { tempDir } from '../fixtures/engine'

describe('the trainer uses the ggml backends node-llama-cpp chose', () => {
  it('maps node-llama-cpp\'s GPU type to its prebuilt package, as node-llama-cpp does', () => {
    expect(prebuiltPackage('linux', 'x64', 'cuda')).toEqual({ pkg: 'linux-x64-cuda', ext: 'linux-x64-cuda-ext' })
    expect(prebuiltPackage('linux', 'x64', 'vulkan')).toEqual({ pkg: 'linux-x64-vulkan' })
    expect(prebuiltPackage('linux', 'x64', false)).toEqual({ pkg: 'linux-x64' })
    expect(prebuiltPackage('darwin', 'arm64', 'metal')).toEqual({ pkg: 'mac-arm64-metal' })
    expect(prebuiltPackage('darwin', 'x64', false)).toEqual({ pkg: 'mac-x64' })
    expect(prebuiltPackage('win32', 'x64', 'cuda')).toEqual({ pkg: 'win-x64-cuda', ext: 'win-x64-cuda-ext' })
    expect(prebuiltPackage('linux', 'arm64', false)).toEqual({ pkg: 'linux-arm64' })
    expect(prebuiltPackage('linux', 'x64', 'metal')).toBeNull()
    expect(prebuiltPackage('freebsd', 'x64', false)).toBeNull()
  })

  it('resolves the binary folder and the CUDA fallback folder, and turns them into trainer options', () => {
    const root = tempDir('nlc-packages-')
    mkdirSync(join(root, 'linux-x64-cuda', 'bins', 'linux-x64-cuda'), { recursive: true })
    mkdirSync(join(root, 'linux-x64-cuda-ext', 'bins', 'linux-x64-cuda', 'fallback'), { recursive: true })
    mkdirSync(join(root, 'linux-x64', 'bins', 'linux-x64'), { recursive: true })
    const cuda = backendFolders('cuda', 'linux', 'x64', root)
    expect(cuda).toEqual({ dir: join(root, 'linux-x64-cuda', 'bins', 'linux-x64-cuda'), fallbackDir: join(root, 'linux-x64-cuda-ext', 'bins', 'linux-x64-cuda', 'fallback') })
    expect(backendArgs(cuda)).toEqual(['--backends', cuda!.dir, '--backends-fallback', cuda!.fallbackDir])
    expect(backendFolders(false, 'linux', 'x64', root)).toEqual({ dir: join(root, 'linux-x64', 'bins', 'linux-x64') })
    expect(backendFolders('vulkan', 'linux', 'x64', root)).toBeNull() // not installed
    expect(backendArgs(null)).toEqual([])
  })

  it('finds the packages npm installed here', () => {
    const cpu = backendFolders(false)
    if (process.platform === 'linux' && process.arch === 'x64') expect(readdirSync(cpu!.dir)).toContain('libggml-base.so')
  })

  it('stores where a round trained from the started event', () => {
    const started = { backend: 'gpu', device: 'Metal (Apple M2)', ggmlBackend: 'Metal', baseCopy: null, placement: { device: 'gpu', f32Copy: false, cpuOps: ['OUT_PROD (f16)'], reason: 'Metal cannot compute OUT_PROD (f16): those ops run on the CPU (unified memory), the rest on the GPU' } } as unknown as StartedEvent
    expect(trainingDevice(started)).toEqual({ placement: 'gpu', device: 'Metal (Apple M2)', backend: 'Metal', cpuOps: ['OUT_PROD (f16)'], reason: started.placement.reason, f32Copy: false })
  })

  it('no patch touches ggml/ (the hybrid build takes ggml prebuilt from node-llama-cpp)', () => {
    const dir = join(__dirname, '..', '..', 'native', 'patches')
    const patches = readdirSync(dir).filter((f) => f.endsWith('.patch'))
    expect(patches.length).toBeGreaterThan(0)
    for (const p of patches) expect(readFileSync(join(dir, p), 'utf8'), p).not.toMatch(/^diff --git a\/ggml\//m)
  })
})
