import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../src/core/engine'
import { sendBadFrame, callOnce, rpcUrl, type BadFrame } from '../fixtures/bad-frames'
import { fillDatabase } from '../fixtures/disk-full'
import { INSANE_KINDS, writeCorruptModel, writeInsaneModel, type CorruptKind } from '../fixtures/corrupt-models'
import { engineWithModel, nextEvent, tempDir } from '../fixtures/engine'
import { childPids, faultFailed, faultTable, lostRows, SETTLED, snapshotRows, stuckRounds, type FaultRow, type RowSnapshot } from '../fixtures/fault-rows'
import { alive } from '../fixtures/process'
import { resumeToEnd } from '../fixtures/resume-round'
import { startWebProcess } from '../fixtures/web-process'
import { SHORT_ANSWERS, quickOptim } from '../fixtures/quick-settings'

// Fault injection (issue 13 item 13): each fault is injected, the data folder reopened, and three things checked:
// survival (the engine starts again / only the bad connection closes / a clear refusal), data loss (every
// conversation, message, round and approved example written before the fault is still there; no round is left
// in a running stage) and, where a round was hit, that it resumes to its end without doing anything twice
// (fixtures/resume-round.ts). The table is printed at the end; every fault must survive with nothing lost.
const rows: FaultRow[] = []
afterAll(() => console.log(`\nfault injection:\n${faultTable(rows)}`))

const pairs = JSON.stringify({ examples: [{ input: 'How warm is it in Rome?', call: { name: 'get_weather', arguments: { city: 'Rome' } } }, { input: 'Weather in Oslo', call: { name: 'get_weather', arguments: { city: 'Oslo' } } }] })
const stageChild = join(__dirname, '..', 'fixtures', 'round-stage-child.ts')
const open = (dataDir: string) => createEngine({ dataDir, gpu: 'cpu', threads: 1 })
/** the same with the rounds' model loaded, to resume them */
const openWithModel = async (dataDir: string) => (await engineWithModel({ dataDir, augmentOverride: async () => pairs })).engine

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50))
  return !alive(pid)
}

/**
 * Reopens `dataDir` (survival) and counts what `before` lost; with `resume`, then resumes the round the fault hit
 * (and counts again); records the row.
 */
async function reopenAndCheck(fault: string, dataDir: string, before: RowSnapshot, extra: (e: Engine) => Promise<boolean> = async () => true, resume?: (e: Engine) => Promise<string>) {
  let survived = false
  let lost = Number.NaN
  let resumed = resume ? 'NO (not reached)' : '-'
  const engine = await (resume ? openWithModel : open)(dataDir).catch((e: Error) => (console.error(`${fault}: reopening failed: ${e.message}`), null))
  if (engine) {
    try {
      lost = await lostRows(engine.services.db, before)
      survived = (await stuckRounds(engine.services.db)) === 0 && (await extra(engine))
      if (resume) {
        resumed = await resume(engine)
        lost = Math.max(lost, await lostRows(engine.services.db, before))
      }
    } finally {
      await engine.close()
    }
  }
  rows.push({ fault, survived, lost, resumed })
  expect({ fault, survived, lost, resumed }).toEqual({ fault, survived: true, lost: 0, resumed: resume ? 'done' : '-' })
}

