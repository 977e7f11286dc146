import { describe, expect, it } from 'vitest'
import { answerNotice } from '../../src/core/chat/notice'

describe('answerNotice', () => {
  it('is null for a complete answer', () => {
    expect(answerNotice({ parseError: null, stopReason: 'complete' }, 512)).toBeNull()
    expect(answerNotice({ parseError: null, stopReason: 'eos' }, 512)).toBeNull()
  })
  it('names the parse error, and the token limit when that is why', () => {
    expect(answerNotice({ parseError: 'unknown tool "x"', stopReason: 'complete' }, 512)).toBe('Not a valid tool call (unknown tool "x").')
    expect(answerNotice({ parseError: 'invalid JSON: end', stopReason: 'maxTokens' }, 64)).toBe(
      'Not a valid tool call (invalid JSON: end). The answer reached the 64-token limit before the call was complete: raise the limit, or use Improve to teach the call.'
    )
  })
  it('says when a text answer was cut off or stopped', () => {
    expect(answerNotice({ parseError: null, stopReason: 'maxTokens' }, 32)).toBe('The answer was cut off at the 32-token limit.')
    expect(answerNotice({ parseError: 'not a JSON object', stopReason: 'cancelled' }, 32)).toBe('Stopped before the answer was complete.')
  })
})
