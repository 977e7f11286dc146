import type { AgentProfile, Conversation, Message } from '../contract'
import { fromJson, newId, toJson } from './json'
import type { Db } from './types'

interface MessageRow {
  id: string; conversation_id: string; role: Message['role']; content: string; tool_calls: string | null
  tokens: string | null; uncertainty: string | null; prompt: string | null; notice: string | null; stats: string | null; round_id: string | null; created_at: number
}
const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  conversationId: r.conversation_id,
  role: r.role,
  content: r.content,
  toolCalls: fromJson(r.tool_calls),
  tokens: fromJson(r.tokens),
  uncertainty: fromJson(r.uncertainty),
  prompt: r.prompt,
  notice: r.notice,
  stats: fromJson(r.stats),
  roundId: r.round_id,
  createdAt: r.created_at
})

/** Profiles, conversations and messages. */
export const chatRepo = {
  async listProfiles(db: Db): Promise<AgentProfile[]> {
    const rows = await db.all<{ id: string; name: string; system_prompt: string; tools: string; allow_text: number; created_at: number }>(
      'SELECT * FROM profiles ORDER BY created_at, id'
    )
    return rows.map((r) => ({
      id: r.id, name: r.name, systemPrompt: r.system_prompt, tools: fromJson(r.tools) ?? [], allowText: r.allow_text === 1, createdAt: r.created_at
    }))
  },
  async getProfile(db: Db, id: string): Promise<AgentProfile | null> {
    return (await chatRepo.listProfiles(db)).find((p) => p.id === id) ?? null
  },
  async saveProfile(db: Db, p: Omit<AgentProfile, 'createdAt' | 'id'> & { id?: string }): Promise<AgentProfile> {
    const id = p.id ?? newId('prof')
    const now = Date.now()
    await db.run(
      `INSERT INTO profiles (id, name, system_prompt, tools, allow_text, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, system_prompt = excluded.system_prompt, tools = excluded.tools,
         allow_text = excluded.allow_text`,
      [id, p.name, p.systemPrompt, JSON.stringify(p.tools), p.allowText ? 1 : 0, now]
    )
    return (await chatRepo.getProfile(db, id))!
  },
  async removeProfile(db: Db, id: string): Promise<boolean> {
    return (await db.run('DELETE FROM profiles WHERE id = ?', [id])).changes > 0
  },
  async listConversations(db: Db): Promise<Conversation[]> {
    const rows = await db.all<{ id: string; title: string; profile_id: string | null; model_id: string | null; created_at: number; updated_at: number }>(
      'SELECT * FROM conversations ORDER BY updated_at DESC'
    )
    return rows.map((r) => ({ id: r.id, title: r.title, profileId: r.profile_id, modelId: r.model_id, createdAt: r.created_at, updatedAt: r.updated_at }))
  },
  async getConversation(db: Db, id: string): Promise<Conversation | null> {
    return (await chatRepo.listConversations(db)).find((c) => c.id === id) ?? null
  },
  async createConversation(db: Db, c: { title?: string; profileId?: string | null; modelId?: string | null }): Promise<Conversation> {
    const id = newId('conv')
    const now = Date.now()
    await db.run('INSERT INTO conversations (id, title, profile_id, model_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
      id, c.title ?? 'New conversation', c.profileId ?? null, c.modelId ?? null, now, now
    ])
    return (await chatRepo.getConversation(db, id))!
  },
  async removeConversation(db: Db, id: string): Promise<boolean> {
    return (await db.run('DELETE FROM conversations WHERE id = ?', [id])).changes > 0
  },
  async messages(db: Db, conversationId: string): Promise<Message[]> {
    return (await db.all<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid', [conversationId])).map(toMessage)
  },
  async getMessage(db: Db, id: string): Promise<Message | null> {
    const r = await db.get<MessageRow>('SELECT * FROM messages WHERE id = ?', [id])
    return r ? toMessage(r) : null
  },
  async addMessage(db: Db, m: Omit<Message, 'id' | 'createdAt'> & { id?: string }): Promise<Message> {
    const id = m.id ?? newId('msg')
    const now = Date.now()
    await db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO messages (id, conversation_id, role, content, tool_calls, tokens, uncertainty, prompt, notice, stats, round_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, m.conversationId, m.role, m.content, toJson(m.toolCalls), toJson(m.tokens), toJson(m.uncertainty), m.prompt, m.notice ?? null, toJson(m.stats ?? null), m.roundId, now]
      )
      await tx.run('UPDATE conversations SET updated_at = ? WHERE id = ?', [now, m.conversationId])
    })
    return (await chatRepo.getMessage(db, id))!
  },
  async setMessageRound(db: Db, id: string, roundId: string): Promise<void> {
    await db.run('UPDATE messages SET round_id = ? WHERE id = ?', [roundId, id])
  },
  async renameConversation(db: Db, id: string, title: string): Promise<void> {
    await db.run('UPDATE conversations SET title = ? WHERE id = ?', [title, id])
  }
}
