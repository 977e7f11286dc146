import { stat } from 'node:fs/promises'
import { UserError } from './errors'

function kindOf(st: Awaited<ReturnType<typeof stat>>): string {
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a named pipe (FIFO)'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}

/**
 * Refuses anything that is not a regular file before it is opened: opening a FIFO blocks a thread of Node's
 * I/O pool forever, reading /dev/zero never ends. `what` names the file for the message ("The model", ...).
 * Returns the file's size.
 */
export async function regularFileSize(path: string, what: string, maxBytes?: number): Promise<number> {
  let st
  try {
    st = await stat(path)
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new UserError(`No file at ${path}.`, 'not_found')
    throw new UserError(`Cannot read ${path}: ${(err as Error).message}`, 'not_found')
  }
  if (!st.isFile()) throw new UserError(`${what} ${path} is ${kindOf(st)}, not a regular file: pick a file saved on disk.`, 'not_a_file')
  if (maxBytes !== undefined && st.size > maxBytes) {
    throw new UserError(`${what} ${path} is ${(st.size / 2 ** 20).toFixed(0)} MiB, more than the ${(maxBytes / 2 ** 20).toFixed(0)} MiB allowed: split it into smaller files.`, 'too_large')
  }
  return st.size
}
