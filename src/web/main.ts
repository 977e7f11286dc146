import { homedir } from 'node:os'
import { join } from 'node:path'
import { startWebShell } from './server'

/** `npm start -- --web [--data-dir DIR] [--port N] [--cpu]`: runs the engine headless and serves the UI. */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

export function defaultDataDir(): string {
  if (process.env.AUTODIDACT_DATA_DIR) return process.env.AUTODIDACT_DATA_DIR
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Autodidact')
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Autodidact')
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'autodidact')
}

const shell = await startWebShell({
  engineOptions: { dataDir: arg('--data-dir') ?? defaultDataDir(), gpu: process.argv.includes('--cpu') ? 'cpu' : 'auto' },
  port: arg('--port') ? Number(arg('--port')) : 0
})
console.log(`Autodidact web shell: ${shell.url}`)
console.log(`Data directory: ${shell.engine.services.paths.dataDir}`)
const stop = async () => {
  await shell.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
