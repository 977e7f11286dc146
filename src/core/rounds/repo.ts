import type { AgentProfile, AnswerRecord, Example, ExampleStatus, Round, RoundStage, RoundStatus, RoundSummary, ToolCall, TrainingInfo, UncertaintySummary } from '../contract'
import type { Turn } from '../agent/prompt'
import { fromJson, newId, toJson } from '../storage/json'
import type { Db } from '../storage/types'

export interface RoundRow extends Round {
  profile: Pick<AgentProfile, 'systemPrompt' | 'tools' | 'name' | 'allowText'>
  history: Turn[]
}

interface Row {
  id: string; conversation_id: string | null; message_id: string | null; profile_id: string | null; profile: string; model_id: string
  query: string; history: string; mode: Round['mode']; teacher: string | null; status: RoundStatus; stage: RoundStage; error: string | null
  uncertainty: string | null; prompts: string; before_answer: string | null; after_answer: string | null; training: string | null
  timings: string; created_at: number; updated_at: number
}
interface ExRow {
  id: string; round_id: string; input: string; call: string | null; text: string | null; status: ExampleStatus; reason: string | null
  provenance: string; raw: string | null; created_at: number; reviewed_at: number | null
}

const toRound = (r: Row): RoundRow => ({
  id: r.id, conversationId: r.conversation_id, messageId: r.message_id, profileId: r.profile_id, profile: JSON.parse(r.profile), modelId: r.model_id,
  query: r.query, history: fromJson<Turn[]>(r.history) ?? [], mode: r.mode, teacher: r.teacher, status: r.status, stage: r.stage, error: r.error,
  uncertainty: fromJson<UncertaintySummary>(r.uncertainty), prompts: fromJson(r.prompts) ?? [], before: fromJson<AnswerRecord>(r.before_answer),
  after: fromJson<AnswerRecord>(r.after_answer), training: fromJson<TrainingInfo>(r.training), timings: fromJson(r.timings) ?? {},
  createdAt: r.created_at, updatedAt: r.updated_at
})
export const toExample = (r: ExRow): Example => ({
  id: r.id, roundId: r.round_id, input: r.input, call: fromJson<ToolCall>(r.call), text: r.text, status: r.status, reason: r.reason,
  provenance: r.provenance, raw: r.raw, createdAt: r.created_at, reviewedAt: r.reviewed_at
})

/** Column updates for a round; every write bumps updated_at. */
export interface RoundPatch {
  status?: RoundStatus
  stage?: RoundStage
  error?: string | null
  uncertainty?: UncertaintySummary | null
  prompts?: Round['prompts']
  before?: AnswerRecord | null
  after?: AnswerRecord | null
  training?: TrainingInfo | null
  timings?: Record<string, number>
}
const COLUMNS: Record<keyof RoundPatch, string> = {
  status: 'status', stage: 'stage', error: 'error', uncertainty: 'uncertainty', prompts: 'prompts', before: 'before_answer',
  after: 'after_answer', training: 'training', timings: 'timings'
}

