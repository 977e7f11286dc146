import { describe, expect, it } from 'vitest'
import { promptLabel } from '../../src/renderer/src/views/rounds/prompt-label'

describe('round detail: stored prompt headings', () => {
  it('names the self-augmentation prompt apart from a teacher prompt, and the other stages', () => {
    expect(promptLabel('augmentation', null)).toMatch(/^Self-augmentation prompt/)
    expect(promptLabel('augmentation', 'gpt-4o-mini')).toBe('Augmentation prompt sent to the teacher (gpt-4o-mini)')
    expect(promptLabel('answer', null)).toMatch(/^Answer prompt/)
    expect(promptLabel('training', null)).toMatch(/end of turn/)
    expect(promptLabel('other', null)).toBe('other')
  })
})
