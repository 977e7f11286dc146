import { describe, expect, it } from 'vitest'
import { cpuFallbackReason, probeGpu, type GpuProbe } from '../../src/core/models/gpu-reason'

const none: GpuProbe = { platform: 'linux', arch: 'x64', nvidiaDriver: null, renderNodes: 0 }

describe('why models run on the CPU', () => {
  it('says when the CPU was forced, whatever the hardware', () => {
    expect(cpuFallbackReason(true, { ...none, nvidiaDriver: 'NVRM version: 550.54' })).toMatch(/turned off/)
  })
  it('tells a GPU whose build or driver failed apart from no GPU at all', () => {
    const nv = cpuFallbackReason(false, { ...none, nvidiaDriver: 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14' })
    expect(nv).toMatch(/NVIDIA GPU driver is installed \(NVRM version: .*550\.54\.14\).*could not use it.*Update the NVIDIA driver/)
    expect(cpuFallbackReason(false, { ...none, renderNodes: 1 })).toMatch(/no usable Vulkan driver/)
    expect(cpuFallbackReason(false, { ...none, platform: 'darwin' })).toMatch(/Intel Mac/)
    expect(cpuFallbackReason(false, none)).toMatch(/No supported GPU was found/)
  })
  it('probes this machine without throwing', () => {
    const p = probeGpu()
    expect(p.platform).toBe(process.platform)
    expect(p.renderNodes).toBeGreaterThanOrEqual(0)
  })
})
