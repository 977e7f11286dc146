import { randomBytes } from 'node:crypto'
import { readdirSync, rmSync } from 'node:fs'
import { copyFile, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { UserError } from './errors'

/** Temporary files end in this; whatever is left of them (a crash, a full disk) is removed at start. */
const PARTIAL = /\.partial-[0-9a-f]{8}$/
const OLD_TMP = /\.\d+\.tmp$/ // the demo model's temporary name before partial files existed

const diskFull = (dest: string) =>
  new UserError(`The disk is full: ${basename(dest)} was not written (nothing partial was left behind). Free some space and try again.`, 'disk_full')

/**
 * Writes `dest` through a temporary file in the same folder, renamed over `dest` only once complete and
 * flushed: a failure (disk full, crash) never leaves a 0-byte or half-written file under the real name.
 */
export async function writeAtomically(dest: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dest}.partial-${randomBytes(4).toString('hex')}`
  try {
    await write(tmp)
    const fh = await open(tmp, 'r+')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, dest)
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined)
    if ((err as { code?: string }).code === 'ENOSPC' || (err as { code?: string }).code === 'EDQUOT') throw diskFull(dest)
    throw err
  }
}

export const writeFileAtomic = (dest: string, data: string | Uint8Array, mode = 0o666) =>
  writeAtomically(dest, async (tmp) => {
    const fh = await open(tmp, 'w', mode)
    try {
      await fh.writeFile(data)
    } finally {
      await fh.close()
    }
  })

export const copyFileAtomic = (src: string, dest: string) => writeAtomically(dest, (tmp) => copyFile(src, tmp))

/** Removes temporary files left in the app's own folders (never elsewhere). Returns their names. */
export function removeLeftoverPartials(dirs: string[]): string[] {
  const removed: string[] = []
  for (const dir of dirs) {
    let names: string[] = []
    try {
      names = readdirSync(dir)
    } catch {
      continue
    }
    for (const n of names) {
      if (!PARTIAL.test(n) && !OLD_TMP.test(n)) continue
      rmSync(join(dir, n), { force: true })
      removed.push(join(basename(dirname(join(dir, n))), n))
    }
  }
  return removed
}
