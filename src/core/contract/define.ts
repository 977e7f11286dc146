import { z } from 'zod'
import { MAX_IDS } from '../input-limits'

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

/** A list of ids for one call, bounded (sqlite binds ~32k variables per statement; a UI never sends more). */
export const idList = () => z.array(z.string()).max(MAX_IDS, `at most ${MAX_IDS} ids per call: send them in batches`)
