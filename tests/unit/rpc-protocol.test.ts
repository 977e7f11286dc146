import { describe, expect, it } from 'vitest'
import { isAbort, toUserMessage, toWireError, UserError } from '../../src/core/errors'
import { parseRequest } from '../../src/core/rpc/protocol'

describe('rpc protocol', () => {
  it('parses a well-formed request and defaults a missing input to {}', () => {
    expect(parseRequest('{"id":3,"method":"system.info","input":{"a":1}}')).toEqual({ id: 3, method: 'system.info', input: { a: 1 } })
    expect(parseRequest('{"id":4,"method":"jobs.list"}')).toEqual({ id: 4, method: 'jobs.list', input: {} })
  })

  it('explains what is wrong with a malformed request', () => {
    expect(parseRequest('not json')).toBe('request is not JSON')
    expect(parseRequest('null')).toMatch(/numeric id and a method/)
    expect(parseRequest('[1,2]')).toMatch(/numeric id and a method/)
    expect(parseRequest('{"id":"1","method":"x"}')).toMatch(/numeric id/)
    expect(parseRequest('{"id":1}')).toMatch(/method/)
  })
})

describe('errors at the boundary', () => {
  it('UserError carries code and hint; the hint is part of the message', () => {
    const e = new UserError('The model file is not a GGUF.', 'bad_model', 'Pick a .gguf file.')
    expect(e).toBeInstanceOf(Error)
    expect(e.code).toBe('bad_model')
    expect(e.hint).toBe('Pick a .gguf file.')
    expect(e.message).toBe('The model file is not a GGUF. Pick a .gguf file.')
    expect(new UserError('x').code).toBe('user_error')
  })

  it('maps any thrown value to {code, message}', () => {
    expect(toWireError(new UserError('Disk full.', 'disk_full'))).toEqual({ code: 'disk_full', message: 'Disk full.' })
    expect(toWireError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' })
    expect(toWireError(Object.assign(new Error('constraint'), { code: 'SQLITE_CONSTRAINT' }))).toEqual({ code: 'SQLITE_CONSTRAINT', message: 'constraint' })
    expect(toWireError('plain string')).toEqual({ code: 'internal', message: 'plain string' })
    expect(toWireError(undefined)).toEqual({ code: 'internal', message: 'undefined' })
  })

  it('toUserMessage: user errors verbatim, cancellations as such, others marked unexpected', () => {
    expect(toUserMessage(new UserError('No model is loaded. Load one in Models.'))).toBe('No model is loaded. Load one in Models.')
    const abort = new Error('aborted')
    abort.name = 'AbortError'
    expect(isAbort(abort)).toBe(true)
    expect(isAbort(new Error('x'))).toBe(false)
    expect(toUserMessage(abort)).toBe('The operation was cancelled.')
    expect(toUserMessage(new TypeError('x is undefined'))).toBe('Unexpected error: x is undefined')
  })
})
