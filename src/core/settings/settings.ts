import type { Settings } from '../contract'
import { settingsPatchSchema } from '../contract'
import type { Db } from '../storage/types'
import type { EventBus } from '../services'
import type { SecretStore } from '../secrets/store'
import type { SettingsStore } from './types'
import { TEACHER_HTTP_LIMITS } from '../../shared/teacher'

export const DEFAULT_SETTINGS: Settings = {
  tau: 0.95,
  k: 3,
  estimator: 'rss',
  rssNormalize: 'sum',
  rssCandidates: 'tools',
  rssSamples: 5,
  reviewPolicy: 'manual',
  adaptationMode: 'per-query',
  autoImprove: false,
  lora: { rank: 8, alpha: 16, targets: ['attn_q', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down'], seed: 42 },
  optim: { lr: 1e-4, epochs: 5, warmup: 0.03, schedule: 'cosine', weightDecay: 0 },
  teacher: { kind: 'none' },
  contextSize: 4096,
  maxAnswerTokens: 512,
  // on: a desktop tool opens ready to use, as it was left; the load is a cancellable background job, and a missing or damaged file only leaves a note
  loadLastModel: true
}

const KEY = 'teacher.apiKey'

/**
 * Earlier versions kept the teacher's API key in the database's `secrets` table, in plain text: moved to the
 * secret store, then deleted with secure_delete (its bytes overwritten) and the WAL truncated.
 */
export async function moveSecretsOutOfDb(db: Db, secrets: SecretStore): Promise<number> {
  const rows = await db.all<{ key: string; value: string }>('SELECT key, value FROM secrets')
  if (!rows.length) return 0
  for (const r of rows) if ((await secrets.get(r.key)) === null) await secrets.set(r.key, r.value)
  await db.exec('PRAGMA secure_delete = ON')
  await db.run('DELETE FROM secrets')
  await db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  return rows.length
}

/** Settings as one JSON row; the teacher's API key lives in the secret store (never the database) and is never returned. */
export function createSettingsStore(db: Db, events: EventBus, secrets: SecretStore): SettingsStore {
  const read = async (): Promise<Settings> => {
    const row = await db.get<{ value: string }>("SELECT value FROM settings WHERE key = 'settings'")
    const stored = row ? (JSON.parse(row.value) as Partial<Settings>) : {}
    const merged = { ...DEFAULT_SETTINGS, ...stored }
    const hasKey = (await secrets.get(KEY)) !== null
    if (merged.teacher.kind === 'http') {
      // settings written before the limits existed take the defaults
      const limits = { timeoutSec: TEACHER_HTTP_LIMITS.timeoutSec.default, maxResponseMb: TEACHER_HTTP_LIMITS.maxResponseMb.default }
      merged.teacher = { ...limits, ...merged.teacher, hasApiKey: hasKey }
    }
    return merged
  }
  return {
    get: read,
    async update(patch) {
      const parsed = settingsPatchSchema.parse(patch)
      const apiKey = parsed.teacher?.kind === 'http' ? parsed.teacher.apiKey : undefined
      if (apiKey !== undefined) await secrets.set(KEY, apiKey || null) // an empty key removes it
      await db.transaction(async (tx) => {
        const row = await tx.get<{ value: string }>("SELECT value FROM settings WHERE key = 'settings'")
        const current = { ...DEFAULT_SETTINGS, ...(row ? (JSON.parse(row.value) as Partial<Settings>) : {}) }
        const next: Record<string, unknown> = { ...current, ...parsed }
        if (parsed.teacher?.kind === 'http') {
          const { apiKey: _key, ...rest } = parsed.teacher
          next.teacher = { ...rest, hasApiKey: false }
        }
        await tx.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('settings', ?)", [JSON.stringify(next)])
      })
      const settings = await read()
      events.emit({ type: 'settings.changed', settings })
      return settings
    },
    teacherApiKey: () => secrets.get(KEY)
  }
}
