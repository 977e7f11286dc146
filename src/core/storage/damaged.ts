import { existsSync, renameSync } from 'node:fs'
import { dirname } from 'node:path'
import { UserError } from '../errors'

/**
 * A database sqlite cannot read (damaged header or pages): the engine starts without it (every method that needs
 * it answers this error, code db_corrupt) and changes nothing; the message says where the file is and how to move
 * it aside to start fresh or restore a backup. Never done silently.
 */
export function damagedDbError(dbFile: string, cause: unknown): UserError {
  const detail = (cause as { message?: string })?.message ?? String(cause)
  return new UserError(
    `The database ${dbFile} is damaged (${detail}), so Autodidact runs without it; nothing was changed. ` +
      `To start fresh, move it aside: \`autodidact db move-aside --data-dir "${dirname(dbFile)}"\` or the app's "Move it aside and start fresh" ` +
      '(it is kept, renamed, next to the new one; models, adapters and exports stay), or restore it from a backup.',
    'db_corrupt'
  )
}

/** Renames the database and its WAL/SHM files to `<name>.damaged-<time>`; returns the new database path. */
export function moveDbAside(dbFile: string): string {
  if (!existsSync(dbFile)) throw new UserError(`There is no database at ${dbFile}: nothing to move.`, 'not_found')
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const moved = `${dbFile}.damaged-${stamp}`
  for (const suffix of ['-wal', '-shm']) if (existsSync(dbFile + suffix)) renameSync(dbFile + suffix, moved + suffix)
  renameSync(dbFile, moved)
  return moved
}
