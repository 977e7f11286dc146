import { describe, expect, it } from 'vitest'
import { argumentsProblem, parsePossible, scoreCalls, valuesEqual } from '../../src/core/experiments/score'

const call = (name: string, args: Record<string, unknown> = {}) => ({ name, arguments: args })

describe('value normalisation', () => {
  it('compares numbers numerically and numeric strings as numbers unless strict', () => {
    expect(valuesEqual(1, 1.0)).toBe(true)
    expect(valuesEqual(JSON.parse('1.0'), JSON.parse('1'))).toBe(true)
    expect(valuesEqual('40.7', 40.7)).toBe(true)
    expect(valuesEqual(' 2 ', 2)).toBe(true)
    expect(valuesEqual('2e3', 2000)).toBe(true)
    expect(valuesEqual('40.7', 40.7, true)).toBe(false)
    expect(valuesEqual('forty', 40)).toBe(false)
    expect(valuesEqual('', 0)).toBe(false)
    expect(valuesEqual(1, 2)).toBe(false)
  })
  it('trims strings but keeps case; booleans never equal strings', () => {
    expect(valuesEqual('  Paris ', 'Paris')).toBe(true)
    expect(valuesEqual('paris', 'Paris')).toBe(false)
    expect(valuesEqual(true, 'true')).toBe(false)
    expect(valuesEqual(null, null)).toBe(true)
    expect(valuesEqual(null, 'null')).toBe(false)
  })
  it('ignores key order in objects, keeps array order', () => {
    expect(valuesEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true)
    expect(valuesEqual([1, 2], [2, 1])).toBe(false)
    expect(valuesEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false)
  })
})

describe('argument matching', () => {
  it('treats argument order as irrelevant', () => {
    expect(scoreCalls([call('f', { b: 2, a: 'x' })], [call('f', { a: 'x', b: 2 })]).exact).toBe(true)
  })
  it('reports missing and extra arguments', () => {
    expect(argumentsProblem({ a: 1 }, { a: 1, b: 2 })).toBe('argument b is missing (expected 2)')
    expect(argumentsProblem({ a: 1, c: 3 }, { a: 1 })).toBe('argument c is extra (got 3)')
    const s = scoreCalls([call('f', { a: 1 })], [call('f', { a: 1, b: 2 })])
    expect(s.exact).toBe(false)
    expect(s.nameOnly).toBe(true)
    expect(s.reason).toBe('call 1: argument b is missing (expected 2)')
  })
  it('treats "" as unset on either side (ToolAlpaca optional parameters)', () => {
    expect(scoreCalls([call('f', { q: 'x' })], [call('f', { q: 'x', gender: '' })]).exact).toBe(true)
    expect(scoreCalls([call('f', { q: 'x', gender: '' })], [call('f', { q: 'x' })]).exact).toBe(true)
    expect(scoreCalls([call('f', { q: 'x', gender: 'f' })], [call('f', { q: 'x', gender: '' })]).exact).toBe(false)
  })
  it('accepts other number formats and wrong names fail both metrics', () => {
    expect(scoreCalls([call('f', { n: 3.0, s: ' a' })], [call('f', { n: '3', s: 'a' })]).exact).toBe(true)
    const s = scoreCalls([call('g', { n: 3 })], [call('f', { n: 3 })])
    expect([s.exact, s.nameOnly, s.reason]).toEqual([false, false, 'call 1: called g, expected f'])
  })
  it('an empty prediction is wrong with a reason', () => {
    const s = scoreCalls([], [call('f')])
    expect([s.exact, s.nameOnly, s.firstCall, s.reason]).toEqual([false, false, false, 'no tool call was made'])
  })
})

