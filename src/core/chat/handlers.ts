import type { Handlers } from '../contract'
import { UserError } from '../errors'
import type { Services } from '../services'
import { chatRepo } from '../storage/chat-repo'
import { newId } from '../storage/json'
import { latestSessionAdapter } from '../rounds/adapters'
import { DEFAULT_PROFILE } from './default-profile'
import { answerNotice } from './notice'
import { speedMeter } from './stats'
import { acquireContext } from '../trainer/lease'
import { historyTurns, respond } from './respond'

export type RoundStarter = (s: Services, messageId: string) => Promise<unknown>
let roundStarter: RoundStarter | null = null
/** The rounds feature registers how an uncertain answer starts a round (auto-improve). */
export function setRoundStarter(fn: RoundStarter): void {
  roundStarter = fn
}

export function chatHandlers(s: Services): Partial<Handlers> {
  // Two first calls at once (the UI asks on several screens) must not seed the default profile twice.
  let seeding: Promise<unknown> | null = null
  async function profiles() {
    const list = await chatRepo.listProfiles(s.db)
    if (list.length) return list
    seeding ??= chatRepo.saveProfile(s.db, DEFAULT_PROFILE)
    await seeding
    return chatRepo.listProfiles(s.db)
  }

  return {
    'profiles.list': profiles,
    'profiles.save': async (p) => chatRepo.saveProfile(s.db, p),
    'profiles.remove': async ({ id }) => ({ removed: await chatRepo.removeProfile(s.db, id) }),
    'conversations.list': async () => chatRepo.listConversations(s.db),
    'conversations.create': async ({ title, profileId }) => {
      const pid = profileId === undefined ? (await profiles())[0]?.id ?? null : profileId
      return chatRepo.createConversation(s.db, { title, profileId: pid, modelId: s.host.loaded()?.modelId ?? null })
    },
    'conversations.remove': async ({ id }) => ({ removed: await chatRepo.removeConversation(s.db, id) }),
    'conversations.rename': async ({ id, title }) => {
      if (!(await chatRepo.getConversation(s.db, id))) throw new UserError('That conversation no longer exists.', 'not_found')
      await chatRepo.renameConversation(s.db, id, title)
      return (await chatRepo.getConversation(s.db, id))!
    },
    'conversations.messages': async ({ conversationId }) => chatRepo.messages(s.db, conversationId),
    'chat.send': async ({ conversationId, content, maxTokens }) => {
      const conv = await chatRepo.getConversation(s.db, conversationId)
      if (!conv) throw new UserError('That conversation no longer exists.', 'not_found')
      if (!s.host.loaded()) throw new UserError('No model is loaded: load one in Models first.', 'no_model')
      const profile = (conv.profileId && (await chatRepo.getProfile(s.db, conv.profileId))) || { systemPrompt: '', tools: [] }
      const history = historyTurns(await chatRepo.messages(s.db, conversationId))
      const user = await chatRepo.addMessage(s.db, { conversationId, role: 'user', content, toolCalls: null, tokens: null, uncertainty: null, prompt: null, roundId: null })
      if (history.length === 0) await chatRepo.renameConversation(s.db, conversationId, content.slice(0, 60))
      const assistantId = newId('msg')
      const meter = speedMeter(performance.now())
      const { id } = s.jobs.start('chat', 'Generating an answer', async (job) => {
        const settings = await s.settings.get()
        const limit = maxTokens ?? settings.maxAnswerTokens
        // session mode: answers use the profile's latest session adapter (per-query adapters are discarded)
        const loaded = s.host.loaded()
        const adapter = settings.adaptationMode === 'session' && loaded ? await latestSessionAdapter(s, conv.profileId, loaded.modelId) : null
        const lease = await acquireContext(s, { signal: job.signal, adapters: adapter ? [{ path: adapter }] : [] })
        let result
        try {
          let n = 0
          result = await respond({
            lease, profile, history, query: content, settings, maxTokens: limit, signal: job.signal,
            onToken: (t) => {
              n++
              meter.token()
              job.progress(null, `${n} tokens`)
              s.events.emit({ type: 'chat.token', jobId: job.id, conversationId, messageId: assistantId, text: t.text, prob: t.prob })
            }
          })
        } finally {
          lease.release()
        }
        const { answer, uncertainty } = result
        const message = await chatRepo.addMessage(s.db, {
          id: assistantId, conversationId, role: 'assistant', content: answer.text,
          toolCalls: answer.call ? [answer.call] : null, tokens: answer.tokens, uncertainty, prompt: answer.prompt, roundId: null,
          notice: answerNotice(answer, limit), stats: meter.stats()
        })
        s.events.emit({ type: 'chat.message', message })
        if (settings.autoImprove && uncertainty.uncertain && roundStarter) await roundStarter(s, message.id)
        return message
      })
      return { jobId: id, userMessageId: user.id, assistantMessageId: assistantId }
    }
  }
}
