import type { EngineClient, EngineEvent } from '../../core/contract'
import { createWsClient } from './ws-client'

declare global {
  interface Window {
    autodidact?: { call(method: string, input: unknown): Promise<unknown>; onEvent(cb: (e: unknown) => void): () => void }
  }
}

/** The engine, whichever shell hosts this page: Electron's preload bridge, or the web shell's WebSocket. */
function connect(): EngineClient {
  if (window.autodidact) {
    const bridge = window.autodidact
    return {
      call: (method, input) => bridge.call(method, input) as never,
      onEvent: (cb) => bridge.onEvent((e) => cb(e as EngineEvent))
    }
  }
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const proto = location.protocol === 'https:' ? 'wss' : 'ws'
  return createWsClient(`${proto}://${location.host}/rpc?token=${encodeURIComponent(token)}`)
}

export const engine: EngineClient = connect()
