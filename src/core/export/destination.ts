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
 * path once, and the dialog has asked about replacing it), or a file inside the exports folder (web shell, CLI:
 * a bare name lands there; `..`, absolute paths elsewhere and symlinks leading out are refused). An existing
 * file is replaced only with `overwrite`. `ext` is added when the path lacks it (the adapter's .gguf);
 * `companion` is a file written beside it with that extension (the adapter's .md card), checked the same way.
 */
export async function exportDestination(s: Services, path: string, overwrite: boolean, opts: { ext?: string; companion?: string } = {}): Promise<string> {
  const dir = await realpath(s.paths.exportsDir)
  const given = isAbsolute(path) ? resolve(path) : resolve(dir, path)
  const abs = opts.ext && !given.endsWith(opts.ext) ? given + opts.ext : given
  // one export per choice: writing there again asks again
  if (s.exportGrants.delete(given) || s.exportGrants.delete(abs)) return abs
  if (!inside(dir, await realish(abs))) {
    throw new UserError(`Exports are written to the exports folder (${dir}): give a file name such as pairs.jsonl. ${path} is outside it.`, 'export_path')
  }
  const targets = opts.ext && opts.companion ? [abs, abs.slice(0, -opts.ext.length) + opts.companion] : [abs]
  for (const target of targets) {
    const existing = await lstat(target).catch(() => null)
    if (existing?.isSymbolicLink()) throw new UserError(`${target} is a symbolic link: give another file name.`, 'export_path')
    if (existing && !existing.isFile()) throw new UserError(`${target} exists and is not a file: give another file name.`, 'export_path')
    if (existing && !overwrite) throw new UserError(`${target} already exists: give another file name, or pass overwrite: true to replace it.`, 'exists')
  }
  return abs
}
