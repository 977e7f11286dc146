import { execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callOnce, rpcUrl } from '../fixtures/bad-frames'
import { tempDir } from '../fixtures/engine'
import { ensureTestModel } from '../fixtures/test-models'
import { startWebProcess, TSX, type WebProcess } from '../fixtures/web-process'

const root = join(__dirname, '..', '..')
const cli = (dataDir: string, ...args: string[]): Promise<{ code?: number; stdout: string; stderr: string }> =>
  promisify(execFile)(process.execPath, [TSX, join(root, 'src/cli/index.ts'), '--data-dir', dataDir, '--cpu', '--json', ...args], {
    cwd: root,
    env: { ...process.env, AUTODIDACT_THREADS: '1' },
    timeout: 240_000
  }).catch((e: { code: number; stdout: string; stderr: string }) => e)

/** A pid that is certainly not running: a process that has already exited. */
async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', ''])
  await new Promise((r) => p.once('exit', r))
  return p.pid!
}

describe('one engine owns a data folder', () => {
  let dir: string
  let web: WebProcess
  beforeAll(async () => {
    dir = tempDir('owner-')
    web = await startWebProcess(dir)
  })
  afterAll(async () => {
    await web?.stop()
  })

  it('the web shell holds the lock and publishes how to reach it, readable by its owner only', () => {
    expect(JSON.parse(readFileSync(join(dir, 'engine.lock'), 'utf8'))).toMatchObject({ pid: web.child.pid, shell: 'web' })
    const conn = join(dir, 'web-shell.json')
    expect(JSON.parse(readFileSync(conn, 'utf8'))).toEqual({ pid: web.child.pid, port: web.port, token: web.token })
    expect(statSync(conn).mode & 0o777).toBe(0o600)
  })

  it('a CLI command on that folder runs in the web shell (same engine, same loaded model)', async () => {
    const model = await callOnce(rpcUrl(web.port, web.token), 'models.import', { path: await ensureTestModel({ layers: 1, embd: 32, ff: 64 }) })
    await callOnce(rpcUrl(web.port, web.token), 'models.load', { modelId: (model.result as { id: string }).id, contextSize: 256 })
    const r = await cli(dir, 'call', 'models.loaded')
    expect(r.stderr).toMatch(/running in the web shell that owns/)
    expect(JSON.parse(r.stdout)).toMatchObject({ modelId: (model.result as { id: string }).id })
    expect(JSON.parse(readFileSync(join(dir, 'engine.lock'), 'utf8')).pid).toBe(web.child.pid)
    expect((await callOnce(rpcUrl(web.port, web.token), 'models.loaded')).result).not.toBeNull()
  })

  it('a second web shell on the same folder is refused with who owns it', async () => {
    const err = (await startWebProcess(dir).catch((e: unknown) => e)) as { code: number; output: string }
    expect(err.code).toBe(1)
    expect(err.output).toMatch(new RegExp(`is in use by an Autodidact web shell \\(pid ${web.child.pid}`))
    expect((await callOnce(rpcUrl(web.port, web.token), 'system.info')).ok).toBe(true)
  })

  it('a second web shell on the busy port fails before touching its data folder', async () => {
    const other = join(tempDir('owner-port-'), 'data')
    const err = (await startWebProcess(other, ['--port', String(web.port)]).catch((e: unknown) => e)) as { code: number; output: string }
    expect(err.code).toBe(1)
    expect(err.output).toMatch(new RegExp(`Port ${web.port} on 127.0.0.1 is already in use.*--port`))
    expect(err.output).not.toMatch(/EADDRINUSE|at Server/)
    expect(existsSync(join(other, 'autodidact.db'))).toBe(false)
    expect(existsSync(join(other, 'engine.lock'))).toBe(false)
  })

  it('stopping the web shell releases the folder', async () => {
    expect(await web.stop()).toBe(0)
    expect(existsSync(join(dir, 'engine.lock'))).toBe(false)
    expect(existsSync(join(dir, 'web-shell.json'))).toBe(false)
  })
})

describe('locks left behind or held by another kind of engine', () => {
  it('takes over the stale lock of a process that has died, and releases it on exit', async () => {
    const dir = tempDir('owner-stale-')
    writeFileSync(join(dir, 'engine.lock'), JSON.stringify({ pid: await deadPid(), shell: 'web', startedAt: Date.now() }))
    const r = await cli(dir, 'settings', 'get')
    expect(JSON.parse(r.stdout).tau).toBeGreaterThan(0)
    expect(existsSync(join(dir, 'engine.lock'))).toBe(false)
  })

  it('a CLI refuses a folder the desktop app holds, saying so', async () => {
    const dir = tempDir('owner-desktop-')
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
    try {
      writeFileSync(join(dir, 'engine.lock'), JSON.stringify({ pid: holder.pid, shell: 'electron', startedAt: Date.now() }))
      const r = await cli(dir, 'rounds', 'list')
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(new RegExp(`data_dir_in_use.*in use by the Autodidact desktop app \\(pid ${holder.pid}`))
      expect(existsSync(join(dir, 'autodidact.db'))).toBe(false)
    } finally {
      holder.kill()
    }
  })
})