describe.sequential('fault injection', () => {
  let sharedDir = ''
  const expected: Record<string, string> = { augmentation: 'interrupted', awaiting_review: 'awaiting_review', training: 'interrupted' }
  it.each(Object.keys(expected))('kill -9 of the engine process while a round is in %s', async (stage) => {
    const dataDir = tempDir('fault-kill-')
    if (stage === 'awaiting_review') sharedDir = dataDir
    const child = spawn(process.execPath, ['--import', 'tsx', stageChild, dataDir, stage], { stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise((r) => child.once('exit', r))
    const before = await new Promise<RowSnapshot>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /^\{"snapshot".*$/m.exec(out)
        if (m) resolve((JSON.parse(m[0]) as { snapshot: RowSnapshot }).snapshot)
      })
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
      void exited.then((code) => reject(new Error(`the engine process exited (${code}) before reaching ${stage}:\n${out}`)))
    })
    expect(before.rounds.length).toBe(1)
    const grandchildren = childPids(child.pid!) // the trainer, while training
    child.kill('SIGKILL')
    await exited
    let orphans = 0
    for (const pid of grandchildren) if (!(await gone(pid))) orphans++
    await reopenAndCheck(
      `kill -9 engine while ${stage}`,
      dataDir,
      before,
      async (engine) => {
        const r = await engine.call('rounds.get', { id: before.rounds[0] })
        return orphans === 0 && r.status === expected[stage] && SETTLED.includes(r.status)
      },
      (engine) => resumeToEnd(engine, before.rounds[0])
    )
  })

  it('the trainer killed with SIGKILL mid-training, then disk full (SQLITE_FULL) when the next round ends', async () => {
    const dir = tempDir('fault-train-')
    const { engine: e } = await engineWithModel({ dataDir: dir, augmentOverride: async () => pairs })
    let closed = false
    try {
      await e.call('settings.update', { k: 2, reviewPolicy: 'auto-approve-valid', optim: quickOptim(100), ...SHORT_ANSWERS } as never)
      const profileId = (await e.call('profiles.list', {}))[0].id
      const training = async () => {
        const progress = nextEvent(e, (x) => x.type === 'train.progress', 240_000)
        const started = await e.call('rounds.start', { query: 'What is the weather in Paris?', profileId })
        await progress
        return started
      }
      // 1. the trainer dies
      const first = await training()
      let before = await snapshotRows(e.services.db)
      const trainers = childPids(process.pid).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('autodidact-trainer'))
      const failed = nextEvent(e, (x) => x.type === 'round.update' && x.roundId === first.roundId && x.status !== 'training', 60_000)
      for (const pid of trainers) process.kill(pid, 'SIGKILL')
      await failed
      const r = await e.call('rounds.get', { id: first.roundId })
      const trainerSurvived = trainers.length > 0 && r.status === 'failed' && /SIGKILL/.test(r.error ?? '')
      const trainerRow: FaultRow = { fault: 'trainer kill -9 mid-training', survived: trainerSurvived, lost: await lostRows(e.services.db, before), resumed: 'NO (not reached)' }
      rows.push(trainerRow)
      // 2. the database is full when the next round ends; the app closes before space returns
      const second = await training()
      before = await snapshotRows(e.services.db)
      await fillDatabase(e.services.db)
      const ended = nextEvent(e, (x) => x.type === 'round.update' && x.roundId === second.roundId && x.status === 'interrupted', 60_000)
      await e.call('jobs.cancel', { jobId: second.jobId })
      await ended
      closed = true
      await e.close()
      await reopenAndCheck(
        'disk full on a round end',
        dir,
        before,
        async (again) => (await again.call('rounds.get', { id: second.roundId })).status === 'interrupted',
        async (again) => {
          // both rounds resume: the one whose trainer was killed (failed) and the one the full disk interrupted
          trainerRow.resumed = await resumeToEnd(again, first.roundId)
          return resumeToEnd(again, second.roundId)
        }
      )
      expect({ trainerSurvived, resumed: trainerRow.resumed }).toEqual({ trainerSurvived: true, resumed: 'done' })
    } finally {
      if (!closed) await e.close()
    }
  })

  // the rest share the folder left by the kill while awaiting review (a conversation, a round, an approved pair)
  let dataDir = ''
  const shared = () => (dataDir = sharedDir)
  let engine: Engine
  let isOpen = false
  const useShared = (e: Engine) => ((isOpen = true), (engine = e))
  const closeShared = async () => {
    if (isOpen) await engine.close()
    isOpen = false
  }
  afterAll(closeShared)

  it('a second engine on the same data folder is refused; the first keeps working', async () => {
    shared()
    useShared(await open(dataDir))
    const before = await snapshotRows(engine.services.db)
    const err = (await startWebProcess(dataDir).catch((e: unknown) => e)) as { code?: number; output?: string }
    const refused = err.code === 1 && /is in use by/.test(err.output ?? '')
    const works = (await engine.call('rounds.list', {})).length === before.rounds.length
    const lost = await lostRows(engine.services.db, before)
    await closeShared()
    rows.push({ fault: 'second engine on the data folder', survived: refused && works, lost, resumed: '-' })
    expect({ refused, works, lost }).toEqual({ refused: true, works: true, lost: 0 })
  })

  it('bad WebSocket frames against the web shell close only their connection', async () => {
    const before = await (async () => {
      const e = await open(dataDir)
      try {
        return await snapshotRows(e.services.db)
      } finally {
        await e.close()
      }
    })()
    const web = await startWebProcess(dataDir)
    try {
      for (const kind of ['oversized', 'invalid-utf8'] as BadFrame[]) {
        const code = await sendBadFrame(rpcUrl(web.port, web.token), kind)
        const info = await callOnce(rpcUrl(web.port, web.token), 'rounds.list')
        const survived = code !== 1000 && info.ok && web.child.exitCode === null && (info.result as unknown[]).length === before.rounds.length
        rows.push({ fault: `bad WebSocket frame: ${kind}`, survived, lost: 0, resumed: '-' })
        expect(survived).toBe(true)
      }
    } finally {
      expect(await web.stop()).toBe(0)
    }
    // the lost column of those rows is checked here, after the shell has stopped
    const e = await open(dataDir)
    const lost = await lostRows(e.services.db, before).finally(() => e.close())
    for (const r of rows.slice(-2)) r.lost = lost
    expect(lost).toBe(0)
  })

  // (unknown-arch is a well-formed file: it imports, and loading it is refused; see model-host tests)
  const corrupt: CorruptKind[] = ['truncated', 'header-only', 'garbage', 'bad-version', 'adapter']
  it('each crafted or broken GGUF at import is refused clearly; the engine and its data are unharmed', async () => {
    useShared(await open(dataDir))
    try {
      const before = await snapshotRows(engine.services.db)
      const models = (await engine.call('models.list', {})).length
      const files = tempDir('fault-gguf-')
      const cases = [
        ...INSANE_KINDS.map((k) => ({ name: `crafted GGUF: ${k}`, write: (p: string) => writeInsaneModel(p, k) })),
        ...corrupt.map((k) => ({ name: `broken GGUF: ${k}`, write: (p: string) => writeCorruptModel(p, k) }))
      ]
      for (const c of cases) {
        const path = await c.write(join(files, `${c.name.replace(/\W+/g, '-')}.gguf`))
        const err = (await engine.call('models.import', { path }).then(() => null, (e: unknown) => e)) as { code?: string; message?: string } | null
        const clear = err !== null && typeof err.code === 'string' && err.code !== 'internal' && (err.message ?? '').length > 20
        const unharmed = (await engine.call('models.list', {})).length === models
        const lost = await lostRows(engine.services.db, before)
        rows.push({ fault: c.name, survived: clear && unharmed, lost, resumed: '-' })
        expect({ fault: c.name, clear, unharmed, lost }).toEqual({ fault: c.name, clear: true, unharmed: true, lost: 0 })
      }
    } finally {
      await closeShared()
    }
  })
})

afterAll(() => {
  expect(rows.filter(faultFailed)).toEqual([])
})
