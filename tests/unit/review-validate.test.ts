import { describe, expect, it } from 'vitest'
import type { ToolDef } from '../../src/core/contract'
import { argumentProblem, checkEdit } from '../../src/renderer/src/views/review/validate'

const tools: ToolDef[] = [
  {
    name: 'get_weather',
    description: 'Current weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city']
    }
  },
  {
    name: 'book',
    description: 'Book seats',
    parameters: {
      type: 'object',
      properties: {
        seats: { type: 'integer' },
        names: { type: 'array', items: { type: 'string' } },
        when: { type: 'object', properties: { day: { type: 'string' } }, required: ['day'] },
        note: { anyOf: [{ type: 'string' }, { type: 'null' }] }
      }
    }
  }
]

const check = (call: unknown, input = 'Weather in Rome?') => checkEdit(input, JSON.stringify(call), tools)
const problem = (call: unknown) => {
  const r = check(call)
  return r.ok ? null : r.problem
}

describe('review edit validation', () => {
  it('accepts a call that fits its tool and returns the parsed call', () => {
    expect(check({ name: 'get_weather', arguments: { city: 'Rome', unit: 'celsius' } })).toEqual({ ok: true, call: { name: 'get_weather', arguments: { city: 'Rome', unit: 'celsius' } }, text: null })
    expect(check({ name: 'book', arguments: { seats: 2, names: ['a', 'b'], when: { day: 'mon' }, note: null } }).ok).toBe(true)
  })

  it('names the tools that exist when the tool is unknown', () => {
    expect(problem({ name: 'get_wether', arguments: { city: 'Rome' } })).toBe('Unknown tool "get_wether". This profile has: get_weather, book.')
  })

  it('reports broken JSON, a wrong shape and stray fields', () => {
    const r = checkEdit('q', '{"name": "get_weather", ', tools)
    expect(r.ok).toBe(false)
    expect(!r.ok && r.problem).toMatch(/^The call is not valid JSON: /)
    expect(problem(['get_weather'])).toMatch(/must be an object like/)
    expect(problem({ name: 'get_weather', arguments: [] })).toBe('"arguments" must be an object.')
    expect(problem({ name: 'get_weather', arguments: { city: 'x' }, extra: 1 })).toMatch(/Unexpected field "extra"/)
  })

  it('checks arguments against the JSON schema, with the path of the first problem', () => {
    expect(problem({ name: 'get_weather', arguments: {} })).toBe('arguments.city is required.')
    expect(problem({ name: 'get_weather', arguments: { city: 3 } })).toBe('arguments.city must be string, not an integer.')
    expect(problem({ name: 'get_weather', arguments: { city: 'Rome', unit: 'kelvin' } })).toBe('arguments.unit must be one of "celsius", "fahrenheit".')
    expect(problem({ name: 'get_weather', arguments: { town: 'Lima', city: 'Lima' } })).toBe('arguments.town is not a parameter (known: city, unit).')
    expect(problem({ name: 'book', arguments: { seats: 1.5 } })).toBe('arguments.seats must be integer, not a number.')
    expect(problem({ name: 'book', arguments: { names: ['a', 2] } })).toBe('arguments.names[1] must be string, not an integer.')
    expect(problem({ name: 'book', arguments: { when: {} } })).toBe('arguments.when.day is required.')
    expect(problem({ name: 'book', arguments: { note: 5 } })).toBe('arguments.note matches none of the allowed forms.')
  })

  it('missing arguments count as {} and are checked', () => {
    expect(problem({ name: 'get_weather' })).toBe('arguments.city is required.')
    expect(check({ name: 'book' })).toEqual({ ok: true, call: { name: 'book', arguments: {} }, text: null })
  })

  it('needs an input; text answers are checked when the profile has no tools', () => {
    expect(checkEdit('  ', '{}', tools)).toEqual({ ok: false, problem: 'The input is empty: write the user request this example teaches.' })
    expect(checkEdit('Say hi', 'Hi!', [])).toEqual({ ok: true, call: null, text: 'Hi!' })
    expect(checkEdit('Say hi', ' ', [])).toEqual({ ok: false, problem: 'The answer is empty.' })
  })

  it('additionalProperties: false without properties rejects any key; schema-less tools accept anything', () => {
    expect(argumentProblem({ a: 1 }, { type: 'object', additionalProperties: false })).toBe('arguments.a is not a parameter (known: none)')
    expect(argumentProblem({ a: 1 }, undefined)).toBeNull()
    expect(argumentProblem('x', { const: 'x' })).toBeNull()
    expect(argumentProblem('y', { const: 'x' })).toBe('arguments must be "x"')
  })
})
