import { z } from 'zod'
import { idList, m } from './define'
import type { TokenTrace, ToolCall, UncertaintySummary } from './chat'

/** no_valid_examples: the round ended with nothing to train on (every pair invalid or rejected); its error says why and what to do */
export type RoundStatus = 'running' | 'awaiting_review' | 'training' | 'done' | 'no_valid_examples' | 'failed' | 'interrupted' | 'discarded'
export type RoundStage = 'uncertainty' | 'augmentation' | 'review' | 'training' | 'answer' | 'done'
export type ExampleStatus = 'pending' | 'approved' | 'rejected' | 'invalid'

export interface Example {
  id: string
  roundId: string
  input: string
  /** The answer: a tool call, or text when `call` is null */
  call: ToolCall | null
  text: string | null
  status: ExampleStatus
  /** Why it is invalid / rejected (validator message or reviewer note) */
  reason: string | null
  /** 'self' | 'teacher:<model or url>' | 'demo teacher (built-in, not a model)', with '+edited' once edited */
  provenance: string
  raw: string | null
  createdAt: number
  reviewedAt: number | null
}

/** Where a round's training ran, as the trainer reported it in its `started` event. */
export interface TrainingDevice {
  /** 'gpu' or 'cpu' */
  placement: 'gpu' | 'cpu'
  /** the device's name ("CPU", "CUDA0 (NVIDIA ...)", ...) */
  device: string
  /** ggml's backend: 'CUDA', 'Vulkan', 'Metal', 'CPU', ... */
  backend: string
  /** ops the GPU lacked that ran on the CPU (unified memory) */
  cpuOps: string[]
  /** why not plain GPU training; null when it was */
  reason: string | null
  /** trained against an F32 copy of the base */
  f32Copy: boolean
}

export interface TrainingInfo {
  config: Record<string, unknown>
  /** absent in rounds trained before the trainer reported it */
  device?: TrainingDevice | null
  losses: { step: number; epoch: number; loss: number }[]
  adapterPath: string | null
  adapterKept: boolean
  finalLoss: number | null
  tokensPerSec: number | null
  error: string | null
}

export interface AnswerRecord {
  text: string
  call: ToolCall | null
  tokens: TokenTrace[] | null
  prompt: string
}

export interface Round {
  id: string
  conversationId: string | null
  messageId: string | null
  profileId: string | null
  modelId: string
  query: string
  mode: 'per-query' | 'session' | 'tt-icl'
  teacher: string | null
  status: RoundStatus
  stage: RoundStage
  error: string | null
  uncertainty: UncertaintySummary | null
  prompts: { stage: string; prompt: string }[]
  before: AnswerRecord | null
  after: AnswerRecord | null
  training: TrainingInfo | null
  timings: Record<string, number>
  createdAt: number
  updatedAt: number
}

export interface RoundSummary {
  id: string
  query: string
  status: RoundStatus
  stage: RoundStage
  profileId: string | null
  modelId: string
  margin: number | null
  pending: number
  createdAt: number
}

export type RoundEvent =
  | { type: 'round.update'; roundId: string; status: RoundStatus; stage: RoundStage; detail?: string }
  | { type: 'train.progress'; roundId: string | null; jobId: string; epoch: number; step: number; steps: number; loss: number; tokensPerSec: number; etaSec: number }
  | { type: 'review.changed'; pending: number }
  /** Progress inside the round's current stage: a fraction when known, and a detail with tokens or steps */
  | { type: 'round.progress'; roundId: string; jobId: string; stage: RoundStage; progress: number | null; detail: string | null }

const callSchema = z.object({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) })

export const roundMethods = {
  /** Start a round by hand for an assistant message (the "Improve" action) or a free query. */
  'rounds.start': m<{ roundId: string; jobId: string }>()(
    z.object({ messageId: z.string().optional(), query: z.string().optional(), profileId: z.string().nullable().optional() })
  ),
  'rounds.list': m<RoundSummary[]>()(
    z.object({ status: z.string().optional(), profileId: z.string().optional(), since: z.number().optional(), until: z.number().optional() })
  ),
  'rounds.get': m<Round & { examples: Example[] }>()(z.object({ id: z.string() })),
  /**
   * Continue a round that is awaiting review (after approvals), was interrupted or failed; a no_valid_examples
   * round trains on its approved (edited) pairs if it has some, else writes new examples (retry).
   */
  'rounds.resume': m<{ jobId: string }>()(z.object({ id: z.string() })),
  'rounds.discard': m<{ ok: boolean }>()(z.object({ id: z.string() })),
  'rounds.keepAdapter': m<{ ok: boolean }>()(z.object({ id: z.string(), keep: z.boolean() })),
  'rounds.export': m<{ json: string }>()(z.object({ id: z.string() })),
  'review.pending': m<Example[]>()(z.object({})),
  'review.approve': m<Example[]>()(z.object({ ids: idList().min(1) })),
  'review.reject': m<Example[]>()(z.object({ ids: idList().min(1), reason: z.string().optional() })),
  'review.edit': m<Example>()(
    z.object({ id: z.string(), input: z.string().min(1), call: callSchema.nullable(), text: z.string().nullable().optional() })
  )
} as const
