import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeLeftoverPartials, writeAtomically } from '../../src/core/atomic-file'
import { createEngine, type Engine } from '../../src/core/engine'
import { fillDatabase } from '../fixtures/disk-full'
import { engineWithModel, nextEvent, tempDir } from '../fixtures/engine'
import { weatherPairs } from '../fixtures/experiment-data'
import { SHORT_ANSWERS, quickOptim } from '../fixtures/quick-settings'

const engines: Engine[] = []
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close().catch(() => undefined)
})

/** A round training for a long time (many epochs), with the training under way. */
async function trainingRound(dataDir = tempDir()) {
  const { engine } = await engineWithModel({ dataDir, augmentOverride: weatherPairs })
  engines.push(engine)
  await engine.call('settings.update', { reviewPolicy: 'auto-approve-valid', k: 2, optim: quickOptim(100), ...SHORT_ANSWERS })
  const profileId = (await engine.call('profiles.list', {}))[0].id
  const training = nextEvent(engine, (e) => e.type === 'train.progress', 240_000)
  const { roundId, jobId } = await engine.call('rounds.start', { query: 'What is the weather in Paris?', profileId })
  await training
  return { engine, roundId, jobId, dataDir }
}
const statusOf = async (engine: Engine, id: string) => (await engine.services.db.get<{ status: string; error: string | null }>('SELECT status, error FROM rounds WHERE id = ?', [id]))!

describe('disk full', () => {
  it('a round that ends while the database is full is recorded once space returns, not left in training', async () => {
    const { engine, roundId, jobId } = await trainingRound()
    const full = await fillDatabase(engine.services.db)
    const ended = nextEvent(engine, (e) => e.type === 'round.update' && e.roundId === roundId && e.status === 'interrupted')
    await engine.call('jobs.cancel', { jobId })
    const ev = (await ended) as { detail?: string }
    expect(ev.detail).toMatch(/not saved yet: the disk is full/)
    expect((await statusOf(engine, roundId)).status).toBe('training') // the write really failed
    await full.free()
    const saved = await nextEvent(engine, (e) => e.type === 'round.update' && e.roundId === roundId && e.status === 'interrupted', 30_000)
    expect(saved).toBeTruthy()
    expect(await statusOf(engine, roundId)).toEqual({ status: 'interrupted', error: 'cancelled: resume to continue from the last completed stage' })
  })

  it('when space never returned before the app closed, the next start records the reason from the journal', async () => {
    const { engine, roundId, jobId, dataDir } = await trainingRound()
    await fillDatabase(engine.services.db)
    const ended = nextEvent(engine, (e) => e.type === 'round.update' && e.roundId === roundId && e.status === 'interrupted')
    await engine.call('jobs.cancel', { jobId })
    await ended
    await engine.close()
    engines.splice(0)
    expect(readFileSync(join(dataDir, 'pending-round-ends.jsonl'), 'utf8')).toContain(roundId)
    const again = await createEngine({ dataDir, gpu: 'cpu', threads: 1 })
    engines.push(again)
    const r = await again.call('rounds.get', { id: roundId })
    expect(r.status).toBe('interrupted')
    expect(r.error).toBe('cancelled: resume to continue from the last completed stage')
    expect(existsSync(join(dataDir, 'pending-round-ends.jsonl'))).toBe(false)
  })

  it('files are written whole or not at all: a real ENOSPC (/dev/full) leaves nothing; leftovers are removed at start', async () => {
    const dir = tempDir()
    const dest = join(dir, 'pairs.jsonl')
    // the temporary file is a link to /dev/full: every write to it fails with the kernel's ENOSPC
    const err = await writeAtomically(dest, async (tmp) => {
      symlinkSync('/dev/full', tmp)
      writeFileSync(tmp, 'x'.repeat(100_000))
    }).catch((e: { code: string; message: string }) => e)
    expect(err).toMatchObject({ code: 'disk_full', message: expect.stringMatching(/The disk is full: pairs\.jsonl was not written \(nothing partial was left behind\)\. Free some space/) })
    expect(readdirSync(dir)).toEqual([])
    // what a crash leaves behind (and the demo model's old temporary name) is cleaned when the engine starts
    const dataDir = tempDir()
    const engine = await createEngine({ dataDir, gpu: 'cpu', threads: 1 })
    await engine.close()
    writeFileSync(join(dataDir, 'exports', 'pairs.jsonl.partial-0badc0de'), '')
    writeFileSync(join(dataDir, 'models', 'demo.gguf.4711.tmp'), '')
    writeFileSync(join(dataDir, 'exports', 'keep.jsonl'), '{}\n')
    engines.push(await createEngine({ dataDir, gpu: 'cpu', threads: 1 }))
    expect(readdirSync(join(dataDir, 'exports'))).toEqual(['keep.jsonl'])
    expect(readdirSync(join(dataDir, 'models'))).toEqual([])
    expect(removeLeftoverPartials([join(dataDir, 'nope')])).toEqual([])
  })
})
