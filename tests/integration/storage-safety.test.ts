import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sqlite3 from 'sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { UserError } from '../../src/core/errors'
import { openDb } from '../../src/core/storage/db'
import type { Db } from '../../src/core/storage/types'
import { tempDir } from '../fixtures/engine'

const T = [{ id: 'test-001', sql: 'CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)' }]
const open: Db[] = []
afterEach(async () => {
  for (const db of open.splice(0)) await db.close().catch(() => undefined)
})
async function fresh(file = join(tempDir(), 'db.sqlite')) {
  const db = await openDb(file, T)
  open.push(db)
  return db
}
const keys = async (db: Db) => (await db.all<{ k: string }>('SELECT k FROM t ORDER BY k')).map((r) => r.k)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('storage safety', () => {
  it('a transaction that throws leaves nothing, and statements from outside never land in it', async () => {
    const db = await fresh()
    const tx = db.transaction(async (t) => {
      await t.run("INSERT INTO t (k) VALUES ('inside')")
      await sleep(30)
      throw new Error('boom')
    })
    const outside = db.run("INSERT INTO t (k) VALUES ('outside')") // issued while the transaction is open
    await expect(tx).rejects.toThrow('boom')
    await outside
    expect(await keys(db)).toEqual(['outside'])
  })

  it('code inside a transaction may use the outer handle without deadlocking, and sees its own writes', async () => {
    const db = await fresh()
    const seen = await Promise.race([
      db.transaction(async (t) => {
        await t.run("INSERT INTO t (k) VALUES ('a')")
        const viaOuter = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t') // e.g. a repo helper given s.db
        await db.transaction(async (inner) => inner.run("INSERT INTO t (k) VALUES ('b')")) // nested: joins
        return viaOuter?.n
      }),
      sleep(3000).then(() => 'deadlock')
    ])
    expect(seen).toBe(1)
    expect(await keys(db)).toEqual(['a', 'b'])
  })

  it('async work left over from a finished transaction does not slip into the next one', async () => {
    const db = await fresh()
    let late!: Promise<unknown>
    await db.transaction(async (t) => {
      await t.run("INSERT INTO t (k) VALUES ('first')")
      late = sleep(30).then(() => db.run("INSERT INTO t (k) VALUES ('late')"))
    })
    const second = db.transaction(async (t) => {
      await t.run("INSERT INTO t (k) VALUES ('second')")
      await sleep(100)
      throw new Error('second fails')
    })
    await expect(second).rejects.toThrow('second fails')
    await late
    expect(await keys(db)).toEqual(['first', 'late'])
  })

  it('reports a full disk as a UserError and writes nothing', async () => {
    const db = await fresh()
    const pages = (await db.get<{ page_count: number }>('PRAGMA page_count'))!.page_count
    await db.exec(`PRAGMA max_page_count = ${pages + 2}`) // the database may not grow: sqlite answers SQLITE_FULL
    const err = await db
      .transaction(async (t) => {
        await t.run("INSERT INTO t (k, v) VALUES ('small', x'00')")
        await t.run("INSERT INTO t (k, v) VALUES ('big', ?)", [Buffer.alloc(256 * 1024)])
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as UserError).code).toBe('disk_full')
    expect((err as UserError).message).toMatch(/disk is full.*Free some space/)
    await db.exec('PRAGMA max_page_count = 1073741823')
    expect(await keys(db)).toEqual([])
    await db.run("INSERT INTO t (k) VALUES ('after')") // still usable
    expect(await keys(db)).toEqual(['after'])
  })

  it('reports a damaged database file as a UserError', async () => {
    const file = join(tempDir(), 'broken.db')
    writeFileSync(file, Buffer.alloc(8192, 0x5a))
    const err = await openDb(file, T).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as UserError).code).toBe('db_corrupt')
    expect((err as UserError).message).toMatch(/damaged/)
  })

  it('reports a database locked by another process as a UserError after the busy timeout', async () => {
    const file = join(tempDir(), 'locked.db')
    const db = await fresh(file)
    const other = new sqlite3.Database(file)
    await new Promise<void>((r, j) => other.exec('BEGIN EXCLUSIVE; INSERT INTO t (k) VALUES (\'other\');', (e) => (e ? j(e) : r())))
    const t0 = Date.now()
    const err = await db.run("INSERT INTO t (k) VALUES ('mine')").catch((e: unknown) => e)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4000) // waited for the busy timeout first
    expect(err).toBeInstanceOf(UserError)
    expect((err as UserError).code).toBe('db_locked')
    await new Promise<void>((r) => other.exec('ROLLBACK', () => other.close(() => r())))
    await db.run("INSERT INTO t (k) VALUES ('mine')")
    expect(await keys(db)).toEqual(['mine'])
  }, 20_000)

  it('survives a process killed in the middle of a transaction: committed rows stay, the rest is gone', async () => {
    const file = join(tempDir(), 'crash.db')
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../fixtures/db-crash-child.ts', import.meta.url)), file], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => String(d).includes('inside') && resolve())
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)))
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const db = await fresh(file)
    expect(await keys(db)).toEqual(['committed'])
    expect((await db.get<{ integrity_check: string }>('PRAGMA integrity_check'))?.integrity_check).toBe('ok')
  })
})
