import { describe, expect, it } from 'vitest'
import { closestTool, DEMO_TEACHER, demoTeacherPairs } from '../../src/core/augment/demo-teacher'
import { parsePairs } from '../../src/core/augment/generate'
import { pairProblem, type Candidate } from '../../src/core/augment/validate'
import { DEFAULT_PROFILE } from '../../src/core/chat/default-profile'
import type { Example, ToolDef } from '../../src/core/contract'
import { noValidExamplesMessage } from '../../src/core/rounds/outcome'

/** Runs the demo teacher's text through the same parser and validator a model's output goes through. */
function validate(raw: string, tools: ToolDef[], query: string) {
  const parsed = parsePairs(raw, tools.length > 0)
  expect(parsed.error).toBeNull()
  const accepted: Candidate[] = []
  return parsed.pairs.map((p) => {
    const problem = pairProblem(p, tools, query, accepted)
    if (!problem) accepted.push(p)
    return { ...p, problem }
  })
}

describe('the demo teacher (built-in, not a model)', () => {
  const query = 'What is the weather in Paris?'
  it('writes k valid, distinct pairs for the default profile, calling the tool the query is about', () => {
    for (const k of [1, 3, 8, 20]) {
      const pairs = validate(demoTeacherPairs(DEFAULT_PROFILE, query, k), DEFAULT_PROFILE.tools, query)
      expect(pairs).toHaveLength(k)
      expect(pairs.map((p) => p.problem)).toEqual(new Array(k).fill(null))
      expect(new Set(pairs.map((p) => p.call?.name))).toEqual(new Set(['get_weather']))
    }
    expect(closestTool(DEFAULT_PROFILE.tools, 'Put a meeting in my calendar event list').name).toBe('create_event')
    expect(closestTool(DEFAULT_PROFILE.tools, 'search the web for cats').name).toBe('search_web')
  })

  it('fills dates, enums, bounds and lengths so the schema holds', () => {
    const tool: ToolDef = {
      name: 'book_room',
      description: 'Book a meeting room',
      parameters: {
        type: 'object',
        properties: {
          room: { type: 'string', enum: ['A', 'B'] },
          date: { type: 'string', format: 'date' },
          people: { type: 'integer', minimum: 2, maximum: 4 },
          code: { type: 'string', minLength: 6, maxLength: 6 },
          notes: { type: 'array', items: { type: 'string' } },
          confirm: { type: 'boolean' },
          where: { type: 'object', properties: { floor: { type: 'number' } }, required: ['floor'] }
        },
        required: ['room', 'date', 'people', 'code', 'where']
      }
    }
    const pairs = validate(demoTeacherPairs({ tools: [tool], systemPrompt: '' }, 'book a room', 6), [tool], 'book a room')
    expect(pairs.map((p) => p.problem)).toEqual(new Array(6).fill(null))
    for (const p of pairs) {
      const a = p.call!.arguments as { date: string; people: number; code: string }
      expect(a.date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(a.people).toBeGreaterThanOrEqual(2)
      expect(a.people).toBeLessThanOrEqual(4)
      expect(a.code).toHaveLength(6)
    }
  })

  it('a retry (offset) writes different pairs; a profile without tools gets text answers', () => {
    const first = validate(demoTeacherPairs(DEFAULT_PROFILE, query, 3), DEFAULT_PROFILE.tools, query).map((p) => p.input)
    const again = validate(demoTeacherPairs(DEFAULT_PROFILE, query, 3, 3), DEFAULT_PROFILE.tools, query).map((p) => p.input)
    expect(again.filter((i) => first.includes(i))).toEqual([])
    const text = validate(demoTeacherPairs({ tools: [], systemPrompt: 'Be kind.' }, 'Tell me a joke', 3), [], 'Tell me a joke')
    expect(text.map((p) => p.problem)).toEqual([null, null, null])
    expect(text[0].text).toMatch(/demo teacher/)
    expect(DEMO_TEACHER).toBe('demo teacher (built-in, not a model)')
  })
})

describe('a round with nothing to train on says why and what to do', () => {
  const ex = (status: Example['status'], reason: string | null): Example => ({ id: 'e', roundId: 'r', input: 'x', call: null, text: null, status, reason, provenance: 'self', raw: null, createdAt: 0, reviewedAt: null })
  it('counts, the validator\'s reasons (most frequent first), and the ways on', () => {
    const msg = noValidExamplesMessage([ex('invalid', 'the generated text is not valid JSON (Unexpected end)'), ex('invalid', 'no tool call'), ex('invalid', 'no tool call'), ex('rejected', 'rejected by reviewer')], { kind: 'none' })
    expect(msg).toBe(
      '4 examples generated, none usable: 3 invalid (2× no tool call; 1× the generated text is not valid JSON (Unexpected end)), 1 rejected in review. ' +
        'Nothing was trained and the answer stands. What to do: set a teacher in Settings (a larger local model, an OpenAI-compatible endpoint, or the built-in demo teacher for the demo model), ' +
        "or edit an invalid pair in the round's decision trail, or Retry to write new examples."
    )
    expect(noValidExamplesMessage([ex('rejected', null)], { kind: 'demo' })).toBe('1 example generated, none usable: 1 rejected in review. Nothing was trained and the answer stands. What to do: Retry to write new examples.')
    expect(noValidExamplesMessage([], { kind: 'none' })).toMatch(/^The generator returned no examples at all\./)
  })
})
