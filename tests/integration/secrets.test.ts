import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type Engine, type SecretCodec } from '../../src/core/engine'
import { openDb } from '../../src/core/storage/db'
import { tempDir } from '../fixtures/engine'

const KEY = 'sk-live-plaintext-key-0042'
const engines: Engine[] = []
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close().catch(() => undefined)
})
const start = async (dataDir: string, secretCodec?: SecretCodec) => {
  const e = await createEngine({ dataDir, gpu: 'cpu', threads: 1, secretCodec })
  engines.push(e)
  return e
}
const dbBytes = (dataDir: string) => ['autodidact.db', 'autodidact.db-wal'].map((f) => join(dataDir, f)).filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('')

describe('the teacher API key is never kept in the database', () => {
  it('a key stored in plain text by an earlier version moves to the 0600 secrets file, its bytes gone from the database', async () => {
    const dataDir = tempDir()
    const first = await start(dataDir)
    await first.call('settings.update', { teacher: { kind: 'http', baseUrl: 'http://127.0.0.1:9/v1', model: 't' } })
    await first.close()
    engines.splice(0)
    // what an earlier version wrote
    const old = await openDb(join(dataDir, 'autodidact.db'), [])
    await old.run("INSERT INTO secrets (key, value) VALUES ('teacher.apiKey', ?)", [KEY])
    await old.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    await old.close()
    expect(dbBytes(dataDir)).toContain(KEY)

    const e = await start(dataDir)
    const file = join(dataDir, 'secrets.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'teacher.apiKey': KEY })
    expect(await e.services.db.all('SELECT * FROM secrets')).toEqual([])
    expect(dbBytes(dataDir)).not.toContain(KEY)
    // the renderer sees "set", never the key; augmentation still gets it
    const s = await e.call('settings.get', {})
    expect(s.teacher).toMatchObject({ kind: 'http', hasApiKey: true })
    expect(JSON.stringify(s)).not.toContain(KEY)
    expect(await e.services.settings.teacherApiKey()).toBe(KEY)
    // a widened mode is narrowed again on the next read
    chmodSync(file, 0o644)
    await e.call('settings.get', {})
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('with a keychain codec (the desktop app) the file holds only ciphertext', async () => {
    const dataDir = tempDir()
    const codec: SecretCodec = {
      encrypt: (p) => Buffer.from([...Buffer.from(p)].map((b) => b ^ 0x5a)),
      decrypt: (d) => Buffer.from([...d].map((b) => b ^ 0x5a)).toString()
    }
    const e = await start(dataDir, codec)
    const s = await e.call('settings.update', { teacher: { kind: 'http', baseUrl: 'http://127.0.0.1:9/v1', model: 't', apiKey: KEY } })
    expect(s.teacher).toMatchObject({ hasApiKey: true })
    expect(JSON.stringify(s)).not.toContain(KEY)
    const file = join(dataDir, 'secrets.keychain.json')
    expect(readFileSync(file, 'utf8')).not.toContain(KEY)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false)
    expect(await e.services.settings.teacherApiKey()).toBe(KEY)
    expect(dbBytes(dataDir)).not.toContain(KEY)
    expect((await e.call('settings.update', { teacher: { kind: 'http', baseUrl: 'http://127.0.0.1:9/v1', model: 't', apiKey: '' } })).teacher).toMatchObject({ hasApiKey: false })
    expect(await e.services.settings.teacherApiKey()).toBeNull()
  })
})
