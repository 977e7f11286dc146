import type { Settings } from '../contract'
import { UserError } from '../errors'

type HttpTeacher = Extract<Settings['teacher'], { kind: 'http' }>

const snippet = (text: string) => JSON.stringify(text.replace(/\s+/g, ' ').trim().slice(0, 80))

/**
 * Reads a response body up to `maxBytes`; a longer body is refused as soon as it passes the cap (the rest is
 * never read), a connection that ends early is reported as cut off.
 */
async function readCapped(res: Response, maxBytes: number, where: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'))
  if (declared > maxBytes) throw tooLarge(where, maxBytes)
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined)
        throw tooLarge(where, maxBytes)
      }
      chunks.push(value)
    }
  } catch (err) {
    if (err instanceof UserError || (err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError') throw err
    throw new UserError(`The answer of the teacher endpoint ${where} was cut off after ${size} bytes (${(err as Error).message}). Try again, or check the endpoint.`, 'teacher')
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

const tooLarge = (where: string, maxBytes: number) =>
  new UserError(
    `The teacher endpoint ${where} sent an answer larger than ${Math.round(maxBytes / 2 ** 20)} MB, so it was refused. Raise "Largest answer" in Settings if this endpoint is right.`,
    'teacher_too_large'
  )

/**
 * POSTs a chat completion to an OpenAI-compatible endpoint and returns the assistant's text. The whole
 * exchange is bounded by the teacher's timeout and answer-size settings; anything that is not a chat
 * completion (HTML error pages, other JSON, a cut-off body) is a clear error naming what came back.
 */
export async function postChatCompletion(teacher: HttpTeacher, apiKey: string | null, body: unknown, signal?: AbortSignal): Promise<string> {
  const where = teacher.baseUrl
  const timeout = AbortSignal.timeout(teacher.timeoutSec * 1000)
  const both = signal ? AbortSignal.any([signal, timeout]) : timeout
  const timedOut = () =>
    new UserError(`The teacher endpoint ${where} did not answer within ${teacher.timeoutSec} s. Try again, or raise the timeout in Settings.`, 'teacher_timeout')
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (err) {
      if (timeout.aborted && !signal?.aborted) throw timedOut()
      throw err
    }
  }
  const res = await guard(async () => {
    try {
      return await fetch(`${where.replace(/\/$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) },
        body: JSON.stringify(body),
        signal: both
      })
    } catch (err) {
      if (both.aborted) throw err
      throw new UserError(`The teacher endpoint ${where} could not be reached: ${(err as Error).message}`, 'teacher')
    }
  })
  const text = await guard(() => readCapped(res, teacher.maxResponseMb * 2 ** 20, where))
  if (!res.ok) {
    const hint = res.status === 401 || res.status === 403 ? ' (check the API key in Settings)' : res.status === 404 ? ' (check the base URL: it should end in /v1)' : ''
    throw new UserError(`The teacher endpoint answered HTTP ${res.status}${hint}.${errorDetail(text)}`, 'teacher')
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    const what = /^\s*</.test(text) ? 'an HTML page' : text.trim() ? 'text that is not JSON' : 'an empty body'
    throw new UserError(`The teacher endpoint ${where} answered with ${what} (${snippet(text)}), not a chat completion. Check that the base URL is an OpenAI-compatible endpoint (…/v1).`, 'teacher_bad_answer')
  }
  const content = (json as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]?.message?.content
  if (typeof content !== 'string') {
    throw new UserError(`The teacher endpoint ${where} answered JSON that is not a chat completion (no choices[0].message.content text: ${snippet(text)}).`, 'teacher_bad_answer')
  }
  return content
}

/** The error message an OpenAI-compatible endpoint puts in its body, if any. */
function errorDetail(text: string): string {
  try {
    const m = (JSON.parse(text) as { error?: { message?: unknown } })?.error?.message
    return typeof m === 'string' && m ? ` It said: ${snippet(m)}.` : ''
  } catch {
    return text.trim() ? ` It sent: ${snippet(text)}.` : ''
  }
}
