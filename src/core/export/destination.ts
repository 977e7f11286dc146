import { lstat, realpath } from 'node:fs/promises'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { UserError } from '../errors'
import type { Services } from '../services'

const inside = (dir: string, p: string) => {
  const rel = relative(dir, p)
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`))
}

/** The real path of `p`'s nearest existing ancestor joined with the rest (a folder to be created may not exist yet). */
async function realish(p: string): Promise<string> {
  try {
    return await realpath(p)
  } catch {
    const parent = dirname(p)
    return parent === p ? p : resolve(await realish(parent), relative(parent, p))
  }
}

/**
 * Where an export may be written: a file the user picked in a save dialog (desktop: the shell grants that exact
 * path, and the dialog has asked about replacing it), or a file inside the exports folder (web shell, CLI:
 * a bare name lands there; `..`, absolute paths elsewhere and symlinks leading out are refused). An existing
 * file is replaced only with `overwrite`.
 */
export async function exportDestination(s: Services, path: string, overwrite: boolean): Promise<string> {
  const dir = await realpath(s.paths.exportsDir)
  const abs = isAbsolute(path) ? resolve(path) : resolve(dir, path)
  if (s.exportGrants.has(abs)) return abs
  if (!inside(dir, await realish(abs))) {
    throw new UserError(`Exports are written to the exports folder (${dir}): give a file name such as pairs.jsonl. ${path} is outside it.`, 'export_path')
  }
  const existing = await lstat(abs).catch(() => null)
  if (existing?.isSymbolicLink()) throw new UserError(`${abs} is a symbolic link: give another file name.`, 'export_path')
  if (existing && !existing.isFile()) throw new UserError(`${abs} exists and is not a file: give another file name.`, 'export_path')
  if (existing && !overwrite) throw new UserError(`${abs} already exists: give another file name, or pass overwrite: true to replace it.`, 'exists')
  return abs
}
