import { createServer, type Server } from 'node:http'
import { existsSync, readFileSync, statSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobInfo } from '../../src/core/contract'
import { createEngine, type Engine } from '../../src/core/engine'
import { writeTestAdapter } from '../fixtures/adapters'
import { jobEnd, nextEvent, tempDir } from '../fixtures/engine'
import { ensureTestModel } from '../fixtures/test-models'

/** A stand-in for huggingface.co: serves one loadable generated GGUF at every .../resolve/main/<file>. */
describe('models handlers: catalog, download job, import, load, remove', () => {
  let engine: Engine
  let server: Server
  let served: Buffer
  const ranges: string[] = []
  let slow = false

  beforeAll(async () => {
    served = readFileSync(await ensureTestModel({ layers: 1, embd: 32, ff: 64 }))
    server = createServer((req, res) => {
      if (!/\/resolve\/main\/[^/]+\.gguf$/.test(req.url ?? '')) return void res.writeHead(404).end()
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
      if (m) ranges.push(req.headers.range!)
      const body = served.subarray(m ? Number(m[1]) : 0)
      res.writeHead(m ? 206 : 200, { 'Content-Length': String(body.length), 'Accept-Ranges': 'bytes' })
      if (!slow) return void res.end(body)
      let pos = 0
      const tick = () => {
        if (res.destroyed) return
        if (pos >= body.length) return void res.end()
        res.write(body.subarray(pos, (pos += 256 * 1024)))
        setTimeout(tick, 30)
      }
      tick()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const hfBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    engine = await createEngine({ dataDir: tempDir('models-handlers-'), gpu: 'cpu', threads: 1, hfBaseUrl })
  })
  afterAll(async () => {
    await engine?.close()
    await new Promise<void>((r) => server.close(() => r()))
  })

  it('lists the curated catalog with a fit check for this machine', async () => {
    const cat = await engine.call('models.catalog', { contextSize: 4096 })
    expect(cat.length).toBeGreaterThanOrEqual(10)
    for (const e of cat) {
      expect(e.hfFile).toMatch(/\.gguf$/)
      expect(e.downloaded).toBe(false)
      expect(e.fit.where).toMatch(/cpu|none/) // tests force the CPU
      expect(e.fit.reason.length).toBeGreaterThan(20)
    }
  })

  it('downloads a catalog model as a job with progress, registers it, and loads it', async () => {
    const entry = (await engine.call('models.catalog', {}))[0]
    const updates: JobInfo[] = []
    const off = engine.onEvent((e) => {
      if (e.type === 'job.update' && e.job.kind === 'download') updates.push(e.job)
    })
    const { jobId } = await engine.call('models.download', { catalogId: entry.id })
    const end = await jobEnd(engine, jobId)
    off()
    expect(end.job.status).toBe('done')
    expect(updates.some((u) => u.status === 'running')).toBe(true)
    const list = await engine.call('models.list', {})
    const m = list.find((x) => x.catalogId === entry.id)!
    expect(m).toMatchObject({ source: 'catalog', architecture: 'llama', sizeBytes: served.length, loaded: false })
    expect(readFileSync(m.path).equals(served)).toBe(true)
    expect((await engine.call('models.catalog', {})).find((e) => e.id === entry.id)!.downloaded).toBe(true)

    const info = await engine.call('models.load', { modelId: m.id, contextSize: 512 })
    expect(info).toMatchObject({ modelId: m.id, contextSize: 512, backend: 'cpu' })
    expect((await engine.call('models.list', {})).find((x) => x.id === m.id)!.loaded).toBe(true)
    expect((await engine.call('models.unload', {})).unloaded).toBe(true)
    expect(await engine.call('models.loaded', {})).toBeNull()
  })

  it('refuses a second download of the same model while one runs; a cancelled download resumes', async () => {
    slow = true
    const entry = (await engine.call('models.catalog', {}))[1]
    const { jobId } = await engine.call('models.download', { catalogId: entry.id })
    await expect(engine.call('models.download', { catalogId: entry.id })).rejects.toThrow(/already being downloaded/)
    await nextEvent(engine, (e) => e.type === 'job.update' && e.job.id === jobId && (e.job.detail ?? '').includes('/s'))
    await engine.call('jobs.cancel', { jobId })
    const end = await jobEnd(engine, jobId)
    expect(end.job.status).toBe('cancelled')
    const dest = join(engine.services.paths.modelsDir, entry.hfFile)
    const partSize = statSync(`${dest}.part`).size
    expect(partSize).toBeGreaterThan(0)
    expect(partSize).toBeLessThan(served.length)

    slow = false
    const again = await engine.call('models.download', { catalogId: entry.id })
    expect((await jobEnd(engine, again.jobId)).job.status).toBe('done')
    expect(ranges).toContain(`bytes=${partSize}-`)
    expect(readFileSync(dest).equals(served)).toBe(true)
  })

  it('imports local files after validating them, and removes models (and their file when asked)', async () => {
    await expect(engine.call('models.import', { path: join(tempDir(), 'none.gguf') })).rejects.toThrow(/No file at/)
    const adapter = await writeTestAdapter(await ensureTestModel({ layers: 1, embd: 32, ff: 64 }), join(tempDir(), 'a.gguf'))
    await expect(engine.call('models.import', { path: adapter })).rejects.toThrow(/is a LoRA adapter, not a model/)
    const local = await ensureTestModel({ layers: 1, embd: 32, ff: 64 })
    const imported = await engine.call('models.import', { path: local, name: 'My local model' })
    expect(imported).toMatchObject({ name: 'My local model', source: 'import', path: local })
    // removing an imported model never deletes the user's file outside the data directory
    expect(await engine.call('models.remove', { modelId: imported.id, deleteFile: true })).toMatchObject({ removed: true, fileDeleted: false })
    expect(existsSync(local)).toBe(true)
    const downloaded = (await engine.call('models.list', {})).find((x) => x.source === 'catalog')!
    await engine.call('models.remove', { modelId: downloaded.id, deleteFile: true })
    expect(existsSync(downloaded.path)).toBe(false)
    expect((await engine.call('models.list', {})).map((x) => x.id)).not.toContain(downloaded.id)
    expect(await engine.call('models.remove', { modelId: downloaded.id })).toEqual({ removed: false })
  })
})
