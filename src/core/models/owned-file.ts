import { lstat, realpath } from 'node:fs/promises'
import { isAbsolute, relative, sep } from 'node:path'
import type { ModelInfo } from '../contract'

/**
 * Whether the app may delete a model's file: only a file it downloaded or generated itself, that still lies
 * inside the models folder once every symlink and `..` is resolved, and that is a plain file (not a link to
 * somewhere else). Imported files belong to the user: they are forgotten, never deleted.
 * Returns the real path to delete, or why the file is kept.
 */
export async function deletableModelFile(m: Pick<ModelInfo, 'path' | 'source'>, modelsDir: string): Promise<{ path: string } | { kept: string }> {
  if (m.source === 'import') return { kept: 'imported files are never deleted, only removed from the list' }
  let real: string
  let dir: string
  try {
    if ((await lstat(m.path)).isSymbolicLink()) return { kept: 'the file is a symbolic link' }
    real = await realpath(m.path)
    dir = await realpath(modelsDir)
  } catch {
    return { kept: 'the file is already gone' }
  }
  const rel = relative(dir, real)
  if (!rel || isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) return { kept: `it is outside the models folder (${dir})` }
  return { path: real }
}
