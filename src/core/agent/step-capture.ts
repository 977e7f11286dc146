import type { LlamaContext } from 'node-llama-cpp'
import { flatDistributionStats, topFromLogits, type TokenProb } from '../uncertainty/math'

/**
 * What each sampling step of a generation shows in its trace, captured from llama.cpp's sampler without the
 * full-vocabulary Map node-llama-cpp would build (`probabilities: true` builds a 128k-152k entry Map per
 * token, then the caller walks it again: 3-5x the time of the token on such vocabularies).
 *
 * - 'top': the top-k tokens' logits (llama.cpp sorts the candidates and hands back only k) and the total logit
 *   weight, which give the top-k probabilities exactly; no entropy (it needs the whole distribution).
 * - 'full': the whole distribution as the flat array the addon returns, reduced in one pass to entropy,
 *   self-certainty and the top k (flatDistributionStats), then dropped before node-llama-cpp would turn it
 *   into a Map.
 *
 * node-llama-cpp 3.22's public evaluate API offers only the full Map or nothing, so this wraps the context's
 * addon object (`_ctx`, an internal; the version is pinned) for the duration of one generation: the extra
 * outputs are requested on each sampleToken call and taken off the result. The lease holds the context's only
 * sequence, so no other generation shares the wrapper. Where the internal is not there, capture() returns null
 * and the caller falls back to the public Map.
 */
export interface StepStats {
  token: number
  top: TokenProb[]
  entropy?: number
  selfCertainty?: number
}

type SampleToken = (batchLogitIndex: number, sampler: unknown, probabilities?: boolean, confidence?: boolean, logits?: unknown, totalLogitWeight?: boolean) => Promise<unknown>
interface Addon {
  sampleToken: SampleToken
}

export interface StepCapture {
  /** the stats of the step that produced `token` (undefined when none was captured for it) */
  take(token: number): StepStats | undefined
  restore(): void
}

export function captureSteps(context: LlamaContext, mode: 'top' | 'full', k: number): StepCapture | null {
  const holder = context as unknown as { _ctx?: Addon }
  const addon = holder._ctx
  if (!addon || typeof addon.sampleToken !== 'function' || !Object.getOwnPropertyDescriptor(holder, '_ctx')?.writable) return null
  let last: StepStats | undefined
  const sampleToken: SampleToken = async (index, sampler, ...rest) => {
    // only the calls of a generation that asked for the token's confidence (evaluateWithMetadata) are widened
    if (rest[1] !== true || rest[0] === true) return addon.sampleToken(index, sampler, ...rest)
    const r = (await (mode === 'full'
      ? addon.sampleToken(index, sampler, true, true)
      : addon.sampleToken(index, sampler, false, true, [[], false, false, false, k], true))) as unknown[]
    if (!Array.isArray(r)) return r
    const token = r[0] as number
    if (mode === 'full' && r[1]) {
      const s = flatDistributionStats(r[1] as number[], k)
      last = { token, top: s.top, entropy: s.entropy, ...(s.selfCertainty === undefined ? {} : { selfCertainty: s.selfCertainty }) }
    } else if (mode === 'top' && r[3]) last = { token, top: topFromLogits(r[3] as number[], r[4] as number, k) }
    return [token, undefined, r[2]]
  }
  holder._ctx = new Proxy(addon, {
    get(target, key) {
      if (key === 'sampleToken') return sampleToken
      const v = (target as unknown as Record<string | symbol, unknown>)[key]
      return typeof v === 'function' ? v.bind(target) : v
    }
  })
  return {
    take(token) {
      const s = last?.token === token ? last : undefined
      last = undefined
      return s
    },
    restore() {
      holder._ctx = addon
    }
  }
}
