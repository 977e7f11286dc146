import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { createEngine, type Engine } from '../core/engine'
import { UserError } from '../core/errors'
import { writeConnectionFile } from '../core/rpc/connection-file'
import { CONTENT_SECURITY_POLICY } from '../core/rpc/csp'
import { attachRpc, randomToken } from '../core/rpc/ws-server'
import type { EngineOptions } from '../core/services'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.ico': 'image/x-icon'
}

export interface WebShell {
  url: string
  port: number
  token: string
  engine: Engine
  server: Server
  close(): Promise<void>
}

/** The web shell: the built renderer over http plus the engine's contract over a WebSocket, on loopback only. */
export async function startWebShell(opts: { engine?: Engine; engineOptions: EngineOptions; port?: number; staticDir?: string }): Promise<WebShell> {
  const staticDir = resolve(opts.staticDir ?? join(process.cwd(), 'out', 'renderer'))
  const token = randomToken()
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    let path: string
    try {
      path = decodeURIComponent(url.pathname)
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('malformed URL')
      return
    }
    let file = normalize(join(staticDir, path))
    if (file !== staticDir && !file.startsWith(staticDir + sep)) {
      res.writeHead(403).end()
      return
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(staticDir, 'index.html')
    if (!existsSync(file)) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('The UI is not built: run `npm run build` (npm start does it for you).')
      return
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache'
    })
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res)
  })
  // the port first: a busy port fails before the data folder or its database is touched
  await new Promise<void>((r, j) => {
    server.once('error', (err: Error & { code?: string }) => {
      if (err.code === 'EADDRINUSE') j(new UserError(`Port ${opts.port} on 127.0.0.1 is already in use (another web shell or program). Pick another with --port N, or leave --port out to get a free one.`, 'port_in_use'))
      else if (err.code === 'EACCES') j(new UserError(`Port ${opts.port} needs privileges this user lacks: pick a port above 1024 with --port N.`, 'port_denied'))
      else j(err)
    })
    server.listen(opts.port ?? 0, '127.0.0.1', r)
  })
  const port = (server.address() as AddressInfo).port
  let engine: Engine
  try {
    engine = opts.engine ?? (await createEngine({ ...opts.engineOptions, shell: 'web' }))
  } catch (err) {
    await new Promise<void>((r) => server.close(() => r()))
    throw err
  }
  // a CLI on the same data folder runs its commands here instead of opening the folder a second time
  const removeConnectionFile = writeConnectionFile(engine.services.paths.dataDir, { pid: process.pid, port, token })
  const wss = attachRpc(server, engine, token, () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`])
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    engine,
    server,
    async close() {
      for (const c of wss.clients) c.terminate()
      wss.close()
      await new Promise<void>((r) => server.close(() => r()))
      removeConnectionFile()
      await engine.close()
    }
  }
}
