import { describe, expect, it } from 'vitest'
import { callSchema, sanitizeSchema } from '../../src/core/agent/prompt'

describe('the grammar schema of a tool call', () => {
  it('keeps what the grammar can enforce: string lengths, date formats, enums, item counts', () => {
    expect(
      sanitizeSchema({
        type: 'object',
        properties: {
          subject: { type: 'string', minLength: 1, maxLength: 80, description: 'dropped' },
          day: { type: 'string', format: 'date' },
          email: { type: 'string', format: 'email' }, // not enforceable: left to validation
          tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 3 },
          count: { type: 'integer', minimum: 1 } // no numeric bounds in the grammar
        },
        required: ['subject', 'missing']
      })
    ).toEqual({
      type: 'object',
      properties: {
        subject: { type: 'string', minLength: 1, maxLength: 80 },
        day: { type: 'string', format: 'date' },
        email: { type: 'string' },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 3 },
        count: { type: 'integer' }
      },
      required: ['subject']
    })
  })

  it('one tool: its call object; several: one of them', () => {
    const t = (name: string) => ({ name, description: '', parameters: { type: 'object' as const, properties: {} } })
    expect(callSchema([t('a')])).toMatchObject({ properties: { name: { const: 'a' } }, required: ['name', 'arguments'] })
    expect((callSchema([t('a'), t('b')]) as { oneOf: unknown[] }).oneOf).toHaveLength(2)
  })

  it('a free-form object stays free-form (no properties added) and additionalProperties is kept, sanitized', () => {
    expect(sanitizeSchema({ type: 'object', description: 'anything' })).toEqual({ type: 'object' })
    expect(sanitizeSchema({ type: 'object', additionalProperties: { type: 'integer', minimum: 0 } })).toEqual({ type: 'object', additionalProperties: { type: 'integer' } })
    expect(sanitizeSchema({ type: 'object', properties: {}, additionalProperties: false })).toEqual({ type: 'object', properties: {}, additionalProperties: false })
  })
})
