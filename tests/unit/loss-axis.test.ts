import { describe, expect, it } from 'vitest'
import { sig } from '../../src/shared/format'
import { lossAxis } from '../../src/renderer/src/views/rounds/loss-axis'

describe('loss chart scale', () => {
  it('fits the y axis to the losses with a little room, on round ticks, not 0..max', () => {
    expect(lossAxis([6.2, 6.05, 5.9])).toEqual({ domain: [5.8, 6.3], ticks: [5.8, 5.9, 6, 6.1, 6.2, 6.3], decimals: 1 })
    const { domain, ticks } = lossAxis([2.31, 1.02, 0.48])
    expect(domain[0]).toBeGreaterThanOrEqual(0)
    expect(domain[0]).toBeLessThan(0.48)
    expect(domain[1]).toBeGreaterThan(2.31)
    expect(domain[1]).toBeLessThanOrEqual(3)
    expect(ticks).toEqual([...new Set(ticks)])
    // steps of 0.02: two decimals tell every tick apart (3 significant digits would print 15.3 twice)
    const fine = lossAxis([15.3, 15.25])
    expect(fine.ticks.map((t) => t.toFixed(fine.decimals))).toEqual(['15.24', '15.26', '15.28', '15.30', '15.32'])
  })
  it('never goes below 0 for losses that do not, and gives a flat curve some height', () => {
    expect(lossAxis([0.01, 0.5]).domain[0]).toBe(0)
    const [lo, hi] = lossAxis([4, 4, 4]).domain
    expect(lo).toBeLessThan(4)
    expect(hi).toBeGreaterThan(4)
    expect(hi - lo).toBeLessThan(1)
    expect(lossAxis([]).domain).toEqual([0, 1])
    expect(lossAxis([NaN, 3]).domain[1]).toBeGreaterThan(3)
  })
  it('reads numbers to three significant digits', () => {
    expect(sig(5.876543210987)).toBe('5.88')
    expect(sig(0.0123456)).toBe('0.0123')
    expect(sig(12345.6)).toBe('12300')
    expect(sig(2)).toBe('2')
    expect(sig(Infinity)).toBe('–')
  })
})
