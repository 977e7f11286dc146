import type { Migration } from '../storage/types'

export const chatMigrations: Migration[] = [
  {
    id: 'chat-001-profile-allow-text',
    sql: 'ALTER TABLE profiles ADD COLUMN allow_text INTEGER NOT NULL DEFAULT 0'
  },
  {
    id: 'chat-002-message-notice',
    sql: 'ALTER TABLE messages ADD COLUMN notice TEXT'
  },
  {
    id: 'chat-003-message-stats',
    sql: 'ALTER TABLE messages ADD COLUMN stats TEXT'
  }
]
