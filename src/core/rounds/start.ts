import type { Settings } from '../contract'
import { DEMO_TEACHER } from '../augment/demo-teacher'
import { historyTurns } from '../chat/respond'
import { UserError } from '../errors'
import type { Services } from '../services'
import { chatRepo } from '../storage/chat-repo'
import { startRoundJob } from './engine'
import { roundsRepo } from './repo'

/** What the round records about its teacher (never the API key). */
function teacherLabel(t: Settings['teacher']): string | null {
  return t.kind === 'http' ? t.model : t.kind === 'local' ? `local:${t.modelId}` : t.kind === 'demo' ? DEMO_TEACHER : null
}

/** The profile a round keeps a copy of (a later edit of the profile does not change a recorded round). */
async function profileSnapshot(s: Services, profileId: string | null | undefined) {
  const p = profileId ? await chatRepo.getProfile(s.db, profileId) : null
  return p ? { name: p.name, systemPrompt: p.systemPrompt, tools: p.tools, allowText: p.allowText ?? false } : { name: 'No tools', systemPrompt: '', tools: [], allowText: false }
}

/** A round for an assistant answer in a conversation: the answer and its scores are the "before". */
export async function startRoundForMessage(s: Services, messageId: string): Promise<{ roundId: string; jobId: string }> {
  const msg = await chatRepo.getMessage(s.db, messageId)
  if (!msg || msg.role !== 'assistant') throw new UserError('Pick an answer of the agent to improve.', 'not_found')
  if (msg.roundId) throw new UserError('This answer already has a round: see Rounds.', 'exists')
  const conv = await chatRepo.getConversation(s.db, msg.conversationId)
  const all = await chatRepo.messages(s.db, msg.conversationId)
  const idx = all.findIndex((m) => m.id === messageId)
  const userIdx = all.slice(0, idx).map((m) => m.role).lastIndexOf('user')
  if (userIdx < 0) throw new UserError('This answer has no question before it.', 'invalid')
  const profile = await profileSnapshot(s, conv?.profileId)
  const loaded = s.host.loaded()
  if (!loaded) throw new UserError('No model is loaded: load one in Models first.', 'no_model')
  const settings = await s.settings.get()
  const round = await s.db.transaction(async (tx) => {
    // checked again inside the transaction: of two concurrent starts for one answer, the second sees the first's round
    if ((await chatRepo.getMessage(tx, messageId))?.roundId) throw new UserError('This answer already has a round: see Rounds.', 'exists')
    const r = await roundsRepo.create(tx, {
      conversationId: msg.conversationId, messageId, profileId: conv?.profileId ?? null,
      profile, modelId: loaded.modelId,
      query: all[userIdx].content, history: historyTurns(all.slice(0, userIdx)), mode: settings.adaptationMode,
      teacher: teacherLabel(settings.teacher),
      stage: 'augmentation', uncertainty: msg.uncertainty,
      before: { text: msg.content, call: msg.toolCalls?.[0] ?? null, tokens: msg.tokens, prompt: msg.prompt ?? '' },
      prompts: msg.prompt ? [{ stage: 'answer', prompt: msg.prompt }] : []
    })
    await chatRepo.setMessageRound(tx, messageId, r.id)
    return r
  })
  return { roundId: round.id, jobId: await startRoundJob(s, round.id) }
}

/** A round for a free query (CLI, experiments): starts from the uncertainty stage. */
export async function startRoundForQuery(s: Services, query: string, profileId: string | null): Promise<{ roundId: string; jobId: string }> {
  const loaded = s.host.loaded()
  if (!loaded) throw new UserError('No model is loaded: load one in Models first.', 'no_model')
  const profile = await profileSnapshot(s, profileId)
  const settings = await s.settings.get()
  const r = await roundsRepo.create(s.db, {
    conversationId: null, messageId: null, profileId, profile,
    modelId: loaded.modelId, query, history: [], mode: settings.adaptationMode, teacher: teacherLabel(settings.teacher)
  })
  return { roundId: r.id, jobId: await startRoundJob(s, r.id) }
}
