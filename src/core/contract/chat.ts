import { z } from 'zod'
import { m } from './define'

export interface JsonSchemaObject {
  type: 'object'
  properties?: Record<string, unknown>
  required?: string[]
  [k: string]: unknown
}
export interface ToolDef {
  name: string
  description: string
  parameters: JsonSchemaObject
}
export interface ToolCall {
  name: string
  arguments: Record<string, unknown>
}

export interface AgentProfile {
  id: string
  name: string
  systemPrompt: string
  tools: ToolDef[]
  /** With tools: may also answer in plain text when no tool fits (default: always a tool call) */
  allowText?: boolean
  createdAt: number
}

/** One generated token with its probability and the top alternatives (for traces). */
export interface TokenTrace {
  token: number
  text: string
  prob: number
  top: { text: string; prob: number }[]
  /** entropy (nats) of the full next-token distribution */
  entropy?: number
  /** self-certainty KL(U || p) of the full distribution */
  selfCertainty?: number
}

export interface UncertaintySummary {
  estimator: string
  /** RSS: p(top1) - p(top2); token estimators: their own score in [0,1] */
  margin: number
  tau: number
  uncertain: boolean
  candidates: { label: string; logProb: number; score: number }[]
  ms: number
  /** Why the decision is trivial, e.g. fewer than two candidate actions (margin 1, certain) */
  reason?: string | null
}

/** How fast an answer came: time to its first token (from the send) and generation speed after it. */
export interface AnswerStats {
  tokens: number
  ttftMs: number | null
  tokensPerSec: number | null
}

export interface Message {
  id: string
  conversationId: string
  role: 'system' | 'user' | 'assistant' | 'tool'
  content: string
  toolCalls: ToolCall[] | null
  tokens: TokenTrace[] | null
  uncertainty: UncertaintySummary | null
  /** The exact prompt text sent to the model for this answer (trace review) */
  prompt: string | null
  /** Why the answer is not what was asked for (an invalid or cut-off tool call, a stopped answer), else null */
  notice?: string | null
  /** Generation speed of an assistant answer, else null */
  stats?: AnswerStats | null
  roundId: string | null
  createdAt: number
}

export interface Conversation {
  id: string
  title: string
  profileId: string | null
  modelId: string | null
  createdAt: number
  updatedAt: number
}

export type ChatEvent =
  | { type: 'chat.token'; jobId: string; conversationId: string; messageId: string; text: string; prob: number }
  | { type: 'chat.message'; message: Message }

const toolSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  parameters: z.object({ type: z.literal('object') }).passthrough()
})
export const profileInputSchema = z.object({
  name: z.string().min(1),
  systemPrompt: z.string().default(''),
  tools: z.array(toolSchema).default([]),
  allowText: z.boolean().default(false)
})

export const chatMethods = {
  'profiles.list': m<AgentProfile[]>()(z.object({})),
  'profiles.save': m<AgentProfile>()(profileInputSchema.extend({ id: z.string().optional() })),
  'profiles.remove': m<{ removed: boolean }>()(z.object({ id: z.string() })),
  'conversations.list': m<Conversation[]>()(z.object({})),
  'conversations.create': m<Conversation>()(z.object({ title: z.string().optional(), profileId: z.string().nullable().optional() })),
  'conversations.remove': m<{ removed: boolean }>()(z.object({ id: z.string() })),
  'conversations.rename': m<Conversation>()(z.object({ id: z.string(), title: z.string().trim().min(1, 'A conversation needs a name.').max(200, 'Keep the name under 200 characters.') })),
  'conversations.messages': m<Message[]>()(z.object({ conversationId: z.string() })),
  /**
   * Sends a user message. Returns at once with the job id; tokens stream as chat.token events and the
   * final assistant message arrives as chat.message. Cancel with jobs.cancel.
   */
  'chat.send': m<{ jobId: string; userMessageId: string; assistantMessageId: string }>()(
    z.object({ conversationId: z.string(), content: z.string().min(1), maxTokens: z.number().int().positive().max(8192).optional() })
  )
} as const
