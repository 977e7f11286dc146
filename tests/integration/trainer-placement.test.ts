/**
 * Where a job trains (native/src/placement.cpp: a pure function of the device's capabilities, the base's weight
 * types and the job's policy), run through the trainer binary's --decide-placement: the same code the trainer
 * obeys before it loads a model. Capabilities are those ggml reports for each backend (CUDA: OUT_PROD F32 only;
 * Metal: no OUT_PROD and no training backward ops, unified memory; Vulkan: every training op).
 */
import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { trainerStatus } from '../../src/core/trainer/client'
import type { Placement } from '../../src/core/trainer/protocol'

interface Caps {
  backend: string
  gpu: boolean
  unifiedMemory?: boolean
  missingOps?: string[]
  outProd?: Record<string, boolean>
}
const CUDA: Caps = { backend: 'CUDA', gpu: true, missingOps: [], outProd: { f32: true, f16: false, q8_0: false } }
const METAL: Caps = { backend: 'Metal', gpu: true, unifiedMemory: true, missingOps: ['CROSS_ENTROPY_LOSS_BACK', 'OPT_STEP_ADAMW', 'GET_ROWS_BACK'], outProd: { f32: false, f16: false, q8_0: false } }
const VULKAN: Caps = { backend: 'Vulkan', gpu: true, missingOps: [], outProd: { f32: true, f16: true, q8_0: true } }
const NO_GPU: Caps = { backend: 'CPU', gpu: false }

describe('trainer placement decision', () => {
  let trainer: string
  beforeAll(() => {
    expect(trainerStatus().available, trainerStatus().reason ?? '').toBe(true)
    trainer = trainerStatus().path!
  })
  const decide = (caps: Caps, weightTypes: string[], policy: Record<string, unknown> = {}): Placement => {
    const r = spawnSync(trainer, ['--decide-placement'], { input: JSON.stringify({ caps, weightTypes, policy }), encoding: 'utf8' })
    expect(r.status, r.stdout + r.stderr).toBe(0)
    return JSON.parse(r.stdout.trim()) as Placement
  }

  it('CUDA: F32 bases train on the GPU; F16/quantized ones against an F32 copy, or on the CPU when copies are off', () => {
    expect(decide(CUDA, ['f32'])).toEqual({ device: 'gpu', f32Copy: false, cpuOps: [], reason: null })
    expect(decide(CUDA, ['f16', 'f32'])).toEqual({ device: 'gpu', f32Copy: true, cpuOps: [], reason: null })
    const never = decide(CUDA, ['q8_0'], { f32Copy: 'never' })
    expect(never).toMatchObject({ device: 'cpu', f32Copy: false, cpuOps: [] })
    expect(never.reason).toMatch(/CUDA cannot compute OUT_PROD \(q8_0\): training on the CPU/)
    expect(decide(CUDA, ['f32'], { gpuLayers: 0 })).toMatchObject({ device: 'cpu', reason: 'gpuLayers 0 asks for the CPU' })
  })

  it('Metal (Apple Silicon) is never refused: the missing ops run on the CPU, or the whole job does with cpuOps never', () => {
    for (const types of [['f32'], ['f16'], ['q4_K', 'q6_K']]) {
      const p = decide(METAL, types)
      expect(p.device).toBe('gpu')
      expect(p.f32Copy).toBe(false) // a copy would not help: Metal has no OUT_PROD at all
      expect(p.cpuOps).toEqual(['CROSS_ENTROPY_LOSS_BACK', 'OPT_STEP_ADAMW', 'GET_ROWS_BACK', `OUT_PROD (${types.join(', ')})`])
      expect(p.reason).toMatch(/^Metal cannot compute .*: those ops run on the CPU \(unified memory\)/)
    }
    const cpu = decide(METAL, ['f16'], { cpuOps: 'never' })
    expect(cpu).toMatchObject({ device: 'cpu', cpuOps: [] })
    expect(cpu.reason).toMatch(/cpuOps never: training on the CPU/)
  })

  it('Vulkan: every training op and OUT_PROD type present: plain GPU training, no copy', () => {
    expect(decide(VULKAN, ['f16', 'q8_0', 'f32'])).toEqual({ device: 'gpu', f32Copy: false, cpuOps: [], reason: null })
    // a discrete GPU without an op trains on the CPU (no unified memory to share)
    const lacking = decide({ ...VULKAN, missingOps: ['ROPE_BACK'] }, ['f32'])
    expect(lacking).toMatchObject({ device: 'cpu', cpuOps: [] })
    expect(lacking.reason).toMatch(/Vulkan cannot compute ROPE_BACK: training on the CPU/)
  })

  it('no GPU: the CPU, with an F32 copy only when asked for', () => {
    expect(decide(NO_GPU, ['f16'])).toEqual({ device: 'cpu', f32Copy: false, cpuOps: [], reason: 'no GPU backend is available' })
    expect(decide(NO_GPU, ['f16'], { f32Copy: 'always' })).toMatchObject({ device: 'cpu', f32Copy: true })
  })

  it('malformed input is refused as bad_input', () => {
    const r = spawnSync(trainer, ['--decide-placement'], { input: 'not json', encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stdout).toMatch(/"kind":"bad_input"/)
  })
})
