import { execFile } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../fixtures/engine'
import { teacherServer, WEATHER_PAIRS } from '../fixtures/teacher-server'
import { SHORT_ANSWERS } from '../fixtures/quick-settings'
import { startWebProcess } from '../fixtures/web-process'

const run = promisify(execFile)
const root = join(__dirname, '..', '..')
type Failed = { code: number; stdout: string; stderr: string }
const fails = (p: Promise<unknown>) => p.then(() => { throw new Error('the command succeeded') }, (e: Failed) => e)
const cli = (dataDir: string, ...args: string[]) =>
  run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'src/cli/index.ts'), '--data-dir', dataDir, '--cpu', '--json', ...args], {
    cwd: root,
    env: { ...process.env, AUTODIDACT_THREADS: '1' },
    timeout: 600_000
  })

describe('CLI over the same engine', () => {
  it('exits non-zero with a clear message on a bad call', async () => {
    const err = await cli(tempDir('cli-'), 'call', 'settings.update', '{"tau": 7}').catch((e: { code: number; stderr: string }) => e)
    expect((err as { code: number }).code).toBe(1)
    expect((err as { stderr: string }).stderr).toMatch(/invalid_input.*tau/)
  })

  it('--help lists the commands, <command> --help its usage; both before touching the data folder', async () => {
    const dir = join(tempDir('cli-'), 'never-created')
    const top = await cli(dir, '--help')
    for (const c of ['info', 'call', 'models', 'chat', 'settings', 'rounds', 'review', 'experiments']) expect(top.stdout).toMatch(new RegExp(`^  ${c} `, 'm'))
    expect(top.stdout).toMatch(/--data-dir DIR/)
    const rounds = await cli(dir, 'rounds', '--help')
    expect(rounds.stdout).toMatch(/autodidact rounds start <model-id> "<query>" \[profile-id\]/)
    expect(rounds.stdout).toMatch(/autodidact rounds resume <round-id>/)
    expect((await cli(dir, 'help', 'review')).stdout).toMatch(/autodidact review approve <example-id> \.\.\./)
    expect(existsSync(dir)).toBe(false)
  })
  it('unknown commands, sub-commands, flags and missing arguments say what to type (exit 2), never "internal"', async () => {
    const dir = tempDir('cli-')
    // the full list of cases is in tests/unit/cli-usage.test.ts; here: the exit code and output of a real process
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /error \(usage\): Unknown command "frobnicate"\. Commands: info, call, models[^]*autodidact --help/],
      [['--verbose', 'info'], /Unknown flag "--verbose"/],
      [['review', 'approve'], /Missing the example ids[^]*autodidact review approve <example-id>/]
    ]
    for (const [args, message] of cases) {
      const err = await fails(cli(dir, ...args))
      expect(err.stderr, args.join(' ')).toMatch(message)
      expect(err.stderr, args.join(' ')).not.toMatch(/internal/)
      expect(err.code, args.join(' ')).toBe(2)
    }
  })
  it('runs a round with its events on stderr; review approve of the last pending examples continues it to the new answer', async () => {
    const dir = tempDir('cli-')
    const teacher = await teacherServer(JSON.stringify({ examples: WEATHER_PAIRS.examples.slice(0, 2) }))
    try {
      const info = JSON.parse((await cli(dir, 'info')).stdout)
      expect(info.dataDir).toBe(dir)
      expect(info.gpu.backend).toBe('cpu')
      const model = JSON.parse((await cli(dir, 'models', 'demo')).stdout)
      expect(model.source).toBe('generated')
      await cli(dir, 'settings', 'set', 'k=2', 'reviewPolicy=manual', 'optim.epochs=1', `maxAnswerTokens=${SHORT_ANSWERS.maxAnswerTokens}`, `teacher={"kind":"http","baseUrl":"${teacher.baseUrl}","model":"t"}`)
      const started = await cli(dir, 'rounds', 'start', model.id, 'What is the weather in Oslo?')
      const round = JSON.parse(started.stdout)
      expect(round.query).toBe('What is the weather in Oslo?')
      expect(round.uncertainty.estimator).toBe('rss')
      expect(started.stderr).toMatch(new RegExp(`round ${round.id}: running \\(augmentation\\)`))
      expect(round.status).toBe('awaiting_review')
      const listed = JSON.parse((await cli(dir, 'call', 'rounds.list', '{}')).stdout)
      expect(listed.map((x: { id: string }) => x.id)).toContain(round.id)
      const ids = round.examples.filter((x: { status: string }) => x.status === 'pending').map((x: { id: string }) => x.id)
      expect(ids).toHaveLength(2)
      // the first approval leaves one pending: the round waits and the command returns at once
      const first = JSON.parse((await cli(dir, 'review', 'approve', ids[0])).stdout)
      expect(first.map((x: { status: string }) => x.status)).toEqual(['approved'])
      expect(JSON.parse((await cli(dir, 'rounds', 'show', round.id)).stdout).status).toBe('awaiting_review')
      // the last one: the round trains and answers again before the command exits
      const last = await cli(dir, 'review', 'approve', ids[1])
      const out = JSON.parse(last.stdout)
      expect(out.rounds[0].status).toBe('done')
      expect(last.stderr).toMatch(new RegExp(`round ${round.id}: training \\(training\\)`))
      const after = JSON.parse((await cli(dir, 'rounds', 'show', round.id)).stdout)
      expect(after.status).toBe('done')
      expect(after.training.adapterPath).toBeTruthy()
      expect(after.after).toBeTruthy()
    } finally {
      await teacher.close()
    }
  }, 1_200_000)
})

