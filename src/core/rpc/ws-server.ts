import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Engine } from '../engine'
import { toWireError } from '../errors'
import { parseRequest, type ServerMessage } from './protocol'

export function randomToken(): string {
  return randomBytes(24).toString('base64url')
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Serves the engine's contract on `ws://127.0.0.1:PORT/rpc?token=...`. Refused (HTTP 403 before the
 * upgrade): a wrong or missing token, or an Origin other than the server's own page.
 */
export function attachRpc(server: Server, engine: Engine, token: string, allowedOrigins: () => string[]): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 })
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const origin = req.headers.origin
    const refuse = (why: string) => {
      socket.write(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${why}`)
      socket.destroy()
    }
    if (url.pathname !== '/rpc') return refuse('unknown path')
    if (!sameToken(url.searchParams.get('token') ?? '', token)) return refuse('bad token')
    if (origin !== undefined && !allowedOrigins().includes(origin)) return refuse('origin not allowed')
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })
  wss.on('connection', (ws: WebSocket) => {
    const send = (m: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m))
    }
    const off = engine.onEvent((event) => send({ event }))
    ws.on('close', off)
    // A client's protocol error (a frame over maxPayload, a text frame that is not UTF-8, a bad opcode...)
    // closes that connection only; without a listener the 'error' event would end the whole process.
    ws.on('error', () => ws.terminate())
    ws.on('message', async (data) => {
      const req = parseRequest(String(data))
      if (typeof req === 'string') return send({ id: -1, ok: false, error: { code: 'bad_request', message: req } })
      try {
        const result = await engine.call(req.method as never, req.input as never, { origin: 'ws' })
        send({ id: req.id, ok: true, result })
      } catch (err) {
        send({ id: req.id, ok: false, error: toWireError(err) })
      }
    })
  })
  wss.on('error', () => undefined) // errors of the server object itself are reported per connection above
  return wss
}
