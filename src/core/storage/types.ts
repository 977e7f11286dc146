/** The storage API every feature uses (implemented in storage/db.ts over sqlite3, WAL, foreign keys). */
export type SqlParam = string | number | null | Buffer | bigint
export interface Db {
  run(sql: string, params?: SqlParam[]): Promise<{ changes: number; lastID: number }>
  get<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T | undefined>
  all<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T[]>
  exec(sql: string): Promise<void>
  /** BEGIN IMMEDIATE .. COMMIT, ROLLBACK on throw. Calls are serialised: one transaction at a time. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>
  close(): Promise<void>
}
/** A versioned migration. Each feature owns its list in <feature>/schema.ts; ids are never reused. */
export interface Migration {
  id: string // e.g. "rounds-001-create"
  sql: string
}
