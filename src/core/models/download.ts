import { createWriteStream, type WriteStream } from 'node:fs'
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { UserError } from '../errors'
import { readGgufHeader, checkTensorExtents } from './gguf-read'
import { formatBytes, formatDuration } from './units'

export interface DownloadProgress {
  received: number
  total: number | null
  bytesPerSec: number
  etaSec: number | null
}

export interface DownloadOptions {
  url: string
  dest: string
  signal?: AbortSignal
  onProgress?: (p: DownloadProgress) => void
  /** headers such as Authorization for gated repos */
  headers?: Record<string, string>
  /** times an interrupted transfer is resumed automatically (HTTP Range) before giving up; default 3 */
  retries?: number
  /** first pause before a retry, doubled each time; default 500 ms */
  retryDelayMs?: number
}

export interface DownloadResult {
  path: string
  bytes: number
  /** bytes already on disk (.part) when the last, successful attempt started */
  resumedFrom: number
  attempts: number
}

/**
 * Downloads `url` to `dest` through `dest.part`, resuming a previous partial download with an HTTP Range
 * request, and resuming by itself (up to `retries` times) when the connection drops mid-transfer.
 * Cancelling keeps the .part file for the next attempt. The result must be a readable GGUF.
 */
export async function downloadFile(opts: DownloadOptions): Promise<DownloadResult> {
  const retries = opts.retries ?? 3
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await downloadOnce(opts)), attempts: attempt }
    } catch (err) {
      const retriable = err instanceof UserError && err.code === 'network' && !opts.signal?.aborted
      if (!retriable || attempt > retries) throw err
      await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 500) * 2 ** (attempt - 1)))
      if (opts.signal?.aborted) throw new UserError('Download cancelled; it will resume where it stopped.', 'cancelled')
    }
  }
}

/** Ends the file stream and waits until it is closed, so the .part size on disk is final. */
async function closeFile(out: WriteStream): Promise<void> {
  if (out.closed) return
  await new Promise<void>((resolve) => {
    out.once('close', () => resolve())
    if (out.errored || out.destroyed) out.destroy()
    else out.end()
  })
}

export function hfUrl(base: string, repo: string, file: string): string {
  return `${base.replace(/\/$/, '')}/${repo}/resolve/main/${encodeURIComponent(file)}`
}

export function describeProgress(p: DownloadProgress): string {
  const speed = `${formatBytes(p.bytesPerSec)}/s`
  if (p.total) return `${formatBytes(p.received)} of ${formatBytes(p.total)} · ${speed} · ${p.etaSec === null ? '…' : `${formatDuration(p.etaSec)} left`}`
  return `${formatBytes(p.received)} · ${speed}`
}

async function downloadOnce(opts: DownloadOptions): Promise<Omit<DownloadResult, 'attempts'>> {
  const part = `${opts.dest}.part`
  let offset = 0
  try {
    offset = (await stat(part)).size
  } catch {
    offset = 0
  }
  // the validator (ETag or Last-Modified) of the response the .part came from: with If-Range the server
  // sends the whole file again (200) if it changed upstream, instead of the rest of a different file
  const validatorFile = `${part}.validator`
  const validator = offset > 0 ? await readFile(validatorFile, 'utf8').catch(() => null) : null
  const headers: Record<string, string> = { ...(opts.headers ?? {}) }
  if (offset > 0) headers.Range = `bytes=${offset}-`
  if (offset > 0 && validator) headers['If-Range'] = validator
  let res: Response
  try {
    res = await fetch(opts.url, { headers, signal: opts.signal, redirect: 'follow' })
  } catch (err) {
    if (opts.signal?.aborted) throw new UserError('Download cancelled; it will resume where it stopped.', 'cancelled')
    throw new UserError(`Could not reach ${new URL(opts.url).host}: ${(err as Error).message}. Check the internet connection and try again.`, 'network')
  }
  if (res.status === 416 && offset > 0) {
    // the .part is already complete (or larger than the file): start over
    await unlink(part).catch(() => undefined)
    return downloadOnce(opts)
  }
  if (!res.ok || !res.body) {
    const hint = res.status === 401 || res.status === 403 ? ' The repository may be gated: accept its licence on Hugging Face and set a token.' : res.status === 404 ? ' The file is not there (renamed or removed upstream).' : ''
    throw new UserError(`Download failed: HTTP ${res.status} ${res.statusText} for ${opts.url}.${hint}`, 'http')
  }
  const rangeStart = Number(/^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1] ?? offset)
  if (res.status === 206 && offset > 0 && rangeStart !== offset) {
    // a range other than the one asked for: start over rather than append the wrong bytes
    await res.body.cancel().catch(() => undefined)
    await unlink(part).catch(() => undefined)
    return downloadOnce(opts)
  }
  const resumed = res.status === 206 && offset > 0
  if (!resumed) {
    offset = 0
    const etag = res.headers.get('etag')
    const v = etag && !etag.startsWith('W/') ? etag : res.headers.get('last-modified')
    await (v ? writeFile(validatorFile, v) : unlink(validatorFile)).catch(() => undefined)
  }
  const length = Number(res.headers.get('content-length') ?? NaN)
  const total = Number.isFinite(length) ? length + offset : null
  const out = createWriteStream(part, { flags: resumed ? 'a' : 'w' })
  let received = offset
  const t0 = Date.now()
  let lastEmit = 0
  const resumedFrom = offset
  try {
    await new Promise<void>((resolve, reject) => {
      const body = Readable.fromWeb(res.body as never)
      body.on('data', (chunk: Buffer) => {
        received += chunk.length
        const now = Date.now()
        if (now - lastEmit > 200) {
          lastEmit = now
          const rate = ((received - resumedFrom) * 1000) / Math.max(1, now - t0)
          opts.onProgress?.({ received, total, bytesPerSec: rate, etaSec: total && rate > 0 ? (total - received) / rate : null })
        }
      })
      body.on('error', reject)
      out.on('error', reject)
      out.on('finish', resolve)
      body.pipe(out)
    })
  } catch (err) {
    await closeFile(out)
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ENOSPC') throw new UserError(`The disk is full after ${formatBytes(received)}. Free some space; the download resumes where it stopped.`, 'disk_full')
    if (opts.signal?.aborted) throw new UserError('Download cancelled; it will resume where it stopped.', 'cancelled')
    throw new UserError(`The download was interrupted after ${formatBytes(received)} (${e.message}). Start it again to resume.`, 'network')
  }
  if (total !== null && received !== total) throw new UserError(`The download ended early (${formatBytes(received)} of ${formatBytes(total)}). Start it again to resume.`, 'network')
  try {
    const h = await readGgufHeader(part)
    const problem = checkTensorExtents(h)
    if (problem) throw new Error(problem)
  } catch (err) {
    await unlink(part).catch(() => undefined)
    await unlink(validatorFile).catch(() => undefined)
    throw new UserError(`The downloaded file is not a valid GGUF model (${(err as Error).message}); it was deleted.`, 'bad_gguf')
  }
  await rename(part, opts.dest)
  await unlink(validatorFile).catch(() => undefined)
  opts.onProgress?.({ received, total: received, bytesPerSec: 0, etaSec: 0 })
  return { path: opts.dest, bytes: received, resumedFrom }
}
