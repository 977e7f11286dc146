import type { z } from 'zod'
import type { MethodDef } from './define'
import { systemMethods, type SystemEvent } from './system'
import { modelMethods, type ModelEvent } from './models'
import { chatMethods, type ChatEvent } from './chat'
import { roundMethods, type RoundEvent } from './rounds'
import { experimentMethods, type ExperimentEvent } from './experiments'

/**
 * The one typed RPC contract. Served over Electron IPC (src/main + src/preload), over a loopback
 * WebSocket (src/core/rpc, the web shell) and called directly by the CLI. The renderer imports
 * TYPES ONLY from here (plus the zod schemas, which are plain data, for inline validation).
 */
export const methods = {
  ...systemMethods,
  ...modelMethods,
  ...chatMethods,
  ...roundMethods,
  ...experimentMethods
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type Input<K extends MethodName> = z.input<Methods[K]['input']>
export type ParsedInput<K extends MethodName> = z.output<Methods[K]['input']>
export type Output<K extends MethodName> = Methods[K] extends MethodDef<z.ZodType, infer O> ? O : never

/** Everything the engine pushes to the UI / CLI: progress, tokens, stage changes. */
export type EngineEvent = SystemEvent | ModelEvent | ChatEvent | RoundEvent | ExperimentEvent

export interface CallContext {
  /** Who is calling: 'ipc' | 'ws' | 'cli' | 'internal'. Only for logging. */
  origin: string
}

export type Handlers = {
  [K in MethodName]: (input: ParsedInput<K>, ctx: CallContext) => Promise<Output<K>>
}

/** The client-side view: what the renderer and CLI call. */
export interface EngineClient {
  call<K extends MethodName>(method: K, input: Input<K>): Promise<Output<K>>
  onEvent(listener: (event: EngineEvent) => void): () => void
}

export * from './define'
export * from './system'
export * from './models'
export * from './chat'
export * from './rounds'
export * from './experiments'
