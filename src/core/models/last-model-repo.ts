import type { Db } from '../storage/types'

/** The model loaded last, whichever shell loaded it, with the context size asked for (null: the setting's). */
export interface RememberedModel {
  modelId: string
  contextSize: number | null
}

// rows of the settings key/value table, apart from the user's settings (state, not preferences)
const LAST = 'models.last'
/** set while a start loads the last model, cleared when that load ends: still set at the next start means it died loading */
const LOADING_AT_START = 'models.loadingAtStart'

async function read<T>(db: Db, key: string): Promise<T | null> {
  const row = await db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key])
  if (!row) return null
  try {
    return JSON.parse(row.value) as T
  } catch {
    return null // a damaged row is as good as none
  }
}

async function write(db: Db, key: string, value: unknown): Promise<void> {
  if (value === null) await db.run('DELETE FROM settings WHERE key = ?', [key])
  else await db.run('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)', [key, JSON.stringify(value)])
}

export const lastModelRepo = {
  get: async (db: Db): Promise<RememberedModel | null> => {
    const r = await read<RememberedModel>(db, LAST)
    return r && typeof r.modelId === 'string' ? { modelId: r.modelId, contextSize: typeof r.contextSize === 'number' ? r.contextSize : null } : null
  },
  remember: (db: Db, r: RememberedModel) => write(db, LAST, r),
  /** a model that leaves the library is not remembered any more */
  async forget(db: Db, modelId: string): Promise<void> {
    if ((await lastModelRepo.get(db))?.modelId === modelId) await write(db, LAST, null)
  },
  loadingAtStart: (db: Db) => read<string>(db, LOADING_AT_START),
  setLoadingAtStart: (db: Db, modelId: string | null) => write(db, LOADING_AT_START, modelId)
}
