import WebSocket from 'ws'
import type { Engine } from '../core/engine'
import type { EngineEvent } from '../core/contract'
import { UserError } from '../core/errors'
import type { WebShellConnection } from '../core/rpc/connection-file'
import type { ServerMessage } from '../core/rpc/protocol'

/** What the CLI commands use of an engine: the one in this process, or the web shell's over its WebSocket. */
export type CliEngine = Pick<Engine, 'call' | 'onEvent'> & { close(): Promise<void> }

/**
 * Connects to the web shell that owns the data folder (see connection-file.ts), so a CLI command runs in that
 * engine instead of opening the folder a second time. Same contract, same errors, events pushed as they happen.
 */
export async function connectToWebShell(c: WebShellConnection): Promise<CliEngine> {
  const ws = new WebSocket(`ws://127.0.0.1:${c.port}/rpc?token=${encodeURIComponent(c.token)}`)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', (err) => reject(new UserError(`The web shell (pid ${c.pid}) owns this data folder but does not answer on port ${c.port}: ${err.message}. Stop it, or try again.`, 'web_shell_unreachable')))
  })
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners = new Set<(e: EngineEvent) => void>()
  let seq = 0
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as ServerMessage
    if ('event' in m) return listeners.forEach((l) => l(m.event))
    const p = pending.get(m.id)
    if (!p) return
    pending.delete(m.id)
    if (m.ok) p.resolve(m.result)
    else p.reject(new UserError(m.error.message, m.error.code))
  })
  ws.on('close', () => {
    for (const p of pending.values()) p.reject(new UserError('The web shell closed the connection.', 'web_shell_closed'))
    pending.clear()
  })
  ws.on('error', () => undefined)
  return {
    call: ((method: string, input: unknown) =>
      new Promise<unknown>((resolve, reject) => {
        const id = ++seq
        pending.set(id, { resolve, reject })
        ws.send(JSON.stringify({ id, method, input }))
      })) as CliEngine['call'],
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      ws.close()
    }
  }
}
