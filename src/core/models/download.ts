import { createWriteStream } from 'node:fs'
import { rename, stat, unlink } from 'node:fs/promises'
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
}

export function hfUrl(base: string, repo: string, file: string): string {
  return `${base.replace(/\/$/, '')}/${repo}/resolve/main/${encodeURIComponent(file)}`
}

export function describeProgress(p: DownloadProgress): string {
  const speed = `${formatBytes(p.bytesPerSec)}/s`
  if (p.total) return `${formatBytes(p.received)} of ${formatBytes(p.total)} · ${speed} · ${p.etaSec === null ? '…' : `${formatDuration(p.etaSec)} left`}`
  return `${formatBytes(p.received)} · ${speed}`
}

/**
 * Downloads `url` to `dest` through `dest.part`, resuming a previous partial download with an HTTP Range
 * request. Cancelling keeps the .part file for the next attempt. The result must be a readable GGUF.
 */
export async function downloadFile(opts: DownloadOptions): Promise<{ path: string; bytes: number; resumedFrom: number }> {
  const part = `${opts.dest}.part`
  let offset = 0
  try {
    offset = (await stat(part)).size
  } catch {
    offset = 0
  }
  const headers: Record<string, string> = { ...(opts.headers ?? {}) }
  if (offset > 0) headers.Range = `bytes=${offset}-`
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
    return downloadFile(opts)
  }
  if (!res.ok || !res.body) {
    const hint = res.status === 401 || res.status === 403 ? ' The repository may be gated: accept its licence on Hugging Face and set a token.' : res.status === 404 ? ' The file is not there (renamed or removed upstream).' : ''
    throw new UserError(`Download failed: HTTP ${res.status} ${res.statusText} for ${opts.url}.${hint}`, 'http')
  }
  const resumed = res.status === 206 && offset > 0
  if (!resumed) offset = 0
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
    out.destroy()
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
    throw new UserError(`The downloaded file is not a valid GGUF model (${(err as Error).message}); it was deleted.`, 'bad_gguf')
  }
  await rename(part, opts.dest)
  opts.onProgress?.({ received, total: received, bytesPerSec: 0, etaSec: 0 })
  return { path: opts.dest, bytes: received, resumedFrom }
}
