import { afterEach, describe, expect, it } from 'vitest'
import { postChatCompletion } from '../../src/core/augment/http-teacher'
import { createSettingsStore } from '../../src/core/settings/settings'
import { teacherServer, type TeacherServer } from '../fixtures/teacher-server'

const servers: TeacherServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})
const serve = async (...args: Parameters<typeof teacherServer>) => {
  const s = await teacherServer(...args)
  servers.push(s)
  return s
}
const teacher = (baseUrl: string, over: { timeoutSec?: number; maxResponseMb?: number } = {}) =>
  ({ kind: 'http', baseUrl, model: 't', hasApiKey: false, timeoutSec: 30, maxResponseMb: 1, ...over }) as const
const ask = (baseUrl: string, over: { timeoutSec?: number; maxResponseMb?: number } = {}, signal?: AbortSignal) =>
  postChatCompletion(teacher(baseUrl, over), 'sk-x', { model: 't', messages: [] }, signal)

describe('HTTP teacher: bounded, and garbage answers are clear errors', () => {
  it('returns the assistant text of a chat completion, sending the key', async () => {
    const s = await serve('{"examples": []}')
    expect(await ask(s.baseUrl)).toBe('{"examples": []}')
    expect(s.seen[0].auth).toBe('Bearer sk-x')
  })
  it('an HTML error page: the status and what it said', async () => {
    const s = await serve('', 200, (res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' })
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>')
    })
    await expect(ask(s.baseUrl)).rejects.toThrow(/answered HTTP 502\. It sent: "<html><body><h1>502 Bad Gateway/)
  })
  it('a 200 HTML page, non-JSON text, an empty body and JSON of another shape are each named', async () => {
    const bodies: [string, RegExp][] = [
      ['<!doctype html><title>Login</title>', /answered with an HTML page \("<!doctype html><title>Login<\/title>"\), not a chat completion.*OpenAI-compatible/],
      ['Service starting, try later', /answered with text that is not JSON \("Service starting/],
      ['', /answered with an empty body/],
      ['{"result": "ok"}', /JSON that is not a chat completion \(no choices\[0\]\.message\.content text: "\{\\"result\\": \\"ok\\"\}"\)/],
      ['{"choices": [{"message": {"content": 42}}]}', /not a chat completion/]
    ]
    for (const [body, message] of bodies) {
      const s = await serve('', 200, (res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(body)
      })
      await expect(ask(s.baseUrl), body).rejects.toThrow(message)
    }
  })
  it('a body cut off mid-stream says so', async () => {
    const s = await serve('', 200, (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '5000' })
      res.write('{"choices": [{"message": {"content": "{\\"exa')
      setTimeout(() => res.socket?.destroy(), 50)
    })
    await expect(ask(s.baseUrl)).rejects.toThrow(/was cut off after \d+ bytes/)
  })
  it('an answer over the size cap is refused, declared or streamed without a length', async () => {
    const declared = await serve('x'.repeat(1_200_000))
    await expect(ask(declared.baseUrl)).rejects.toMatchObject({ code: 'teacher_too_large', message: expect.stringMatching(/larger than 1 MB.*Largest answer/) })
    let written = 0
    const endless = await serve('', 200, (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }) // chunked: no length to check up front
      const more = () => {
        while (written < 50 * 2 ** 20 && res.write('x'.repeat(65536))) written += 65536
        if (written < 50 * 2 ** 20 && !res.destroyed) res.once('drain', more)
      }
      res.on('close', () => undefined)
      more()
    })
    await expect(ask(endless.baseUrl)).rejects.toMatchObject({ code: 'teacher_too_large' })
    expect(written).toBeLessThan(50 * 2 ** 20) // it stopped reading: the server was not drained to the end
  })
  it('an endpoint that never answers (or stalls mid-body) times out with the setting named', async () => {
    const silent = await serve('', 200, () => undefined)
    await expect(ask(silent.baseUrl, { timeoutSec: 1 })).rejects.toMatchObject({ code: 'teacher_timeout', message: expect.stringMatching(/did not answer within 1 s.*raise the timeout in Settings/) })
    const stalls = await serve('', 200, (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.write('{"choices": [')
    })
    await expect(ask(stalls.baseUrl, { timeoutSec: 1 })).rejects.toMatchObject({ code: 'teacher_timeout' })
  })
  it('a cancel is a cancel, not a timeout', async () => {
    const silent = await serve('', 200, () => undefined)
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 100)
    const err = await ask(silent.baseUrl, { timeoutSec: 30 }, ac.signal).catch((e: Error) => e)
    expect((err as { code?: string }).code).not.toBe('teacher_timeout')
    expect((err as Error).name).toBe('AbortError')
  })
  it('Settings: defaults for older stored teachers, bounds on both limits', async () => {
    let stored: string | null = JSON.stringify({ teacher: { kind: 'http', baseUrl: 'http://127.0.0.1:1/v1', model: 't', hasApiKey: false } })
    const db = {
      get: async (sql: string) => (sql.includes('FROM settings') && stored ? { value: stored } : undefined),
      transaction: async (fn: (tx: unknown) => Promise<unknown>) => fn({ get: async () => (stored ? { value: stored } : undefined), run: async (_s: string, p: string[]) => void (stored = p[0]) })
    }
    const store = createSettingsStore(db as never, { emit: () => undefined, on: () => () => undefined }, { kind: 'file', get: async () => null, set: async () => undefined })
    expect((await store.get()).teacher).toMatchObject({ timeoutSec: 120, maxResponseMb: 4 })
    await expect(store.update({ teacher: { kind: 'http', baseUrl: 'http://x/v1', model: 't', timeoutSec: 1 } })).rejects.toThrow()
    await expect(store.update({ teacher: { kind: 'http', baseUrl: 'http://x/v1', model: 't', maxResponseMb: 1000 } })).rejects.toThrow()
    expect((await store.update({ teacher: { kind: 'http', baseUrl: 'http://x/v1', model: 't', timeoutSec: 30 } })).teacher).toMatchObject({ timeoutSec: 30, maxResponseMb: 4 })
  })
})