describe('several calls', () => {
  const gold = [call('p', { year: 1980 }), call('p', { year: 2016 }), call('q', { x: 1 })]
  it('parallel calls match as a multiset, in any order', () => {
    const s = scoreCalls([call('q', { x: 1 }), call('p', { year: 2016 }), call('p', { year: 1980 })], gold)
    expect([s.exact, s.nameOnly, s.matched]).toEqual([true, true, 3])
  })
  it('a duplicate call cannot stand for two gold calls', () => {
    const s = scoreCalls([call('p', { year: 1980 }), call('p', { year: 1980 }), call('q', { x: 1 })], gold)
    expect([s.exact, s.nameOnly, s.matched]).toEqual([false, true, 2])
  })
  it('one call of several: not exact, but the first call can be right', () => {
    const s = scoreCalls([call('p', { year: 2016 })], gold)
    expect([s.exact, s.nameOnly, s.firstCall, s.matched]).toEqual([false, false, true, 1])
    expect(s.reason).toBe('1 call(s) made, 3 expected')
  })
  it('ordered (sequential) gold requires the same order', () => {
    const seq = [call('a'), call('b')]
    expect(scoreCalls([call('b'), call('a')], seq).exact).toBe(true)
    const s = scoreCalls([call('b'), call('a')], seq, { ordered: true })
    expect([s.exact, s.nameOnly, s.firstCall]).toEqual([false, false, false])
    expect(scoreCalls([call('a'), call('b')], seq, { ordered: true }).exact).toBe(true)
  })
})

describe('BFCL possible answers', () => {
  const possible = [{ 'math.factorial': { n: [5], unit: ['', 'none'], mode: ['exact', 'fast'] } }]
  const gold = [call('math.factorial', { n: 5, mode: 'exact' })]
  it('parses the possible-answer list', () => {
    expect(parsePossible(possible)).toEqual([{ name: 'math.factorial', args: possible[0]['math.factorial'] }])
    expect(parsePossible([{ f: { a: 1 } }])).toBeNull()
    expect(parsePossible(undefined)).toBeNull()
  })
  it('any acceptable value matches; "" lets an argument be omitted', () => {
    expect(scoreCalls([call('math.factorial', { n: 5, mode: 'fast' })], gold, { possible }).exact).toBe(true)
    expect(scoreCalls([call('math.factorial', { n: 5.0, mode: 'exact', unit: 'none' })], gold, { possible }).exact).toBe(true)
    // without the alternatives, "fast" is wrong
    expect(scoreCalls([call('math.factorial', { n: 5, mode: 'fast' })], gold).exact).toBe(false)
  })
  it('a required alternative cannot be omitted, unknown arguments are extra', () => {
    const missing = scoreCalls([call('math.factorial', { n: 5 })], gold, { possible })
    expect(missing.exact).toBe(false)
    expect(missing.reason).toMatch(/argument mode is missing/)
    const extra = scoreCalls([call('math.factorial', { n: 5, mode: 'exact', verbose: true })], gold, { possible })
    expect(extra.reason).toBe('call 1: argument verbose is extra (got true)')
    expect(scoreCalls([call('math.factorial', { n: 6, mode: 'exact' })], gold, { possible }).reason).toBe('call 1: argument n: expected one of [5], got 6')
  })
  it('nested dict alternatives with optional keys', () => {
    const p = [{ update: { id: [1], data: [{ email: ['a@b.c'], age: [30], bio: [''] }] } }]
    const g = [call('update', { id: 1, data: { email: 'a@b.c', age: 30 } })]
    expect(scoreCalls([call('update', { id: 1, data: { age: 30, email: 'a@b.c' } })], g, { possible: p }).exact).toBe(true)
    expect(scoreCalls([call('update', { id: 1, data: { age: 30 } })], g, { possible: p }).exact).toBe(false)
    expect(scoreCalls([call('update', { id: 1, data: { age: 30, email: 'a@b.c', x: 1 } })], g, { possible: p }).exact).toBe(false)
  })
  it('parallel BFCL items: alternatives matched one-to-one in any order', () => {
    const p = [{ f: { city: ['Paris', 'Paris, France'] } }, { f: { city: ['Rome'] } }]
    const g = [call('f', { city: 'Paris' }), call('f', { city: 'Rome' })]
    expect(scoreCalls([call('f', { city: 'Rome' }), call('f', { city: 'Paris, France' })], g, { possible: p }).exact).toBe(true)
    expect(scoreCalls([call('f', { city: 'Rome' }), call('f', { city: 'Rome' })], g, { possible: p }).exact).toBe(false)
  })
})
