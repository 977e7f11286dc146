import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../fixtures/engine'

const run = promisify(execFile)
const root = join(__dirname, '..', '..')
const cli = (dataDir: string, ...args: string[]) =>
  run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'src/cli/index.ts'), '--data-dir', dataDir, '--cpu', '--json', ...args], {
    cwd: root,
    env: { ...process.env, AUTODIDACT_THREADS: '1' },
    timeout: 240_000
  })

describe('CLI over the same engine', () => {
  it('reports the engine, creates a model and runs a round with its events on stderr', async () => {
    const dir = tempDir('cli-')
    const info = JSON.parse((await cli(dir, 'info')).stdout)
    expect(info.dataDir).toBe(dir)
    expect(info.gpu.backend).toBe('cpu')
    const model = JSON.parse((await cli(dir, 'models', 'demo')).stdout)
    expect(model.source).toBe('generated')
    await cli(dir, 'settings', 'set', 'k=2')
    const r = await cli(dir, 'rounds', 'start', model.id, 'What is the weather in Oslo?')
    const round = JSON.parse(r.stdout)
    expect(round.query).toBe('What is the weather in Oslo?')
    expect(['done', 'awaiting_review']).toContain(round.status)
    expect(round.uncertainty.estimator).toBe('rss')
    expect(r.stderr).toMatch(new RegExp(`round ${round.id}: running \\(augmentation\\)`))
    const listed = JSON.parse((await cli(dir, 'call', 'rounds.list', '{}')).stdout)
    expect(listed.map((x: { id: string }) => x.id)).toContain(round.id)
  })
  it('exits non-zero with a clear message on a bad call', async () => {
    const err = await cli(tempDir('cli-'), 'call', 'settings.update', '{"tau": 7}').catch((e: { code: number; stderr: string }) => e)
    expect((err as { code: number }).code).toBe(1)
    expect((err as { stderr: string }).stderr).toMatch(/invalid_input.*tau/)
  })
})
