import { describe, expect, it } from 'vitest'
import { wordDiff } from '../../src/renderer/src/views/rounds/diff'

const side = (segs: ReturnType<typeof wordDiff>, drop: 'add' | 'del') => segs.filter((s) => s.kind !== drop).map((s) => s.text).join('')

describe('word-level diff of the answers before and after', () => {
  it('marks the changed words and keeps both texts recoverable', () => {
    const before = '{"name":"get_weather","arguments":{"city": "Paris"}}'
    const after = '{"name":"get_weather","arguments":{"city": "Lyon", "unit": "celsius"}}'
    const segs = wordDiff(before, after)
    expect(side(segs, 'add')).toBe(before)
    expect(side(segs, 'del')).toBe(after)
    expect(segs.filter((s) => s.kind === 'del').map((s) => s.text.trim())).toEqual(['"Paris"}}'])
    expect(segs.find((s) => s.kind === 'add')?.text).toContain('"Lyon",')
  })

  it('merges neighbours of one kind; identical texts are one same segment', () => {
    expect(wordDiff('a b c', 'a b c')).toEqual([{ kind: 'same', text: 'a b c' }])
    expect(wordDiff('a b', 'x y')).toEqual([{ kind: 'del', text: 'a' }, { kind: 'add', text: 'x' }, { kind: 'same', text: ' ' }, { kind: 'del', text: 'b' }, { kind: 'add', text: 'y' }])
    const fromEmpty = wordDiff('', 'new words')
    expect(side(fromEmpty, 'del')).toBe('new words')
    expect(fromEmpty.filter((seg) => seg.kind === 'add').map((seg) => seg.text)).toEqual(['new words'])
  })
})
