import type { LlamaContextSequence, Token } from 'node-llama-cpp'

/**
 * Makes the sequence hold exactly `tokens[0..keep)` where keep is the longest prefix it already has, and
 * returns the tokens still to evaluate. Reusing the KV cache this way makes follow-up turns and candidate
 * scoring cheap. Always leaves at least one token to evaluate (its logits are needed).
 */
export async function syncPrefix(sequence: LlamaContextSequence, tokens: Token[]): Promise<Token[]> {
  const have = sequence.contextTokens
  let keep = 0
  const max = Math.min(have.length, tokens.length - 1)
  while (keep < max && have[keep] === tokens[keep]) keep++
  if (keep < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }])
  return tokens.slice(keep)
}

/** Drops everything after the first `n` tokens. */
export async function truncateTo(sequence: LlamaContextSequence, n: number): Promise<void> {
  if (sequence.nextTokenIndex > n) await sequence.eraseContextTokenRanges([{ start: n, end: sequence.nextTokenIndex }])
}
