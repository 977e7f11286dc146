import type { AnswerStats } from '../contract'

/**
 * Measures an answer as it streams: time to the first token (from `start`, the moment the message was sent,
 * so waiting for the model and reading the prompt count) and tokens per second after the first token.
 */
export function speedMeter(start: number, now: () => number = () => performance.now()) {
  let first: number | null = null
  let last = start
  let tokens = 0
  return {
    token() {
      last = now()
      first ??= last
      tokens++
    },
    stats(): AnswerStats {
      const span = first === null ? 0 : last - first
      return {
        tokens,
        ttftMs: first === null ? null : Math.round(first - start),
        tokensPerSec: tokens > 1 && span > 0 ? Math.round(((tokens - 1) / span) * 10_000) / 10 : null
      }
    }
  }
}
