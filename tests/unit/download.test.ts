import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { downloadFile, hfUrl, type DownloadProgress } from '../../src/core/models/download'
import { GGML_TYPE } from '../../src/core/models/gguf-types'
import { kv, writeGguf } from '../../src/core/models/gguf-write'
import { UserError } from '../../src/core/errors'

const dir = mkdtempSync(join(tmpdir(), 'download-'))
let model: Buffer
let server: Server
let base: string
/** every request the server saw: path and Range header */
const seen: { path: string; range: string | undefined }[] = []
/** paths that drop the connection once, half-way through */
const dropOnce = new Set<string>()
/** a file that is replaced upstream between two attempts: its current version and ETag */
const changing = { body: Buffer.alloc(0) as Buffer, etag: '"v1"', ifRange: [] as (string | undefined)[] }

function send(req: IncomingMessage, res: ServerResponse, body: Buffer, opts: { ranges?: boolean; drop?: boolean; slow?: boolean } = {}) {
  const m = opts.ranges === false ? null : /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
  const start = m ? Number(m[1]) : 0
  if (start >= body.length && m) {
    res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end()
    return
  }
  const slice = body.subarray(start)
  res.writeHead(m ? 206 : 200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(slice.length),
    'Accept-Ranges': 'bytes',
    ...(m ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {})
  })
  if (opts.drop) {
    // send a bit less than half, then kill the socket: the client sees a truncated body
    res.write(slice.subarray(0, Math.floor(slice.length / 2)), () => setTimeout(() => req.socket.destroy(), 20))
    return
  }
  if (opts.slow) {
    let pos = 0
    const tick = () => {
      if (res.destroyed) return
      if (pos >= slice.length) return void res.end()
      res.write(slice.subarray(pos, pos + 16 * 1024))
      pos += 16 * 1024
      setTimeout(tick, 15)
    }
    return tick()
  }
  res.end(slice)
}

