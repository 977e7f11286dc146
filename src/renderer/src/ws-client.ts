import type { EngineClient, EngineEvent, Input, MethodName, Output } from '../../core/contract'
import type { ServerMessage } from '../../core/rpc/protocol'

/** A browser-safe EngineClient over the web shell's WebSocket (reconnects; calls fail while disconnected). */
export function createWsClient(url: string, WebSocketImpl: typeof WebSocket = WebSocket): EngineClient & { close(): void; ready: Promise<void> } {
  let ws: WebSocket
  let nextId = 1
  let closed = false
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners = new Set<(e: EngineEvent) => void>()
  let markReady!: () => void
  const ready = new Promise<void>((r) => (markReady = r))

  const connect = () => {
    ws = new WebSocketImpl(url)
    ws.onopen = () => markReady()
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as ServerMessage
      if ('event' in msg) {
        for (const l of listeners) l(msg.event)
        return
      }
      const p = pending.get(msg.id)
      if (!p) return
      pending.delete(msg.id)
      if (msg.ok) p.resolve(msg.result)
      else p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }))
    }
    ws.onclose = () => {
      for (const p of pending.values()) p.reject(new Error('The connection to the engine was lost. Is the web shell still running?'))
      pending.clear()
      if (!closed) setTimeout(connect, 1000)
    }
  }
  connect()

  return {
    ready,
    async call<K extends MethodName>(method: K, input: Input<K>): Promise<Output<K>> {
      await ready
      if (ws.readyState !== 1) throw new Error('Not connected to the engine.')
      const id = nextId++
      return new Promise<Output<K>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
        ws.send(JSON.stringify({ id, method, input: input ?? {} }))
      })
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      closed = true
      ws.close()
    }
  }
}
