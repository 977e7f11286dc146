import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UserError } from '../errors'

/** Who holds a data folder: written into its lock file. */
export interface LockOwner {
  pid: number
  shell: 'electron' | 'web' | 'cli'
  startedAt: number
}

export interface DataLock {
  file: string
  /** Removes the lock file (only while it is still ours). Safe to call twice. */
  release(): void
}

export const LOCK_FILE = 'engine.lock'
/** data folders held by engines of this process */
const heldHere = new Set<string>()

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM' // exists, owned by another user
  }
  try {
    // Linux: a killed process not yet reaped by its parent (a zombie) still answers signal 0, but holds nothing
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return true
  }
}

/** The live owner of a data folder's lock, or null (no lock, or a stale one of a process that has died). */
export function lockOwner(dataDir: string): LockOwner | null {
  let owner: LockOwner
  try {
    owner = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockOwner
  } catch {
    return null
  }
  return Number.isInteger(owner?.pid) && owner.pid !== process.pid && alive(owner.pid) ? owner : null
}

const SHELLS: Record<LockOwner['shell'], string> = { electron: 'the Autodidact desktop app', web: 'an Autodidact web shell', cli: 'an Autodidact CLI command' }

/** The message for a data folder held by `owner`. */
export function inUseMessage(dataDir: string, owner: LockOwner): string {
  return `The data folder ${dataDir} is in use by ${SHELLS[owner.shell] ?? 'another Autodidact'} (pid ${owner.pid}, since ${new Date(owner.startedAt).toISOString()}). One engine owns a data folder at a time: close that one first, or pick another folder with --data-dir.`
}

/**
 * Makes this process the one engine of `dataDir`: creates `engine.lock` exclusively (O_EXCL) with our pid.
 * A lock left by a process that no longer runs is taken over; a live one is refused with who holds it.
 * Released by `release()` and, should the process end without it, when it exits.
 */
export function acquireDataLock(dataDir: string, shell: LockOwner['shell']): DataLock {
  const file = join(dataDir, LOCK_FILE)
  const me: LockOwner = { pid: process.pid, shell, startedAt: Date.now() }
  const key = resolve(dataDir)
  if (heldHere.has(key)) throw new UserError(`The data folder ${dataDir} is already open in this process: close its engine first.`, 'data_dir_in_use')
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      try {
        writeSync(fd, JSON.stringify(me))
      } finally {
        closeSync(fd)
      }
      break
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw new UserError(`Cannot create the lock file ${file}: ${(err as Error).message}`, 'data_dir')
    }
    const owner = lockOwner(dataDir)
    if (owner) throw new UserError(inUseMessage(dataDir, owner), 'data_dir_in_use')
    if (attempt >= 3) throw new UserError(`The lock file ${file} keeps changing: another Autodidact is starting on this folder. Try again in a moment.`, 'data_dir_in_use')
    try {
      unlinkSync(file) // stale: its process has died
    } catch {
      // another process took it over first: the next attempt sees its lock
    }
  }
  let held = true
  heldHere.add(key)
  const release = () => {
    if (!held) return
    held = false
    heldHere.delete(key)
    process.off('exit', release)
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as LockOwner).pid === process.pid) unlinkSync(file)
    } catch {
      // already gone
    }
  }
  process.on('exit', release)
  return { file, release }
}
