import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EngineEvent } from '../../src/core/contract'
import { createEventBus } from '../../src/core/events'
import { fileSecretStore } from '../../src/core/secrets/store'
import { createSettingsStore, DEFAULT_SETTINGS } from '../../src/core/settings/settings'
import { openDb } from '../../src/core/storage/db'
import { allMigrations } from '../../src/core/storage/migrations'
import type { Db } from '../../src/core/storage/types'
import { tempDir } from '../fixtures/engine'

const open: Db[] = []
afterEach(async () => {
  for (const db of open.splice(0)) await db.close()
})
async function store(file = ':memory:') {
  const db = await openDb(file, allMigrations)
  open.push(db)
  const bus = createEventBus()
  const events: EngineEvent[] = []
  bus.on((e) => events.push(e))
  const secretsFile = join(tempDir(), 'secrets.json')
  return { db, events, secretsFile, settings: createSettingsStore(db, bus, fileSecretStore(secretsFile)) }
}

describe('SettingsStore', () => {
  it('starts from the documented defaults', async () => {
    const { settings } = await store()
    expect(await settings.get()).toEqual({
      tau: 0.95, k: 3, estimator: 'rss', rssNormalize: 'sum', rssCandidates: 'tools', rssSamples: 5, reviewPolicy: 'manual', adaptationMode: 'per-query', autoImprove: false,
      lora: { rank: 8, alpha: 16, targets: ['attn_q', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down'], seed: 42 },
      optim: { lr: 1e-4, epochs: 5, warmup: 0.03, schedule: 'cosine', weightDecay: 0 },
      teacher: { kind: 'none' }, contextSize: 4096, maxAnswerTokens: 512, loadLastModel: true
    })
  })

  it('persists a patch across reopening, keeps the other values and announces the change', async () => {
    const file = join(tempDir(), 's.db')
    const a = await store(file)
    const next = await a.settings.update({ tau: 0.8, lora: { ...DEFAULT_SETTINGS.lora, rank: 16 } })
    expect(next).toMatchObject({ tau: 0.8, k: 3, lora: { rank: 16, alpha: 16 } })
    expect(a.events).toEqual([{ type: 'settings.changed', settings: next }])
    await open.pop()!.close()
    const b = await store(file)
    expect(await b.settings.get()).toEqual(next)
  })

  it('refuses an invalid patch and changes nothing', async () => {
    const { settings, events } = await store()
    await expect(settings.update({ tau: 1.5, k: 3 })).rejects.toThrow(/tau/)
    await expect(settings.update({ estimator: 'guess' })).rejects.toThrow()
    await expect(settings.update({ tua: 0.5 })).rejects.toThrow(/tua/)
    expect(await settings.get()).toEqual(DEFAULT_SETTINGS)
    expect(events).toEqual([])
  })

  it('stores the teacher API key apart: never returned, never in the settings row or events', async () => {
    const { settings, db, events, secretsFile } = await store()
    const secret = 'sk-test-0123456789'
    const s = await settings.update({ teacher: { kind: 'http', baseUrl: 'http://127.0.0.1:9/v1', model: 'teach', apiKey: secret } })
    expect(s.teacher).toEqual({ kind: 'http', baseUrl: 'http://127.0.0.1:9/v1', model: 'teach', hasApiKey: true, timeoutSec: 120, maxResponseMb: 4 })
    expect(await settings.teacherApiKey()).toBe(secret)
    const rows = await db.all<{ value: string }>('SELECT value FROM settings')
    expect(JSON.stringify(rows)).not.toContain(secret)
    expect(await db.all('SELECT * FROM secrets')).toEqual([]) // never in the database at all
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600)
    expect(JSON.stringify(events)).not.toContain(secret)
    expect(JSON.stringify(await settings.get())).not.toContain(secret)

    // changing the endpoint without a key keeps the stored key; an empty key removes it
    expect((await settings.update({ teacher: { kind: 'http', baseUrl: 'http://127.0.0.1:9/v2', model: 'teach' } })).teacher).toMatchObject({ hasApiKey: true })
    expect((await settings.update({ teacher: { kind: 'http', baseUrl: 'http://127.0.0.1:9/v2', model: 'teach', apiKey: '' } })).teacher).toMatchObject({ hasApiKey: false })
    expect(await settings.teacherApiKey()).toBeNull()
  })
})
