import { describe, expect, it } from 'vitest'
import type { EngineEvent, JobInfo } from '../../src/core/contract'
import { UserError } from '../../src/core/errors'
import { createEventBus } from '../../src/core/events'
import { createJobManager } from '../../src/core/jobs/jobs'

function setup() {
  const bus = createEventBus()
  const updates: JobInfo[] = []
  bus.on((e: EngineEvent) => {
    if (e.type === 'job.update') updates.push(e.job)
  })
  return { jobs: createJobManager(bus), updates }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('JobManager', () => {
  it('runs work, resolves done with its result and publishes running then done', async () => {
    const { jobs, updates } = setup()
    const { id, done } = jobs.start('download', 'get a file', async () => 42)
    expect(jobs.get(id)?.status).toBe('running')
    expect(await done).toBe(42)
    const mine = updates.filter((u) => u.id === id)
    expect(mine[0]).toMatchObject({ status: 'running', kind: 'download', label: 'get a file', progress: null })
    expect(mine.at(-1)).toMatchObject({ status: 'done', progress: 1, error: null })
    expect(mine.at(-1)!.endedAt).toBeGreaterThanOrEqual(mine.at(-1)!.startedAt)
  })

  it('marks a throwing job failed with its message, and done rejects', async () => {
    const { jobs, updates } = setup()
    const { id, done } = jobs.start('train', 'fail', async () => {
      throw new UserError('The trainer binary is missing.', 'trainer_missing')
    })
    await expect(done).rejects.toThrow('trainer binary is missing')
    expect(jobs.get(id)).toMatchObject({ status: 'failed', error: 'The trainer binary is missing.' })
    expect(updates.at(-1)).toMatchObject({ id, status: 'failed' })
  })

  it('cancel aborts the signal and ends the job as cancelled; unknown or finished jobs are not cancellable', async () => {
    const { jobs } = setup()
    const { id, done } = jobs.start('chat', 'wait for abort', (job) => new Promise((_, reject) => job.signal.addEventListener('abort', () => reject(new Error('stopped')))))
    expect(jobs.cancel('job_nope')).toBe(false)
    expect(jobs.cancel(id)).toBe(true)
    await expect(done).rejects.toThrow('stopped')
    expect(jobs.get(id)?.status).toBe('cancelled')
    expect(jobs.cancel(id)).toBe(false)
  })

  it('throttles progress to about 10 events a second, always sending the final value', async () => {
    const { jobs, updates } = setup()
    let release!: () => void
    const { id, done } = jobs.start('train', 'spam progress', async (job) => {
      for (let i = 1; i <= 1000; i++) job.progress(i / 2000, `step ${i}`)
      await new Promise<void>((r) => (release = r))
    })
    const burst = updates.filter((u) => u.id === id && u.status === 'running').length
    expect(burst).toBeLessThanOrEqual(3) // the start event and at most the first progress value
    await sleep(250)
    const latest = updates.filter((u) => u.id === id).at(-1)!
    expect(latest).toMatchObject({ progress: 0.5, detail: 'step 1000' }) // the trailing update carried the last value
    release()
    await done
    expect(updates.filter((u) => u.id === id).length).toBeLessThanOrEqual(5)
  })

  it('emits snapshots: later changes do not mutate events already sent or objects returned', async () => {
    const { jobs, updates } = setup()
    let release!: () => void
    const { id, done } = jobs.start('round', 'snap', () => new Promise<void>((r) => (release = r)))
    const first = updates.find((u) => u.id === id)!
    const got = jobs.get(id)!
    got.status = 'failed'
    release()
    await done
    expect(first.status).toBe('running')
    expect(jobs.get(id)!.status).toBe('done')
  })

  it('keeps a bounded list of finished jobs, newest first, and never drops running ones', async () => {
    const { jobs } = setup()
    let release!: () => void
    const running = jobs.start('experiment', 'long', () => new Promise<void>((r) => (release = r)))
    for (let i = 0; i < 80; i++) await jobs.start('chat', `quick ${i}`, async () => i).done
    const list = jobs.list()
    expect(list.length).toBeLessThanOrEqual(51)
    expect(list.length).toBeGreaterThanOrEqual(10)
    expect(list.some((j) => j.id === running.id)).toBe(true)
    expect(list.some((j) => j.label === 'quick 79')).toBe(true)
    expect(list.some((j) => j.label === 'quick 0')).toBe(false)
    for (let i = 1; i < list.length; i++) expect(list[i - 1].startedAt).toBeGreaterThanOrEqual(list[i].startedAt)
    release()
    await running.done
  })
})
