import type { EngineEvent } from '../contract'

/** Transport-neutral messages (WebSocket here; IPC uses the same shapes). */
export interface RpcRequest {
  id: number
  method: string
  input: unknown
}
export type RpcResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { code: string; message: string } }
export interface RpcEventMessage {
  event: EngineEvent
}
export type ServerMessage = RpcResponse | RpcEventMessage

export function parseRequest(raw: string): RpcRequest | string {
  let v: unknown
  try {
    v = JSON.parse(raw)
  } catch {
    return 'request is not JSON'
  }
  const r = v as Partial<RpcRequest>
  if (typeof r !== 'object' || r === null || typeof r.id !== 'number' || typeof r.method !== 'string') return 'request needs a numeric id and a method name'
  return { id: r.id, method: r.method, input: r.input ?? {} }
}