describe('a damaged database', () => {
  it('every command says it is damaged, where it is and how to move it aside; db move-aside starts fresh, keeping the file', async () => {
    const dir = tempDir('cli-')
    await cli(dir, 'info')
    const db = join(dir, 'autodidact.db')
    const bytes = readFileSync(db)
    bytes.write('this is not sqlite', 0) // a damaged header
    writeFileSync(db, bytes)
    const err = await fails(cli(dir, 'info'))
    expect(err.code).toBe(1)
    expect(err.stderr).toContain(`error (db_corrupt): The database ${db} is damaged`)
    expect(err.stderr).toMatch(/nothing was changed\. To start fresh, move it aside: `autodidact db move-aside --data-dir ".*"`/)
    expect(readFileSync(db)).toEqual(bytes) // untouched
    // `db status` says so without failing (the engine runs without its database)
    expect(JSON.parse((await cli(dir, 'db', 'status')).stdout)).toMatchObject({ database: 'damaged', dbFile: db, problem: expect.stringContaining('is damaged') })
    // never from under a live engine: a folder held by another process (this test's, alive) is refused
    writeFileSync(join(dir, 'engine.lock'), JSON.stringify({ pid: process.pid, shell: 'web', startedAt: Date.now() }))
    const held = await fails(cli(dir, 'db', 'move-aside'))
    expect(held.stderr).toContain('is in use by an Autodidact web shell')
    expect(readFileSync(db)).toEqual(bytes)
    rmSync(join(dir, 'engine.lock'))
    const moved = JSON.parse((await cli(dir, 'db', 'move-aside')).stdout).movedTo
    expect(moved).toMatch(/autodidact\.db\.damaged-/)
    expect(readFileSync(moved)).toEqual(bytes)
    expect(JSON.parse((await cli(dir, 'info')).stdout).dataDir).toBe(dir)
  })

  it('a web shell on it runs degraded and says so; db move-aside from the CLI runs in that shell, which carries on with a fresh one', async () => {
    const dir = tempDir('cli-web-damaged-')
    const db = join(dir, 'autodidact.db')
    const garbage = Buffer.from('not a sqlite database '.repeat(800))
    writeFileSync(db, garbage)
    const web = await startWebProcess(dir)
    try {
      await expect.poll(() => web.output(), { timeout: 30_000 }).toContain(`Warning: The database ${db} is damaged`)
      expect(JSON.parse((await cli(dir, 'db', 'status')).stdout)).toMatchObject({ database: 'damaged', dbFile: db })
      const moved = JSON.parse((await cli(dir, 'db', 'move-aside')).stdout).movedTo
      expect(readFileSync(moved)).toEqual(garbage)
      expect(JSON.parse((await cli(dir, 'db', 'status')).stdout)).toMatchObject({ database: 'ok', movedAsideTo: moved })
      expect(JSON.parse((await cli(dir, 'info')).stdout).dataDir).toBe(dir)
    } finally {
      expect(await web.stop()).toBe(0)
    }
  })
})
