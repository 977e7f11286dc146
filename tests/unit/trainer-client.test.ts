/**
 * The trainer client's error paths that need no built trainer: a missing or failed build, a process that
 * exits without a `done` event, and a job cancelled before it starts. (The real trainer's paths are in
 * tests/integration/trainer*.test.ts.)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runTraining, TrainerError, trainerStatus } from '../../src/core/trainer/client'
import type { TrainJob } from '../../src/core/trainer/protocol'

const dir = mkdtempSync(join(tmpdir(), 'trainer-client-'))
const job: TrainJob = { model: join(dir, 'model.gguf'), out: join(dir, 'out', 'a.gguf'), examples: [{ tokens: [1, 2, 3], mask: [0, 1, 1] }] }

describe('trainer client', () => {
  it('reports a trainer that was never built, and the reason a build failed', () => {
    const bin = join(dir, 'build', 'bin', 'autodidact-trainer')
    expect(trainerStatus(bin)).toMatchObject({ available: false, path: null, reason: expect.stringMatching(/not built: run npm run build:trainer/) })
    mkdirSync(join(dir, 'build', 'bin'), { recursive: true })
    writeFileSync(join(dir, 'build', 'BUILD_FAILED.txt'), 'CMake was not found: install CMake 3.19+')
    expect(trainerStatus(bin)).toMatchObject({ available: false, reason: expect.stringMatching(/build failed: CMake was not found/) })
  })

  it('rejects with kind unavailable when the trainer binary is missing', async () => {
    const err = await runTraining(job, { trainerPath: join(dir, 'nope', 'autodidact-trainer') }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TrainerError)
    expect((err as TrainerError).kind).toBe('unavailable')
  })

  it('a process that exits without a done event is an error, even with exit code 0, and the job file is removed', async () => {
    // node runs the job file (JSON) and exits 0 without writing any event
    const jobDir = join(dir, 'jobs')
    const err = await runTraining(job, { trainerPath: process.execPath, jobDir }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TrainerError)
    expect((err as TrainerError).kind).toBe('crashed')
    expect((err as Error).message).toMatch(/exited with code 0 before finishing/)
    expect(readdirSync(jobDir)).toEqual([])
  })

  it('a job cancelled before it starts never spawns the trainer', async () => {
    const ac = new AbortController()
    ac.abort()
    const err = await runTraining(job, { trainerPath: process.execPath, signal: ac.signal, jobDir: join(dir, 'jobs2') }).catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'cancelled' })
    expect(existsSync(join(dir, 'jobs2'))).toBe(false) // no job file was even written
  })
})
