import type { Migration } from '../storage/types'

export const modelsMigrations: Migration[] = [
  {
    id: 'models-001-create',
    sql: `CREATE TABLE models (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL UNIQUE, size_bytes INTEGER NOT NULL,
      architecture TEXT, source TEXT NOT NULL, catalog_id TEXT, added_at INTEGER NOT NULL)`
  }
]
