import { homedir } from 'node:os'
import { join } from 'node:path'

/** The engine's data directory outside Electron: AUTODIDACT_DATA_DIR, else the platform's per-user data folder. */
export function defaultDataDir(): string {
  if (process.env.AUTODIDACT_DATA_DIR) return process.env.AUTODIDACT_DATA_DIR
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Autodidact')
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Autodidact')
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'autodidact')
}
