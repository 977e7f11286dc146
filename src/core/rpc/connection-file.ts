import { chmodSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * How a CLI reaches the web shell that owns a data folder: `web-shell.json` in that folder, readable by its
 * owner only (0600), holding the shell's pid, port and WebSocket token. Written when the web shell serves,
 * removed when it stops.
 */
export interface WebShellConnection {
  pid: number
  port: number
  token: string
}
export const CONNECTION_FILE = 'web-shell.json'

export function writeConnectionFile(dataDir: string, c: WebShellConnection): () => void {
  const file = join(dataDir, CONNECTION_FILE)
  writeFileSync(file, JSON.stringify(c), { mode: 0o600 })
  chmodSync(file, 0o600) // also when the file existed with other permissions
  return () => {
    try {
      if (readConnectionFile(dataDir)?.pid === c.pid) unlinkSync(file)
    } catch {
      // already gone
    }
  }
}

export function readConnectionFile(dataDir: string): WebShellConnection | null {
  try {
    const c = JSON.parse(readFileSync(join(dataDir, CONNECTION_FILE), 'utf8')) as WebShellConnection
    return Number.isInteger(c.pid) && Number.isInteger(c.port) && typeof c.token === 'string' ? c : null
  } catch {
    return null
  }
}
