import type { z } from 'zod'

/**
 * One RPC method: a zod schema for its input (validated at every boundary: IPC, WebSocket, CLI)
 * and a phantom type for its output. `m<Output>()(inputSchema)`.
 */
export interface MethodDef<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I
  /** Phantom: never read at run time, carries the output type. */
  readonly _out?: O
}

export const m =
  <O>() =>
  <I extends z.ZodType>(input: I): MethodDef<I, O> => ({ input })

export type MethodMap = Record<string, MethodDef>
