import { useEffect, useRef, useState } from 'react'
import type { Conversation, Message, SystemInfo } from '../../../../core/contract'
import type { ViewId } from '../../App'
import { useAction, useCall, useEvent, useJobs } from '../../hooks'
import { engine } from '../../rpc'
import { Button } from '../../ui/Button'
import { Select, Textarea } from '../../ui/Field'
import { useConfirm } from '../../ui/Dialog'
import { useLeaveGuard } from '../../unsaved'
import { ConversationItem } from './ConversationItem'
import { FoldToggle, useFoldable } from '../../ui/Fold'
import { EmptyState, ErrorNote, Progress } from '../../ui/States'
import { LastModelNote } from '../models/LastModelNote'
import { useLastModel } from '../models/useLastModel'
import { useRoundTracker } from '../rounds/useRoundTracker'
import { MessageView, speedText } from './MessageView'
import { ProfileEditor } from './ProfileEditor'
import { TOUR_MAX_TOKENS, TOUR_QUESTION, TourBanner, tourConversation, startTour } from './Tour'

interface Streaming {
  jobId: string
  id: string
  text: string
  sentAt: number
  tokens: number
  firstAt: number | null
  lastAt: number | null
}

export function ChatView({ info, goTo, openRound }: { info: SystemInfo | null; goTo: (v: ViewId) => void; openRound: (id: string) => void }) {
  const conversations = useCall('conversations.list', {})
  const profiles = useCall('profiles.list', {})
  const settings = useCall('settings.get', {})
  const [active, setActive] = useState<Conversation | null>(null)
  // A new conversation is only a draft (its agent chosen) until its first message: empty ones are never stored.
  const [draftProfile, setDraftProfile] = useState<string | null | undefined>(undefined)
  const { confirm, dialog } = useConfirm()
  const [messages, setMessages] = useState<Message[]>([])
  const [draft, setDraft] = useState('')
  const [streaming, setStreaming] = useState<Streaming | null>(null)
  const [tourStep, setTourStep] = useState<string | null>(null)
  const tracker = useRoundTracker(messages.flatMap((m) => (m.roundId ? [m.roundId] : [])))
  const [editing, setEditing] = useState(false)
  const guard = useLeaveGuard() // closing the profile editor with unsaved edits asks first
  const action = useAction()
  const list = useFoldable()
  const bottom = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (!active && draftProfile === undefined && conversations.data?.length) setActive(conversations.data[0])
  }, [conversations.data, active, draftProfile])
  // the user's message, shown as soon as it is sent: a list read before the engine stored it keeps it
  const pending = useRef<Message | null>(null)
  const activeId = useRef<string | null>(null)
  activeId.current = active?.id ?? null
  /** Shows the conversation's stored messages, unless another conversation was opened while they loaded. */
  const showStored = async (conversationId: string) => {
    const stored = await engine.call('conversations.messages', { conversationId })
    if (activeId.current !== conversationId) return
    const p = pending.current
    setMessages(p && p.conversationId === conversationId && !stored.some((x) => x.id === p.id) ? [...stored, p] : stored)
  }
  useEffect(() => {
    if (active) void showStored(active.id)
    else setMessages([])
  }, [active])
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' })
  }, [messages.length, streaming?.text])

  useEvent((e) => {
    if (e.type === 'chat.token' && active && e.conversationId === active.id) {
      const now = performance.now()
      setStreaming((s) => {
        const same = s?.id === e.messageId
        return { jobId: e.jobId, id: e.messageId, sentAt: same ? s.sentAt : now, text: (same ? s.text : '') + e.text, tokens: (same ? s.tokens : 0) + 1, firstAt: same ? (s.firstAt ?? now) : now, lastAt: now }
      })
    }
    if (e.type === 'chat.message' && active && e.message.conversationId === active.id) {
      setStreaming(null)
      pending.current = null
      setMessages((m) => [...m.filter((x) => x.id !== e.message.id), e.message])
      void conversations.reload()
    }
    if (e.type === 'job.update' && streaming && e.job.id === streaming.jobId && e.job.status !== 'running') {
      if (e.job.status !== 'done') {
        setStreaming(null)
        if (e.job.error) action.setError(e.job.error)
      }
    }
    if (e.type === 'round.update' && active) void showStored(active.id)
  })

  /** Sends `text` in `conv` and shows it at once; the answer streams in. */
  const sendIn = async (conv: Conversation, text: string, maxTokens?: number) => {
    const sentAt = performance.now()
    const r = await engine.call('chat.send', { conversationId: conv.id, content: text, ...(maxTokens ? { maxTokens } : {}) })
    const mine: Message = { id: r.userMessageId, conversationId: conv.id, role: 'user', content: text, toolCalls: null, tokens: null, uncertainty: null, prompt: null, roundId: null, createdAt: Date.now() }
    pending.current = mine
    setMessages((m) => [...m.filter((x) => x.id !== mine.id), mine]) // a list loaded meanwhile may hold it already
    setStreaming({ jobId: r.jobId, id: r.assistantMessageId, text: '', sentAt, tokens: 0, firstAt: null, lastAt: null })
  }
  const send = async () => {
    const text = draft.trim()
    if (!text || streaming) return
    await action.run(async () => {
      let conv = active
      if (!conv) {
        conv = await engine.call('conversations.create', { profileId: answeringProfile })
        setActive(conv)
        setDraftProfile(undefined)
        void conversations.reload()
      }
      await sendIn(conv, text)
      setDraft('')
    })
  }
  /** The offline first run: the demo model, the demo teacher, and a first question in a new conversation. */
  const tryLoop = () =>
    void action.run(async () => {
      try {
        const conv = await startTour(answeringProfile, setTourStep)
        setActive(conv)
        setDraftProfile(undefined)
        void conversations.reload()
        setTourStep(null)
        await sendIn(conv, TOUR_QUESTION, TOUR_MAX_TOKENS)
      } finally {
        setTourStep(null)
      }
    })
  const newConversation = (profileId: string | null) => {
    setActive(null)
    setDraftProfile(profileId)
  }
  const rename = (c: Conversation, title: string) =>
    void action.run(async () => {
      const renamed = await engine.call('conversations.rename', { id: c.id, title })
      if (active?.id === c.id) setActive(renamed)
      await conversations.reload()
    })
  const remove = async (c: Conversation) => {
    const ok = await confirm({ title: 'Delete this conversation?', body: `"${c.title}" and its messages are deleted. Rounds started from it stay in Rounds.`, confirmLabel: 'Delete', danger: true })
    if (!ok) return
    await action.run(async () => {
      await engine.call('conversations.remove', { id: c.id })
      if (active?.id === c.id) newConversation(active.profileId)
      await conversations.reload()
    })
  }
  // The profile that will answer: the conversation's own (a deleted profile means no tools), else the draft's.
  const known = (id: string | null | undefined) => (id && profiles.data?.some((p) => p.id === id) ? id : null)
  const answeringProfile = active ? known(active.profileId) : draftProfile !== undefined ? known(draftProfile) : (profiles.data?.[0]?.id ?? null)
  const improve = (messageId: string) =>
    void action.run(async () => {
      await engine.call('rounds.start', { messageId })
      if (active) await showStored(active.id)
    })

  const noModel = info && !info.loadedModelId
  // the model used last, loading at start (its progress) or not loaded (why, and what to do)
  const last = useLastModel()
  const jobs = useJobs()
  const startLoad = last?.atStart === 'loading' && last.jobId ? jobs[last.jobId] : undefined
  return (
    <div className="flex h-full min-h-[600px] gap-4">
      {list.open && (
        <aside className="flex w-60 shrink-0 flex-col gap-2" data-testid="conversation-sidebar">
          <Button variant="primary" onClick={() => newConversation(answeringProfile)} data-testid="new-conversation">
            New conversation
          </Button>
          <div className="flex-1 space-y-0.5 overflow-auto" data-testid="conversation-list">
            {draftProfile !== undefined && !active && (
              <div className="truncate rounded-md bg-sunken px-2.5 py-1.5 text-sm font-medium italic" data-testid="draft-conversation">
                New conversation
              </div>
            )}
            {conversations.data?.map((c) => (
              <ConversationItem key={c.id} conversation={c} active={active?.id === c.id} onOpen={() => (setActive(c), setDraftProfile(undefined), list.foldIfNarrow())} onRename={(t) => rename(c, t)} onDelete={() => void remove(c)} />
            ))}
          </div>
        </aside>
      )}
      <section className="flex min-w-0 flex-1 flex-col rounded-lg border border-line bg-panel">
        <header className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-line px-4 py-2.5">
          <FoldToggle open={list.open} onToggle={list.toggle} label="Conversations" testId="conversations-toggle" />
          {!list.open && (
            <Button size="sm" variant="primary" onClick={() => newConversation(answeringProfile)} data-testid="new-conversation">
              New
            </Button>
          )}
          {!list.open && (
            <span className="max-w-64 min-w-0 truncate text-sm font-medium" data-testid="conversation-title" title={active?.title}>
              {active?.title ?? 'New conversation'}
            </span>
          )}
          <label className="flex items-center gap-2 text-xs text-muted">
            Agent
            <Select aria-label="Agent profile" className="!w-auto max-w-64 !py-1" value={answeringProfile ?? ''} data-testid="agent-picker" onChange={(e) => newConversation(e.target.value || null)}>
              {profiles.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.tools.length} tools)
                </option>
              ))}
              <option value="">No tools (plain chat)</option>
            </Select>
          </label>
          <Button size="sm" variant="ghost" onClick={() => (editing ? guard.leave(() => setEditing(false)) : setEditing(true))} data-testid="toggle-profile-editor">
            {editing ? 'Close editor' : 'Edit profiles'}
          </Button>
          <label className="ml-auto flex items-center gap-2 text-xs text-muted">
            <input
              type="checkbox"
              data-testid="auto-improve"
              checked={settings.data?.autoImprove ?? false}
              onChange={(e) => void engine.call('settings.update', { autoImprove: e.target.checked }).then((s) => settings.setData(s))}
            />
            Auto-improve uncertain answers
          </label>
        </header>
        {editing && <ProfileEditor profiles={profiles.data ?? []} onSaved={() => void profiles.reload()} />}
        <div className="flex-1 space-y-3 overflow-auto p-4" data-testid="message-list">
          {noModel && startLoad?.status === 'running' && (
            <EmptyState title={`Loading ${last?.model?.name ?? 'the last model used'}`}>
              <div className="w-72 space-y-1" data-testid="start-load-progress">
                <Progress value={startLoad.progress} label="Loading the last model used" />
                <p className="text-xs">The model used last loads at start (Settings can turn this off).</p>
              </div>
            </EmptyState>
          )}
          {noModel && startLoad?.status !== 'running' && (
            <EmptyState
              title="No model is loaded"
              action={
                <div className="flex flex-wrap justify-center gap-2">
                  <Button variant="primary" onClick={tryLoop} disabled={action.busy} data-testid="try-self-improvement">
                    {tourStep ?? 'Try self-improvement offline'}
                  </Button>
                  <Button onClick={() => goTo('models')}>Go to Models</Button>
                </div>
              }
            >
              <LastModelNote last={last} />
              Download a model from the catalog, import a .gguf file, or create the offline demo model in Models. Then load it and come back. Or try the whole
              loop offline now: the small demo model (random weights, its answers are gibberish) asks nothing of the network, and the built-in demo teacher (templates,
              not a model) writes the training examples for you to review.
            </EmptyState>
          )}
          {!noModel && messages.length === 0 && !streaming && <EmptyState title="Ask the agent something">It answers with a tool call or text; uncertain answers can be improved with a TT-SI round.</EmptyState>}
          {active && tourConversation() === active.id && (
            <TourBanner messages={messages} rounds={tracker.rounds} streaming={Boolean(streaming)} onReview={() => goTo('review')} />
          )}
          {messages.map((m) => (
            <MessageView
              key={m.id}
              message={m}
              onImprove={improve}
              improving={action.busy}
              round={m.roundId ? tracker.rounds[m.roundId] : undefined}
              live={m.roundId ? tracker.live[m.roundId] : undefined}
              onOpenRound={openRound}
              onReview={() => goTo('review')}
            />
          ))}
          {streaming && (
            <div className="flex justify-start" data-testid="streaming">
              <div className="max-w-[80%] rounded-lg border border-line bg-panel px-3.5 py-2.5 font-mono text-sm whitespace-pre-wrap [overflow-wrap:anywhere]">
                {streaming.text}
                <span className="ml-0.5 inline-block h-4 w-1.5 animate-pulse bg-accent align-middle" />
                <div className="mt-1 font-sans text-xs text-muted" data-testid="streaming-stats">
                  {streaming.firstAt === null
                    ? 'waiting for the first token…'
                    : speedText(
                        streaming.tokens,
                        streaming.tokens > 1 && streaming.lastAt! > streaming.firstAt ? ((streaming.tokens - 1) * 1000) / (streaming.lastAt! - streaming.firstAt) : null,
                        streaming.firstAt - streaming.sentAt
                      )}
                </div>
              </div>
            </div>
          )}
          <div ref={bottom} />
        </div>
        <div className="border-t border-line p-3">
          <ErrorNote error={action.error} />
          <div className="mt-2 flex gap-2">
            <Textarea
              aria-label="Message"
              data-testid="chat-input"
              rows={2}
              placeholder={noModel ? 'Load a model first' : 'Message the agent (Enter to send, Shift+Enter for a new line)'}
              value={draft}
              disabled={Boolean(noModel)}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault()
                  void send()
                }
              }}
            />
            {streaming ? (
              <Button variant="danger" onClick={() => void engine.call('jobs.cancel', { jobId: streaming.jobId })} data-testid="cancel-generation">
                Stop
              </Button>
            ) : (
              <Button variant="primary" onClick={() => void send()} disabled={!draft.trim() || Boolean(noModel)} data-testid="send">
                Send
              </Button>
            )}
          </div>
        </div>
      </section>
      {dialog}
      {guard.dialog}
    </div>
  )
}
