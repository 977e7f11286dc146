import type { AnswerResult } from '../agent/answer'

/**
 * What the user should know about an answer that is not what was asked for: a tool call that did not parse,
 * an answer cut off at the token limit, or one stopped by the user. Null when the answer is complete.
 */
export function answerNotice(answer: Pick<AnswerResult, 'parseError' | 'stopReason'>, maxTokens: number): string | null {
  const limit = `the ${maxTokens}-token limit`
  if (answer.stopReason === 'cancelled') return 'Stopped before the answer was complete.'
  if (answer.parseError) {
    const cut = answer.stopReason === 'maxTokens' ? ` The answer reached ${limit} before the call was complete: raise the limit, or use Improve to teach the call.` : ''
    return `Not a valid tool call (${answer.parseError}).${cut}`
  }
  return answer.stopReason === 'maxTokens' ? `The answer was cut off at ${limit}.` : null
}
