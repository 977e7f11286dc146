import { defaultDataDir } from './data-dir'
import { startWebShell } from './server'

/** `npm start -- --web [--data-dir DIR] [--port N] [--cpu]`: runs the engine headless and serves the UI. */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const shell = await startWebShell({
  engineOptions: { dataDir: arg('--data-dir') ?? defaultDataDir(), gpu: process.argv.includes('--cpu') ? 'cpu' : 'auto' },
  port: arg('--port') ? Number(arg('--port')) : 0
}).catch((err: Error & { code?: string }) => {
  // e.g. the data folder is in use, or the port: the message says what is wrong and what to do
  console.error(`Autodidact could not start (${err.code ?? 'error'}): ${err.message}`)
  process.exit(1)
})
console.log(`Autodidact web shell: ${shell.url}`)
console.log(`Data directory: ${shell.engine.services.paths.dataDir}`)
const health = await shell.engine.call('system.status', {})
if (health.problem) console.error(`Warning: ${health.problem} Open the address above to do that from the app.`)
const stop = async () => {
  await shell.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