beforeAll(async () => {
  // a small but real GGUF (1 MiB of tensor data) so the downloader's final validation has work to do
  const path = join(dir, 'source.gguf')
  const data = Float32Array.from({ length: 256 * 1024 }, (_, i) => Math.sin(i))
  await writeGguf(path, new Map([['general.architecture', kv.str('llama')], ['general.name', kv.str('download test')]]), [
    { name: 'token_embd.weight', dims: [256, 1024], type: GGML_TYPE.F32, data }
  ])
  model = readFileSync(path)
  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname
    seen.push({ path, range: req.headers.range })
    if (path.startsWith('/redirect/')) return void res.writeHead(302, { Location: path.slice('/redirect'.length) }).end()
    if (path === '/org/repo/resolve/main/missing.gguf') return void res.writeHead(404).end('Entry not found')
    if (path === '/org/repo/resolve/main/gated.gguf') return void res.writeHead(401).end('gated')
    if (path === '/org/repo/resolve/main/notgguf.gguf') return send(req, res, Buffer.alloc(4096, 'x'))
    if (path === '/org/repo/resolve/main/noranges.gguf') return send(req, res, model, { ranges: false })
    if (path === '/org/repo/resolve/main/slow.gguf') return send(req, res, model, { slow: true })
    if (path === '/org/repo/resolve/main/changing.gguf') {
      const ifRange = req.headers['if-range'] as string | undefined
      changing.ifRange.push(ifRange)
      res.setHeader('ETag', changing.etag)
      // RFC 9110 If-Range: a stale validator means "send me the whole (new) file"
      const stale = ifRange !== undefined && ifRange !== changing.etag
      if (stale) delete req.headers.range
      return send(req, res, changing.body, { drop: dropOnce.delete(path) })
    }
    if (path.startsWith('/org/repo/resolve/main/')) {
      const drop = dropOnce.delete(path)
      return send(req, res, model, { drop })
    }
    res.writeHead(500).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const url = (file: string) => hfUrl(base, 'org/repo', file)
const requestsFor = (file: string) => seen.filter((s) => s.path.endsWith(`/${file}`))

describe('model downloader (local HTTP server)', () => {
  it('resumes with a Range request after the connection drops mid-transfer; the file is byte-identical', async () => {
    dropOnce.add('/org/repo/resolve/main/drop.gguf')
    const dest = join(dir, 'drop.gguf')
    const progress: DownloadProgress[] = []
    const r = await downloadFile({ url: url('drop.gguf'), dest, retryDelayMs: 10, onProgress: (p) => progress.push(p) })
    expect(r.attempts).toBe(2)
    expect(r.resumedFrom).toBeGreaterThan(0)
    expect(r.resumedFrom).toBeLessThan(model.length)
    expect(r.bytes).toBe(model.length)
    const reqs = requestsFor('drop.gguf')
    expect(reqs.map((q) => q.range)).toEqual([undefined, `bytes=${r.resumedFrom}-`])
    expect(readFileSync(dest).equals(model)).toBe(true)
    expect(existsSync(`${dest}.part`)).toBe(false)
    const last = progress[progress.length - 1]
    expect(last.received).toBe(model.length)
    for (let i = 1; i < progress.length; i++) expect(progress[i].received).toBeGreaterThanOrEqual(progress[i - 1].received)
  })

  it('without retries reports the interruption, keeps the .part, and a second call finishes it', async () => {
    dropOnce.add('/org/repo/resolve/main/manual.gguf')
    const dest = join(dir, 'manual.gguf')
    const err = await downloadFile({ url: url('manual.gguf'), dest, retries: 0 }).catch((e) => e)
    expect(err).toBeInstanceOf(UserError)
    expect(err.code).toBe('network')
    expect(err.message).toMatch(/interrupted|ended early/)
    expect(err.message).toMatch(/resume/)
    const partSize = statSync(`${dest}.part`).size
    expect(partSize).toBeGreaterThan(0)
    expect(partSize).toBeLessThan(model.length)
    const r = await downloadFile({ url: url('manual.gguf'), dest, retries: 0 })
    expect(r.resumedFrom).toBe(partSize)
    expect(readFileSync(dest).equals(model)).toBe(true)
  })

  it('cancels with an AbortSignal, keeps the .part, then resumes from it', async () => {
    const dest = join(dir, 'slow.gguf')
    const ac = new AbortController()
    const progress: DownloadProgress[] = []
    const err = await downloadFile({
      url: url('slow.gguf'),
      dest,
      signal: ac.signal,
      onProgress: (p) => {
        progress.push(p)
        if (p.received > 64 * 1024) ac.abort()
      }
    }).catch((e) => e)
    expect(err.code).toBe('cancelled')
    expect(progress[0].total).toBe(model.length)
    expect(progress[0].bytesPerSec).toBeGreaterThan(0)
    expect(progress[0].etaSec).toBeGreaterThan(0)
    const partSize = statSync(`${dest}.part`).size
    expect(partSize).toBeGreaterThan(0)
    const r = await downloadFile({ url: url('slow.gguf'), dest })
    expect(r.resumedFrom).toBe(partSize)
    expect(readFileSync(dest).equals(model)).toBe(true)
  })

  it('does not splice two versions of a file that changed upstream between attempts (If-Range)', async () => {
    const v2 = Buffer.from(model)
    for (let i = model.length - 4096; i < model.length; i += 4) v2.writeFloatLE(42, i) // same size, other weights
    changing.body = model
    dropOnce.add('/org/repo/resolve/main/changing.gguf')
    const dest = join(dir, 'changing.gguf')
    await expect(downloadFile({ url: url('changing.gguf'), dest, retries: 0 })).rejects.toThrow(/interrupted|ended early/)
    expect(readFileSync(`${dest}.part.validator`, 'utf8')).toBe('"v1"')
    changing.body = v2
    changing.etag = '"v2"'
    const r = await downloadFile({ url: url('changing.gguf'), dest, retries: 0 })
    expect(changing.ifRange).toEqual([undefined, '"v1"'])
    expect(r.resumedFrom).toBe(0) // the server sent the new version whole
    expect(readFileSync(dest).equals(v2)).toBe(true)
    expect(existsSync(`${dest}.part.validator`)).toBe(false)
  })

  it('follows redirects', async () => {
    const dest = join(dir, 'redirected.gguf')
    await downloadFile({ url: `${base}/redirect/org/repo/resolve/main/redirected.gguf`, dest })
    expect(readFileSync(dest).equals(model)).toBe(true)
  })

  it('starts over when the server ignores Range', async () => {
    const dest = join(dir, 'noranges.gguf')
    writeFileSync(`${dest}.part`, model.subarray(0, 1000))
    const r = await downloadFile({ url: url('noranges.gguf'), dest })
    expect(r.resumedFrom).toBe(0)
    expect(readFileSync(dest).equals(model)).toBe(true)
  })

  it('says clearly what an HTTP error means', async () => {
    const missing = await downloadFile({ url: url('missing.gguf'), dest: join(dir, 'missing.gguf') }).catch((e) => e)
    expect(missing.code).toBe('http')
    expect(missing.message).toMatch(/HTTP 404.*not there/)
    const gated = await downloadFile({ url: url('gated.gguf'), dest: join(dir, 'gated.gguf') }).catch((e) => e)
    expect(gated.message).toMatch(/HTTP 401.*gated/)
    expect(existsSync(join(dir, 'missing.gguf'))).toBe(false)
  })

  it('deletes a finished download that is not a GGUF and says why', async () => {
    const dest = join(dir, 'notgguf.gguf')
    const err = await downloadFile({ url: url('notgguf.gguf'), dest }).catch((e) => e)
    expect(err.code).toBe('bad_gguf')
    expect(err.message).toMatch(/not a valid GGUF model .*wrong magic/)
    expect(existsSync(dest)).toBe(false)
    expect(existsSync(`${dest}.part`)).toBe(false)
  })

  it('says the disk is full (ENOSPC) and does not retry', async () => {
    // Linux's /dev/full fails every write with ENOSPC: the .part file is a link to it
    const dest = join(dir, 'full.gguf')
    symlinkSync('/dev/full', `${dest}.part`)
    const err = await downloadFile({ url: url('full.gguf'), dest, retryDelayMs: 5 }).catch((e) => e)
    expect(err.code).toBe('disk_full')
    expect(err.message).toMatch(/disk is full .*Free some space/)
    expect(requestsFor('full.gguf')).toHaveLength(1)
    expect(existsSync(dest)).toBe(false)
  })

  it('gives up on an unreachable host after its retries with a network error', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    const err = await downloadFile({ url: `http://127.0.0.1:${port}/x.gguf`, dest: join(dir, 'x.gguf'), retries: 1, retryDelayMs: 5 }).catch((e) => e)
    expect(err.code).toBe('network')
    expect(err.message).toMatch(/Could not reach 127\.0\.0\.1/)
  })
})
