import { afterEach, describe, expect, it, vi } from 'vitest'
import { speedMeter } from '../../src/core/chat/stats'
import type { EngineEvent, RoundStage } from '../../src/core/contract'
import { createEventBus } from '../../src/core/events'
import type { JobHandle } from '../../src/core/jobs/types'
import { roundProgress } from '../../src/core/rounds/progress'
import type { Services } from '../../src/core/services'

afterEach(() => vi.useRealTimers())

describe('round progress events', () => {
  function setup() {
    vi.useFakeTimers()
    const events = createEventBus()
    const seen: EngineEvent[] = []
    events.on((e) => seen.push(e))
    const jobCalls: [number | null, string | null | undefined][] = []
    const job: JobHandle = { id: 'job_1', signal: new AbortController().signal, progress: (p, d) => jobCalls.push([p, d]) }
    let stage: RoundStage = 'augmentation'
    const tracked = roundProgress({ events } as unknown as Services, 'round_1', job, () => stage)
    return { seen, jobCalls, tracked, setStage: (s: RoundStage) => (stage = s) }
  }

  it('publish the stage, fraction and detail, throttled with the latest value sent last; the job still gets every call', () => {
    const { seen, jobCalls, tracked } = setup()
    tracked.progress(0.1, 'writing examples: 10 tokens')
    tracked.progress(0.2, 'writing examples: 20 tokens')
    tracked.progress(0.3) // keeps the detail
    expect(jobCalls).toHaveLength(3)
    expect(seen).toEqual([{ type: 'round.progress', roundId: 'round_1', jobId: 'job_1', stage: 'augmentation', progress: 0.1, detail: 'writing examples: 10 tokens' }])
    vi.advanceTimersByTime(200)
    expect(seen.at(-1)).toEqual({ type: 'round.progress', roundId: 'round_1', jobId: 'job_1', stage: 'augmentation', progress: 0.3, detail: 'writing examples: 20 tokens' })
    expect(seen).toHaveLength(2)
  })

  it('a value still waiting when the stage changes goes out at once under its own stage, never later', () => {
    const { seen, tracked, setStage } = setup()
    tracked.progress(0.5, 'a')
    tracked.progress(0.9, 'b')
    setStage('training')
    tracked.stageChanged()
    expect(seen.map((e) => [(e as { stage: string }).stage, (e as { detail: string }).detail])).toEqual([['augmentation', 'a'], ['augmentation', 'b']])
    vi.advanceTimersByTime(500)
    expect(seen).toHaveLength(2)
    tracked.progress(0.1, 'epoch 1/2')
    expect(seen.at(-1)).toMatchObject({ stage: 'training', progress: 0.1, detail: 'epoch 1/2' })
  })
})

describe('chat answer speed', () => {
  it('time to first token from the send, tokens per second after the first token', () => {
    let t = 1000
    const meter = speedMeter(1000, () => t)
    expect(meter.stats()).toEqual({ tokens: 0, ttftMs: null, tokensPerSec: null })
    t = 1400
    meter.token()
    expect(meter.stats()).toEqual({ tokens: 1, ttftMs: 400, tokensPerSec: null })
    for (let i = 0; i < 10; i++) {
      t += 50
      meter.token()
    }
    expect(meter.stats()).toEqual({ tokens: 11, ttftMs: 400, tokensPerSec: 20 })
  })
})
