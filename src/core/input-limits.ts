/**
 * Limits on what a caller (a client, a dataset line, a profile) can hand the engine, so that hostile or broken
 * input gets a clear refusal instead of a stack overflow deep inside validation, prompt building or SQL.
 */

/** Nesting depth of any input (and any tool schema): real JSON schemas and arguments are a few levels deep. */
export const MAX_NESTING = 64
/** Ids in one call (review decisions, exports): sqlite allows ~32k bound variables per statement. */
export const MAX_IDS = 10_000

/**
 * The nesting depth of `value` when it exceeds `max`, else null. Iterative (an explicit stack), so a value
 * 100k levels deep is measured without recursion; objects seen twice are not walked twice.
 */
export function nestingOver(value: unknown, max = MAX_NESTING): number | null {
  const stack: [unknown, number][] = [[value, 1]]
  const seen = new Set<object>()
  while (stack.length) {
    const [v, depth] = stack.pop()!
    if (typeof v !== 'object' || v === null || seen.has(v)) continue
    if (depth > max) return depth
    seen.add(v)
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
  }
  return null
}
