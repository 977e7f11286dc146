import { contextBridge, ipcRenderer } from 'electron'
import { methods } from '../core/contract'

/**
 * The typed, allow-listed bridge. The renderer gets exactly two capabilities: call a contract method by
 * name (names outside the contract are refused here and again in the main process) and listen to engine
 * events. No Node, no ipcRenderer, no arbitrary channels.
 */
const allowed = new Set<string>(Object.keys(methods))

type RpcReply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }

contextBridge.exposeInMainWorld('autodidact', {
  async call(method: string, input: unknown): Promise<unknown> {
    if (!allowed.has(method)) throw new Error(`Unknown method "${method}"`)
    const reply = (await ipcRenderer.invoke('rpc:call', method, input ?? {})) as RpcReply
    if (reply.ok) return reply.result
    const err = new Error(reply.error.message) as Error & { code?: string }
    err.code = reply.error.code
    throw err
  },
  onEvent(listener: (event: unknown) => void): () => void {
    const handler = (_e: unknown, event: unknown) => listener(event)
    ipcRenderer.on('rpc:event', handler)
    return () => ipcRenderer.removeListener('rpc:event', handler)
  }
})
