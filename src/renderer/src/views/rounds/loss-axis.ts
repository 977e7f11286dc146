/**
 * The y range of a loss chart: the data's own range with a tenth of it as room on each side, on round
 * numbers, never below 0 when no loss is, so a curve from 6.2 to 5.9 fills the chart instead of a flat line
 * at the top of 0..8.
 */
export function lossDomain(losses: number[]): [number, number] {
  const finite = losses.filter(Number.isFinite)
  if (!finite.length) return [0, 1]
  const lo = Math.min(...finite)
  const hi = Math.max(...finite)
  const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.05 || 0.5
  const unit = 10 ** (Math.floor(Math.log10(hi - lo + 2 * pad)) - 1)
  const clean = (v: number) => Number(v.toPrecision(12))
  const bottom = clean(Math.floor((lo - pad) / unit) * unit)
  return [lo >= 0 ? Math.max(0, bottom) : bottom, clean(Math.ceil((hi + pad) / unit) * unit)]
}
