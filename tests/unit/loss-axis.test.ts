import { describe, expect, it } from 'vitest'
import { sig } from '../../src/shared/format'
import { lossDomain } from '../../src/renderer/src/views/rounds/loss-axis'

describe('loss chart scale', () => {
  it('fits the y axis to the losses with a little room, not 0..max', () => {
    expect(lossDomain([6.2, 6.05, 5.9])).toEqual([5.87, 6.23])
    const [lo, hi] = lossDomain([2.31, 1.02, 0.48])
    expect(lo).toBeGreaterThanOrEqual(0)
    expect(lo).toBeLessThan(0.48)
    expect(hi).toBeGreaterThan(2.31)
    expect(hi).toBeLessThan(2.8)
  })
  it('never goes below 0 for losses that do not, and gives a flat curve some height', () => {
    expect(lossDomain([0.01, 0.5])[0]).toBe(0)
    const [lo, hi] = lossDomain([4, 4, 4])
    expect(lo).toBeLessThan(4)
    expect(hi).toBeGreaterThan(4)
    expect(hi - lo).toBeLessThan(1)
    expect(lossDomain([])).toEqual([0, 1])
    expect(lossDomain([NaN, 3])[1]).toBeGreaterThan(3)
  })
  it('reads numbers to three significant digits', () => {
    expect(sig(5.876543210987)).toBe('5.88')
    expect(sig(0.0123456)).toBe('0.0123')
    expect(sig(12345.6)).toBe('12300')
    expect(sig(2)).toBe('2')
    expect(sig(Infinity)).toBe('–')
  })
})
