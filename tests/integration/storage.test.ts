import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb } from '../../src/core/storage/db'
import { allMigrations } from '../../src/core/storage/migrations'
import { chatRepo } from '../../src/core/storage/chat-repo'
import type { Db } from '../../src/core/storage/types'
import { tempDir } from '../fixtures/engine'

describe('sqlite storage', () => {
  const file = join(tempDir(), 'test.db')
  let db: Db
  afterAll(async () => db?.close())

  it('opens with WAL and foreign keys, and applies every migration once', async () => {
    db = await openDb(file, allMigrations)
    expect((await db.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode).toBe('wal')
    expect((await db.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))?.foreign_keys).toBe(1)
    const ids = (await db.all<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id')).map((r) => r.id)
    expect(ids.sort()).toEqual(allMigrations.map((m) => m.id).sort())
    await db.close()
    db = await openDb(file, allMigrations) // re-open: nothing re-applied, no error
    expect((await db.all('SELECT id FROM schema_migrations')).length).toBe(allMigrations.length)
  })

  it('rolls a failed transaction back completely', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO profiles (id, name, created_at) VALUES ('p1', 'one', 1)")
        throw new Error('boom')
      })
    ).rejects.toThrow('boom')
    expect(await db.get("SELECT * FROM profiles WHERE id = 'p1'")).toBeUndefined()
  })

  it('serialises concurrent transactions (no interleaving)', async () => {
    await db.run("INSERT INTO settings (key, value) VALUES ('counter', '0')")
    const bump = () =>
      db.transaction(async (tx) => {
        const v = Number((await tx.get<{ value: string }>("SELECT value FROM settings WHERE key = 'counter'"))!.value)
        await new Promise((r) => setTimeout(r, 5))
        await tx.run("UPDATE settings SET value = ? WHERE key = 'counter'", [String(v + 1)])
      })
    await Promise.all(Array.from({ length: 10 }, bump))
    expect((await db.get<{ value: string }>("SELECT value FROM settings WHERE key = 'counter'"))!.value).toBe('10')
  })

  it('keeps a profile\'s allowText through save and update; profiles from before the column read as false', async () => {
    await db.run("INSERT INTO profiles (id, name, created_at) VALUES ('old', 'from an older version', 1)")
    expect((await chatRepo.getProfile(db, 'old'))!.allowText).toBe(false)
    const tool = { name: 'f', description: '', parameters: { type: 'object' as const } }
    const p = await chatRepo.saveProfile(db, { name: 'texty', systemPrompt: 's', tools: [tool], allowText: true })
    expect(p).toMatchObject({ name: 'texty', tools: [tool], allowText: true })
    expect((await chatRepo.saveProfile(db, { ...p, allowText: false })).allowText).toBe(false)
    expect((await chatRepo.listProfiles(db)).filter((x) => x.id === p.id)).toHaveLength(1)
  })

  it('enforces foreign keys (a message needs its conversation)', async () => {
    await expect(db.run("INSERT INTO messages (id, conversation_id, role, content, created_at) VALUES ('m', 'nope', 'user', 'x', 1)")).rejects.toThrow(/FOREIGN KEY/)
  })
})