export const roundsRepo = {
  async create(db: Db, r: Pick<RoundRow, 'conversationId' | 'messageId' | 'profileId' | 'profile' | 'modelId' | 'query' | 'history' | 'mode' | 'teacher'> & Partial<RoundPatch>): Promise<RoundRow> {
    const id = newId('round')
    const now = Date.now()
    await db.run(
      `INSERT INTO rounds (id, conversation_id, message_id, profile_id, profile, model_id, query, history, mode, teacher, status, stage,
        uncertainty, before_answer, prompts, timings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, r.conversationId, r.messageId, r.profileId, JSON.stringify(r.profile), r.modelId, r.query, JSON.stringify(r.history), r.mode, r.teacher,
        r.status ?? 'running', r.stage ?? 'uncertainty', toJson(r.uncertainty ?? null), toJson(r.before ?? null), JSON.stringify(r.prompts ?? []),
        JSON.stringify(r.timings ?? {}), now, now]
    )
    return (await roundsRepo.get(db, id))!
  },
  async get(db: Db, id: string): Promise<RoundRow | null> {
    const r = await db.get<Row>('SELECT * FROM rounds WHERE id = ?', [id])
    return r ? toRound(r) : null
  },
  async update(db: Db, id: string, patch: RoundPatch): Promise<void> {
    const sets: string[] = []
    const vals: (string | number | null)[] = []
    for (const [k, v] of Object.entries(patch)) {
      sets.push(`${COLUMNS[k as keyof RoundPatch]} = ?`)
      vals.push(k === 'status' || k === 'stage' || k === 'error' ? (v as string | null) : toJson(v))
    }
    sets.push('updated_at = ?')
    vals.push(Date.now(), id)
    await db.run(`UPDATE rounds SET ${sets.join(', ')} WHERE id = ?`, vals)
  },
  async list(db: Db, f: { status?: string; profileId?: string; since?: number; until?: number }): Promise<RoundSummary[]> {
    const where: string[] = []
    const vals: (string | number)[] = []
    if (f.status) (where.push('r.status = ?'), vals.push(f.status))
    if (f.profileId) (where.push('r.profile_id = ?'), vals.push(f.profileId))
    if (f.since) (where.push('r.created_at >= ?'), vals.push(f.since))
    if (f.until) (where.push('r.created_at <= ?'), vals.push(f.until))
    const rows = await db.all<Row & { pending: number }>(
      `SELECT r.*, (SELECT COUNT(*) FROM examples e WHERE e.round_id = r.id AND e.status = 'pending') AS pending
       FROM rounds r ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.created_at DESC LIMIT 500`,
      vals
    )
    return rows.map((r) => ({
      id: r.id, query: r.query, status: r.status, stage: r.stage, profileId: r.profile_id, modelId: r.model_id,
      margin: fromJson<UncertaintySummary>(r.uncertainty)?.margin ?? null, pending: r.pending, createdAt: r.created_at
    }))
  },
  async examples(db: Db, roundId: string): Promise<Example[]> {
    return (await db.all<ExRow>('SELECT * FROM examples WHERE round_id = ? ORDER BY created_at, rowid', [roundId])).map(toExample)
  },
  async examplesByIds(db: Db, ids: string[]): Promise<Example[]> {
    if (!ids.length) return []
    return (await db.all<ExRow>(`SELECT * FROM examples WHERE id IN (${ids.map(() => '?').join(',')})`, ids)).map(toExample)
  },
  async pending(db: Db): Promise<Example[]> {
    return (await db.all<ExRow>("SELECT * FROM examples WHERE status = 'pending' ORDER BY created_at, rowid")).map(toExample)
  },
  async addExample(db: Db, e: Omit<Example, 'id' | 'createdAt' | 'reviewedAt'>): Promise<void> {
    await db.run(
      'INSERT INTO examples (id, round_id, input, call, text, status, reason, provenance, raw, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [newId('ex'), e.roundId, e.input, toJson(e.call), e.text, e.status, e.reason, e.provenance, e.raw, Date.now()]
    )
  },
  async setExample(db: Db, id: string, patch: { status: ExampleStatus; reason?: string | null; input?: string; call?: ToolCall | null; text?: string | null; provenance?: string }): Promise<void> {
    const cur = (await roundsRepo.examplesByIds(db, [id]))[0]
    await db.run('UPDATE examples SET status = ?, reason = ?, input = ?, call = ?, text = ?, provenance = ?, reviewed_at = ? WHERE id = ?', [
      patch.status, patch.reason ?? null, patch.input ?? cur.input, toJson(patch.call === undefined ? cur.call : patch.call),
      patch.text === undefined ? cur.text : patch.text, patch.provenance ?? cur.provenance, Date.now(), id
    ])
  },
  /** On start-up: work that was running when the process died is marked interrupted (resumable). */
  async markInterrupted(db: Db): Promise<number> {
    return (await db.run("UPDATE rounds SET status = 'interrupted', error = 'the app stopped while this round was running', updated_at = ? WHERE status IN ('running', 'training')", [Date.now()])).changes
  }
}
