import type { Migration } from './types'

/** Base tables: settings, profiles, conversations, messages. */
export const baseMigrations: Migration[] = [
  {
    id: 'base-001-create',
    sql: `
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE secrets (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE profiles (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, system_prompt TEXT NOT NULL DEFAULT '',
        tools TEXT NOT NULL DEFAULT '[]', created_at INTEGER NOT NULL);
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, profile_id TEXT REFERENCES profiles(id) ON DELETE SET NULL,
        model_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE messages (
        id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('system','user','assistant','tool')), content TEXT NOT NULL,
        tool_calls TEXT, tokens TEXT, uncertainty TEXT, prompt TEXT, round_id TEXT, created_at INTEGER NOT NULL);
      CREATE INDEX messages_by_conversation ON messages(conversation_id, created_at);
    `
  }
]
