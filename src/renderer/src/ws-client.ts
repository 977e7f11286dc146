import type { EngineClient, EngineEvent, Input, MethodName, Output } from '../../core/contract'
import type { ServerMessage } from '../../core/rpc/protocol'

/**
 * Where the link to the engine stands. `stale-token`: the page server answers but refuses this tab's token
 * (the web shell was restarted: it prints a new URL). `unreachable`: nothing answers at this address.
 */
export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'connected' }
  | { status: 'disconnected'; reason: 'stale-token' | 'unreachable'; wasConnected: boolean }

export type WsClient = EngineClient & {
  close(): void
  ready: Promise<void>
  state(): ConnectionState
  onState(listener: (s: ConnectionState) => void): () => void
  retry(): void
}

/** Asks the page server whether it is still there (an answer means the engine is up but refused the token). */
async function serverAnswers(pageUrl: string): Promise<boolean> {
  try {
    const res = await fetch(pageUrl, { cache: 'no-store' })
    return res.ok
  } catch {
    return false
  }
}

/** A browser-safe EngineClient over the web shell's WebSocket: reconnects, reports its state, and fails calls while disconnected. */
export function createWsClient(url: string, WebSocketImpl: typeof WebSocket = WebSocket, pageUrl = '/'): WsClient {
  let ws: WebSocket
  let nextId = 1
  let closed = false
  let opened = false
  let everConnected = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let current: ConnectionState = { status: 'connecting' }
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners = new Set<(e: EngineEvent) => void>()
  const stateListeners = new Set<(s: ConnectionState) => void>()
  let markReady!: () => void
  let settled = false
  const ready = new Promise<void>((r) => (markReady = r))
  const firstAttempt = () => {
    if (!settled) (settled = true), markReady()
  }
  const setState = (s: ConnectionState) => {
    current = s
    for (const l of stateListeners) l(s)
  }

  const connect = () => {
    timer = undefined
    opened = false
    ws = new WebSocketImpl(url)
    ws.onopen = () => {
      opened = true
      everConnected = true
      setState({ status: 'connected' })
      firstAttempt()
    }
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
      if (closed) return
      const wasOpen = opened
      void serverAnswers(pageUrl).then((answers) => {
        if (closed) return
        // A server that answers but refused the socket before it opened does not know this tab's token.
        const reason = answers && !wasOpen ? 'stale-token' : 'unreachable'
        setState({ status: 'disconnected', reason, wasConnected: everConnected })
        firstAttempt()
        // A dropped link may come back (same server); a refused token will not, but retrying costs little.
        if (!timer) timer = setTimeout(connect, wasOpen ? 500 : 3000)
      })
    }
  }
  connect()

  return {
    ready,
    state: () => current,
    onState(listener) {
      stateListeners.add(listener)
      return () => stateListeners.delete(listener)
    },
    retry() {
      if (closed || current.status === 'connected') return
      if (timer) clearTimeout(timer)
      setState({ status: 'connecting' })
      connect()
    },
    async call<K extends MethodName>(method: K, input: Input<K>): Promise<Output<K>> {
      await ready
      if (ws.readyState !== 1) throw new Error('Not connected to the engine: see the message at the top of the window.')
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
      if (timer) clearTimeout(timer)
      ws.close()
    }
  }
}
