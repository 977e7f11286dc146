import { describe, expect, it } from 'vitest'
import { pairProblem, schemaProblem } from '../../src/core/augment/validate'
import { parsePairs } from '../../src/core/augment/generate'

const weather = {
  name: 'get_weather',
  description: 'Weather',
  parameters: {
    type: 'object' as const,
    properties: { city: { type: 'string' }, days: { type: 'integer' }, unit: { type: 'string', enum: ['c', 'f'] }, tags: { type: 'array', items: { type: 'string' } } },
    required: ['city']
  }
}

describe('JSON-schema validation of generated calls', () => {
  it('accepts a valid call', () => {
    expect(schemaProblem({ city: 'Paris', days: 3, unit: 'c', tags: ['a'] }, weather.parameters)).toBeNull()
  })
  it('names the failing argument', () => {
    expect(schemaProblem({}, weather.parameters)).toBe('arguments.city is required')
    expect(schemaProblem({ city: 'Paris', days: 2.5 }, weather.parameters)).toBe('arguments.days must be integer, not a number')
    expect(schemaProblem({ city: 'Paris', unit: 'k' }, weather.parameters)).toBe('arguments.unit must be one of "c", "f"')
    expect(schemaProblem({ city: 'Paris', tags: [1] }, weather.parameters)).toBe('arguments.tags[0] must be string, not an integer')
    expect(schemaProblem({ city: 'Paris', country: 'FR' }, weather.parameters)).toBe('arguments.country is not a parameter (known: city, days, unit, tags)')
  })
  it('checks pairs: tool exists, not the query, no duplicates', () => {
    const q = 'What is the weather in Paris?'
    expect(pairProblem({ input: 'Weather in Rome?', call: { name: 'get_weather', arguments: { city: 'Rome' } }, text: null }, [weather], q, [])).toBeNull()
    expect(pairProblem({ input: 'what is the weather in paris', call: { name: 'get_weather', arguments: { city: 'Paris' } }, text: null }, [weather], q, [])).toBe('the input is a copy of the query')
    expect(pairProblem({ input: 'Book a taxi', call: { name: 'book_taxi', arguments: {} }, text: null }, [weather], q, [])).toMatch(/unknown tool "book_taxi"/)
    const first = { input: 'Weather in Rome?', call: { name: 'get_weather', arguments: { city: 'Rome' } }, text: null }
    expect(pairProblem({ ...first }, [weather], q, [first])).toBe('duplicate of another generated example')
  })
  it('records malformed generated JSON with the parse error', () => {
    const r = parsePairs('{"examples": [{"input": "x", "call": {"name": "get_weather", "argu', true)
    expect(r.pairs).toEqual([])
    expect(r.error).toMatch(/not valid JSON/)
    expect(parsePairs('{"items": []}', true).error).toMatch(/no "examples" array/)
  })
})
