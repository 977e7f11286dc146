import type { EngineClient, EngineEvent } from '../../core/contract'
import { createWsClient, type ConnectionState } from './ws-client'

declare global {
  interface Window {
    autodidact?: { call(method: string, input: unknown): Promise<unknown>; onEvent(cb: (e: unknown) => void): () => void }
  }
}

export type { ConnectionState }

/** The link's state and a way to retry it; Electron's bridge is always connected. */
export interface Connection {
  state(): ConnectionState
  onState(listener: (s: ConnectionState) => void): () => void
  retry(): void
}

const TOKEN_KEY = 'autodidact.token'

/**
 * The web shell's token: from the address (then kept in this tab's sessionStorage, so a reload still works, and
 * taken out of the address bar once connected), else from sessionStorage.
 */
function takeToken(): { token: string; fromAddress: boolean } {
  const params = new URLSearchParams(location.search)
  const fromUrl = params.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    return { token: fromUrl, fromAddress: true }
  }
  return { token: sessionStorage.getItem(TOKEN_KEY) ?? '', fromAddress: false }
}

function dropTokenFromAddress() {
  const url = new URL(location.href)
  if (!url.searchParams.has('token')) return
  url.searchParams.delete('token')
  history.replaceState(history.state, '', url.pathname + url.search + url.hash)
}

/** The engine, whichever shell hosts this page: Electron's preload bridge, or the web shell's WebSocket. */
function connect(): { engine: EngineClient; connection: Connection } {
  if (window.autodidact) {
    const bridge = window.autodidact
    return {
      engine: {
        call: (method, input) => bridge.call(method, input) as never,
        onEvent: (cb) => bridge.onEvent((e) => cb(e as EngineEvent))
      },
      connection: { state: () => ({ status: 'connected' }), onState: () => () => undefined, retry: () => undefined }
    }
  }
  const { token, fromAddress } = takeToken()
  const proto = location.protocol === 'https:' ? 'wss' : 'ws'
  const client = createWsClient(`${proto}://${location.host}/rpc?token=${encodeURIComponent(token)}`)
  if (fromAddress) {
    const off = client.onState((s) => {
      if (s.status !== 'connected') return
      dropTokenFromAddress()
      off()
    })
  }
  return { engine: client, connection: client }
}

const link = connect()
export const engine: EngineClient = link.engine
export const connection: Connection = link.connection
