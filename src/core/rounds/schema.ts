import type { Migration } from '../storage/types'

/** A round is one record tree: the round row (JSON columns for its structured parts) and its examples. */
export const roundsMigrations: Migration[] = [
  {
    id: 'rounds-001-create',
    sql: `
      CREATE TABLE rounds (
        id TEXT PRIMARY KEY, conversation_id TEXT, message_id TEXT, profile_id TEXT, profile TEXT NOT NULL,
        model_id TEXT NOT NULL, query TEXT NOT NULL, history TEXT NOT NULL DEFAULT '[]',
        mode TEXT NOT NULL, teacher TEXT, status TEXT NOT NULL, stage TEXT NOT NULL, error TEXT,
        uncertainty TEXT, prompts TEXT NOT NULL DEFAULT '[]', before_answer TEXT, after_answer TEXT, training TEXT,
        timings TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX rounds_by_status ON rounds(status, created_at);
      CREATE TABLE examples (
        id TEXT PRIMARY KEY, round_id TEXT NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
        input TEXT NOT NULL, call TEXT, text TEXT, status TEXT NOT NULL CHECK (status IN ('pending','approved','rejected','invalid')),
        reason TEXT, provenance TEXT NOT NULL, raw TEXT, created_at INTEGER NOT NULL, reviewed_at INTEGER);
      CREATE INDEX examples_by_round ON examples(round_id);
      CREATE INDEX examples_by_status ON examples(status);
    `
  }
]
