import { AsyncLocalStorage } from 'node:async_hooks'
import sqlite3 from 'sqlite3'
import { UserError } from '../errors'
import type { Db, Migration, SqlParam } from './types'

/** Maps sqlite's failure codes to messages a user can act on. */
function wrap(err: Error & { code?: string }, sql: string): Error {
  switch (err.code) {
    case 'SQLITE_FULL':
      return new UserError('The disk is full: nothing was written. Free some space and try again.', 'disk_full')
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return Object.assign(new UserError('The database file is damaged. Move it aside (see Settings for the data folder) to start fresh.', 'db_corrupt'), { cause: err })
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new UserError('The database is locked by another Autodidact process. Close it and try again.', 'db_locked')
    case 'SQLITE_READONLY':
      return new UserError('The data folder is read-only. Pick a writable data directory.', 'db_readonly')
    default:
      err.message = `${err.message} (in: ${sql.slice(0, 120)})`
      return err
  }
}

class Connection implements Db {
  /** Serialises transactions: statements outside a transaction wait for the running one. */
  private chain: Promise<unknown> = Promise.resolve()
  /**
   * The transaction whose callback is running in this async context. Code inside `transaction(fn)` that calls
   * the outer handle (e.g. a repo helper given `s.db`) joins that transaction instead of queueing behind it,
   * which would deadlock. Once the transaction ends, leftover async work queues normally again.
   */
  private readonly scope: AsyncLocalStorage<{ open: boolean }>

  constructor(private readonly raw: sqlite3.Database, private readonly inTx = false, scope?: AsyncLocalStorage<{ open: boolean }>) {
    this.scope = scope ?? new AsyncLocalStorage()
  }
  private joined(): boolean {
    return this.inTx || this.scope.getStore()?.open === true
  }

  private direct<T>(fn: (cb: (err: Error | null, v?: T) => void) => void, sql: string): Promise<T> {
    return new Promise((resolve, reject) => fn((err, v) => (err ? reject(wrap(err, sql)) : resolve(v as T))))
  }
  private queued<T>(work: () => Promise<T>): Promise<T> {
    if (this.joined()) return work()
    const next = this.chain.then(work, work)
    this.chain = next.catch(() => undefined)
    return next
  }

  run(sql: string, params: SqlParam[] = []) {
    return this.queued(() =>
      new Promise<{ changes: number; lastID: number }>((resolve, reject) => {
        this.raw.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
          if (err) reject(wrap(err, sql))
          else resolve({ changes: this.changes, lastID: this.lastID })
        })
      })
    )
  }
  get<T>(sql: string, params: SqlParam[] = []) {
    return this.queued(() => this.direct<T | undefined>((cb) => this.raw.get(sql, params, cb as never), sql))
  }
  all<T>(sql: string, params: SqlParam[] = []) {
    return this.queued(() => this.direct<T[]>((cb) => this.raw.all(sql, params, cb as never), sql))
  }
  exec(sql: string) {
    return this.queued(() => this.direct<void>((cb) => this.raw.exec(sql, cb), sql))
  }
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (this.joined()) return fn(this.inTx ? this : new Connection(this.raw, true, this.scope)) // nested: join the running transaction
    return this.queued(async () => {
      const tx = new Connection(this.raw, true, this.scope)
      const state = { open: true }
      await tx.exec('BEGIN IMMEDIATE')
      try {
        const result = await this.scope.run(state, () => fn(tx))
        await tx.exec('COMMIT')
        return result
      } catch (err) {
        await tx.exec('ROLLBACK').catch(() => undefined)
        throw err
      } finally {
        state.open = false
      }
    })
  }
  close() {
    return this.queued(() => this.direct<void>((cb) => this.raw.close(cb), 'close'))
  }
}

/** Opens (creating if needed) the database with WAL, foreign keys and a busy timeout, then migrates it. */
export async function openDb(file: string, migrations: Migration[]): Promise<Db> {
  const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
    const d = new sqlite3.Database(file, (err) => (err ? reject(wrap(err as Error, `open ${file}`)) : resolve(d)))
  })
  const db = new Connection(raw)
  try {
    await db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;')
    await migrate(db, migrations)
  } catch (err) {
    // e.g. a damaged file: let it go, so it can be moved aside (Windows cannot rename an open file)
    await db.close().catch(() => undefined)
    throw err
  }
  return db
}

export async function migrate(db: Db, migrations: Migration[]): Promise<string[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)')
  const done = new Set((await db.all<{ id: string }>('SELECT id FROM schema_migrations')).map((r) => r.id))
  const applied: string[] = []
  for (const m of migrations) {
    if (done.has(m.id)) continue
    await db.transaction(async (tx) => {
      await tx.exec(m.sql)
      await tx.run('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)', [m.id, Date.now()])
    })
    applied.push(m.id)
  }
  return applied
}
