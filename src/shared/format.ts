/** Display formatting shared by the engine (messages) and the renderer (pure functions, no Node or DOM). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '?'
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  return `${n.toFixed(n < 10 && i > 0 ? 1 : 0)} ${units[i]}`
}
export const pct = (x: number | null | undefined, digits = 0) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`)
export const ms = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`)
export const when = (t: number) => new Date(t).toLocaleString()
/** A stored id such as `awaiting_review` as the words a person reads: "awaiting review". */
export const words = (id: string) => id.replace(/_/g, ' ')
/** A measured number to `digits` significant digits, as a person reads it: 2.35, 0.0123, 1230 (not 2.3456789012). */
export const sig = (x: number, digits = 3) => (Number.isFinite(x) ? String(Number(x.toPrecision(digits))) : '–')
