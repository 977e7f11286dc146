export interface LossAxis {
  domain: [number, number]
  /** round numbers, one step apart, covering the domain */
  ticks: number[]
  /** decimals that show every tick exactly (0.05 steps: 2) */
  decimals: number
}

/**
 * The y axis of a loss chart: the data's own range with a tenth of it as room on each side, on ticks one round
 * step (1, 2 or 5 × 10^k) apart, never below 0 when no loss is, so a curve from 6.2 to 5.9 fills the chart
 * instead of lying flat at the top of 0..8.
 */
export function lossAxis(losses: number[]): LossAxis {
  const finite = losses.filter(Number.isFinite)
  if (!finite.length) return { domain: [0, 1], ticks: [0, 0.5, 1], decimals: 1 }
  const lo = Math.min(...finite)
  const hi = Math.max(...finite)
  const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.05 || 0.5
  const raw = (hi - lo + 2 * pad) / 4
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9))!
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9))
  const bottom = Math.floor((lo - pad) / step) * step
  const top = Math.ceil((hi + pad) / step) * step
  const ticks: number[] = []
  for (let v = lo >= 0 ? Math.max(0, bottom) : bottom; v <= top + step / 2; v += step) ticks.push(Number(v.toFixed(decimals)))
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks, decimals }
}
