import type { ContextLease, LoraRef } from '../models/types'
import type { Services } from '../services'

/**
 * A context from the model host. A waiting trainer worker holds its own copy of the base model (in VRAM on a
 * GPU); when the context does not fit, that copy is freed and the context tried once more before the
 * out-of-memory error reaches the user.
 */
export async function acquireContext(s: Pick<Services, 'host' | 'trainer'>, opts: { adapters?: LoraRef[]; signal?: AbortSignal } = {}): Promise<ContextLease> {
  try {
    return await s.host.acquire(opts)
  } catch (err) {
    if ((err as { code?: string }).code !== 'out_of_memory') throw err
    await s.trainer.release()
    return s.host.acquire(opts)
  }
}
