import type { Settings } from '../contract'

/** Settings persisted in sqlite (a key/value table); the teacher API key is stored apart and never returned. */
export interface SettingsStore {
  get(): Promise<Settings>
  update(patch: Record<string, unknown>): Promise<Settings>
  /** The teacher endpoint's API key, for the augmentation code only. Never logged or exported. */
  teacherApiKey(): Promise<string | null>
}
