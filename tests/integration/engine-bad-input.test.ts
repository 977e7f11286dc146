import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../src/core/engine'
import { tempDir } from '../fixtures/engine'
import { ensureTestModel } from '../fixtures/test-models'

/** Calls and expects a refusal; returns the error (code + message) so the message can be checked. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = (await p.then(
    () => null,
    (e: unknown) => e
  )) as { code: string; message: string } | null
  expect(err, 'the call should have been refused').not.toBeNull()
  return err!
}

describe('the engine refuses bad input with a clear message', () => {
  let engine: Engine
  let dir: string
  beforeAll(async () => {
    dir = tempDir('bad-input-')
    engine = await createEngine({ dataDir: dir, gpu: 'cpu', threads: 1 })
  })
  afterAll(async () => {
    await engine?.close()
  })

  it('answers "unknown method" for names of Object.prototype instead of a TypeError', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const err = await refusal(engine.call(name as never, {} as never))
      expect(err.code).toBe('unknown_method')
      expect(err.message).toContain(`Unknown method "${name}"`)
    }
  })

  it('refuses input nested 100k levels deep (a tool schema) before validating it', async () => {
    let deep: Record<string, unknown> = { type: 'string' }
    for (let i = 0; i < 100_000; i++) deep = { type: 'object', properties: { x: deep } }
    const err = await refusal(engine.call('profiles.save', { name: 'deep', tools: [{ name: 't', parameters: deep as never }] }))
    expect(err.code).toBe('too_deep')
    expect(err.message).toMatch(/nested more than 64 levels/)
    expect(await engine.call('profiles.list', {})).not.toContainEqual(expect.objectContaining({ name: 'deep' }))
  })

  it('refuses 40k ids in one call with a limit instead of an SQL error', async () => {
    const ids = Array.from({ length: 40_000 }, (_, i) => `ex_${i}`)
    const err = await refusal(engine.call('review.approve', { ids }))
    expect(err.code).toBe('invalid_input')
    expect(err.message).toMatch(/at most 10000 ids/)
    expect(err.message).not.toMatch(/SQLITE/)
  })

  it('refuses a FIFO as a model before opening it (the call returns at once)', { timeout: 30_000 }, async () => {
    const fifo = join(dir, 'model.gguf')
    execFileSync('mkfifo', [fifo])
    const err = await refusal(engine.call('models.import', { path: fifo }))
    expect(err.code).toBe('not_a_file')
    expect(err.message).toMatch(/named pipe \(FIFO\), not a regular file/)
    // the I/O pool is not blocked: other file work still completes
    expect((await engine.call('models.list', {})).length).toBe(0)
  })

  it('refuses /dev/zero, a FIFO and a folder entry that is not a file as a dataset', async () => {
    const zero = await refusal(engine.call('datasets.import', { path: '/dev/zero' }))
    expect(zero.message).toMatch(/\/dev\/zero is a device, not a regular file/)
    const fifo = join(dir, 'data.jsonl')
    execFileSync('mkfifo', [fifo])
    expect((await refusal(engine.call('datasets.import', { path: fifo }))).code).toBe('not_a_file')
    const folder = join(dir, 'ds')
    mkdirSync(join(folder, 'sub.jsonl'), { recursive: true })
    expect((await refusal(engine.call('datasets.import', { path: folder }))).message).toMatch(/sub\.jsonl is a folder/)
  })

  it('refuses a dataset line nested too deep with its line number, keeping the good lines', async () => {
    const good = { id: 'a', tools: [{ name: 't', parameters: { type: 'object' } }], messages: [{ role: 'user', content: 'hi' }], expected: [{ name: 't', arguments: {} }] }
    const deepText = `{"id":"b","tools":[{"name":"t","parameters":{"type":"object","properties":${'{"x":'.repeat(50_000)}1${'}'.repeat(50_000)}}}]}`
    const file = join(dir, 'deep.jsonl')
    writeFileSync(file, `${JSON.stringify(good)}\n${deepText}\n`)
    const ds = await engine.call('datasets.import', { path: file })
    expect(ds.items).toBe(1)
    expect(ds.errors).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/nested more than 64 levels/) })])
  })
})

describe('models.remove with deleteFile deletes only what the app created, inside its models folder', () => {
  let engine: Engine
  let dir: string
  beforeAll(async () => {
    dir = tempDir('remove-')
    engine = await createEngine({ dataDir: dir, gpu: 'cpu', threads: 1 })
  })
  afterAll(async () => {
    await engine?.close()
  })

  it('never deletes an imported file, even one reached through models/../', async () => {
    const outside = join(dir, 'precious.gguf')
    copyFileSync(await ensureTestModel({ layers: 1, embd: 32, ff: 64 }), outside)
    const m = await engine.call('models.import', { path: join(dir, 'models', '..', 'precious.gguf') })
    const r = await engine.call('models.remove', { modelId: m.id, deleteFile: true })
    expect(r).toMatchObject({ removed: true, fileDeleted: false })
    expect(r.fileKept).toMatch(/imported files are never deleted/)
    expect(existsSync(outside)).toBe(true)
  })

  it('keeps an imported file that sits in the models folder itself', async () => {
    const inside = join(dir, 'models', 'mine.gguf')
    copyFileSync(await ensureTestModel({ layers: 1, embd: 32, ff: 64 }), inside)
    const m = await engine.call('models.import', { path: inside })
    expect((await engine.call('models.remove', { modelId: m.id, deleteFile: true })).fileDeleted).toBe(false)
    expect(existsSync(inside)).toBe(true)
  })

  it('does not follow a symlink that replaced a generated model file', async () => {
    const outside = join(dir, 'victim.gguf')
    copyFileSync(await ensureTestModel({ layers: 1, embd: 32, ff: 64 }), outside)
    const demo = await engine.call('models.createDemo', { layers: 1, embd: 32 })
    execFileSync('rm', [demo.path])
    symlinkSync(outside, demo.path)
    const r = await engine.call('models.remove', { modelId: demo.id, deleteFile: true })
    expect(r.fileDeleted).toBe(false)
    expect(r.fileKept).toMatch(/symbolic link/)
    expect(existsSync(outside)).toBe(true)
  })

  it('deletes a generated model file inside the models folder', async () => {
    const demo = await engine.call('models.createDemo', { layers: 2, embd: 32 })
    expect(existsSync(demo.path)).toBe(true)
    const r = await engine.call('models.remove', { modelId: demo.id, deleteFile: true })
    expect(r).toEqual({ removed: true, fileDeleted: true })
    expect(existsSync(demo.path)).toBe(false)
  })
})

describe('exports stay where the user said', () => {
  let engine: Engine
  let dir: string
  beforeAll(async () => {
    dir = tempDir('export-dest-')
    engine = await createEngine({ dataDir: dir, gpu: 'cpu', threads: 1 })
  })
  afterAll(async () => {
    await engine?.close()
  })
  const code = async (input: { path: string; overwrite?: boolean }) =>
    ((await engine.call('export.pairs', { format: 'openai', ...input }).catch((e: unknown) => e)) as { code: string; message: string })

  it('refuses paths outside the exports folder: absolute, ../ and a symlink leading out', async () => {
    expect((await code({ path: join(dir, 'elsewhere.jsonl') })).code).toBe('export_path')
    expect((await code({ path: '../autodidact.db' })).message).toMatch(/Exports are written to the exports folder .* is outside it/)
    symlinkSync(dir, join(dir, 'exports', 'out'))
    expect((await code({ path: 'out/x.jsonl' })).code).toBe('export_path')
    expect((await code({ path: '/etc/cron.d/x' })).code).toBe('export_path')
  })

  it('does not overwrite an existing export silently', async () => {
    writeFileSync(join(dir, 'exports', 'pairs.jsonl'), 'keep me\n')
    const err = await code({ path: 'pairs.jsonl' })
    expect(err.code).toBe('exists')
    expect(err.message).toMatch(/already exists.*overwrite: true/)
    // with overwrite, the path is accepted (nothing approved yet, so nothing to write)
    expect((await code({ path: 'pairs.jsonl', overwrite: true })).code).toBe('empty')
  })

  it('a path chosen in a save dialog (granted by the desktop shell) may lie anywhere', async () => {
    const chosen = join(dir, 'chosen.jsonl')
    expect((await code({ path: chosen })).code).toBe('export_path')
    engine.grantExportPath(chosen)
    expect((await code({ path: chosen })).code).toBe('empty')
    expect((await code({ path: chosen })).code).toBe('export_path') // once: another export there asks again
  })

  it('web shell / CLI: system.chooseExportPath proposes a new name in the exports folder, never an existing file', async () => {
    const exportsDir = realpathSync(join(dir, 'exports'))
    const choice = await engine.call('system.chooseExportPath', { suggestedName: 'pairs.jsonl', filter: { name: 'JSON lines', extensions: ['jsonl'] } })
    expect(choice).toEqual({ path: join(exportsDir, 'pairs-2.jsonl'), via: 'exports-folder' }) // pairs.jsonl exists (above)
    expect((await code({ path: choice.path! })).code).toBe('empty') // accepted as is: nothing to replace
    const adapter = async (path: string) => (await engine.call('export.adapter', { roundId: 'no-such-round', path }).catch((e: unknown) => e)) as { code: string }
    writeFileSync(join(exportsDir, 'card-only.md'), 'a model card')
    expect((await adapter('card-only')).code).toBe('exists') // the card beside the .gguf is not replaced either
    expect((await adapter('fresh')).code).toBe('not_found') // the path is fine; the round is not
  })
})
