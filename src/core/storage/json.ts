/** JSON columns: parse leniently (null on absent), stringify null as SQL NULL. */
export function fromJson<T>(v: unknown): T | null {
  if (typeof v !== 'string' || v === '') return null
  try {
    return JSON.parse(v) as T
  } catch {
    return null
  }
}
export function toJson(v: unknown): string | null {
  return v === null || v === undefined ? null : JSON.stringify(v)
}
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
}
