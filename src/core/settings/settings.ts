import type { Settings } from '../contract'
import { settingsPatchSchema } from '../contract'
import type { Db } from '../storage/types'
import type { EventBus } from '../services'
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
  contextSize: 4096
}

/** Settings as one JSON row; the teacher's API key lives in `secrets` and is never returned. */
export function createSettingsStore(db: Db, events: EventBus): SettingsStore {
  const read = async (): Promise<Settings> => {
    const row = await db.get<{ value: string }>("SELECT value FROM settings WHERE key = 'settings'")
    const stored = row ? (JSON.parse(row.value) as Partial<Settings>) : {}
    const merged = { ...DEFAULT_SETTINGS, ...stored }
    const hasKey = Boolean(await db.get("SELECT 1 FROM secrets WHERE key = 'teacher.apiKey'"))
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
      await db.transaction(async (tx) => {
        const row = await tx.get<{ value: string }>("SELECT value FROM settings WHERE key = 'settings'")
        const current = { ...DEFAULT_SETTINGS, ...(row ? (JSON.parse(row.value) as Partial<Settings>) : {}) }
        const next: Record<string, unknown> = { ...current, ...parsed }
        if (parsed.teacher?.kind === 'http') {
          const { apiKey, ...rest } = parsed.teacher
          next.teacher = { ...rest, hasApiKey: false }
          if (apiKey !== undefined) {
            if (apiKey) await tx.run("INSERT OR REPLACE INTO secrets (key, value) VALUES ('teacher.apiKey', ?)", [apiKey])
            else await tx.run("DELETE FROM secrets WHERE key = 'teacher.apiKey'")
          }
        }
        await tx.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('settings', ?)", [JSON.stringify(next)])
      })
      const settings = await read()
      events.emit({ type: 'settings.changed', settings })
      return settings
    },
    async teacherApiKey() {
      const row = await db.get<{ value: string }>("SELECT value FROM secrets WHERE key = 'teacher.apiKey'")
      return row?.value ?? null
    }
  }
}
