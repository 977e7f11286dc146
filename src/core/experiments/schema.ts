import type { Migration } from '../storage/types'

/**
 * Offline experiments: imported datasets (items copied in, so a run never depends on the file), runs
 * (config + status) and run_items, one row per (run, method, tau, seed, item), each committed on its own
 * so a resumed run skips what is finished. Imported LoRA adapters are listed in `adapters`.
 */
export const experimentsMigrations: Migration[] = [
  {
    id: 'experiments-001-create',
    sql: `
      CREATE TABLE datasets (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL, items INTEGER NOT NULL, lines INTEGER NOT NULL,
        blank INTEGER NOT NULL DEFAULT 0, errors TEXT NOT NULL DEFAULT '[]', files TEXT NOT NULL DEFAULT '[]', created_at INTEGER NOT NULL);
      CREATE TABLE dataset_items (
        dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE, idx INTEGER NOT NULL, item_id TEXT NOT NULL,
        source TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (dataset_id, idx));
      CREATE TABLE runs (
        id TEXT PRIMARY KEY, dataset_id TEXT NOT NULL REFERENCES datasets(id), model_id TEXT NOT NULL, config TEXT NOT NULL,
        status TEXT NOT NULL, error TEXT, total INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE run_items (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, method TEXT NOT NULL, tau REAL NOT NULL, seed INTEGER NOT NULL,
        item_idx INTEGER NOT NULL, item_id TEXT NOT NULL, source TEXT NOT NULL, prediction TEXT, exact INTEGER NOT NULL,
        name_only INTEGER NOT NULL, first_call INTEGER NOT NULL, flagged INTEGER NOT NULL, margin REAL, round_id TEXT,
        reason TEXT, error TEXT, ms REAL NOT NULL, created_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, method, tau, seed, item_idx));
    `
  },
  {
    id: 'experiments-002-adapters',
    sql: `
      CREATE TABLE adapters (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL, source_path TEXT NOT NULL, model_id TEXT,
        architecture TEXT, size_bytes INTEGER NOT NULL, created_at INTEGER NOT NULL);
    `
  }
]
