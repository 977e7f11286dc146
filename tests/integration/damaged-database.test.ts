import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EngineEvent } from '../../src/core/contract'
import { createEngine } from '../../src/core/engine'
import { tempDir } from '../fixtures/engine'

const open = (dataDir: string) => createEngine({ dataDir, gpu: 'cpu', threads: 1 })

describe('a damaged database (issue 13 item 11)', () => {
  it('the engine starts degraded on it, says so, and moving it aside from the contract starts fresh in the same process', async () => {
    const dir = tempDir('damaged-db-')
    const dbFile = join(dir, 'autodidact.db')
    const garbage = Buffer.alloc(16384, 0x5a)
    writeFileSync(dbFile, garbage)
    const engine = await open(dir)
    let movedTo = ''
    try {
      // degraded: the health says what is wrong and where; every other method answers the same, clearly
      const status = await engine.call('system.status', {})
      expect(status).toMatchObject({ database: 'damaged', dbFile, movedAsideTo: null })
      expect(status.problem).toContain(`The database ${dbFile} is damaged`)
      expect(status.problem).toMatch(/Move it aside and start fresh.*restore it from a backup/)
      for (const method of ['system.info', 'settings.get', 'conversations.list', 'rounds.list', 'models.list', 'jobs.list', 'export.pairs'] as const) {
        const input = method === 'export.pairs' ? { format: 'openai', path: 'x.jsonl' } : {}
        const err = (await engine.call(method, input as never).catch((e: unknown) => e)) as { code?: string; message?: string }
        expect({ method, code: err.code }).toEqual({ method, code: 'db_corrupt' })
        expect(err.message).toContain(dbFile)
      }
      expect(readFileSync(dbFile)).toEqual(garbage) // nothing was changed

      const events: EngineEvent[] = []
      engine.onEvent((e) => events.push(e))
      const r = await engine.call('system.moveDamagedDbAside', {})
      movedTo = r.movedTo
      expect(movedTo).toMatch(/autodidact\.db\.damaged-/)
      expect(readFileSync(movedTo)).toEqual(garbage) // kept, renamed
      expect(r.status).toEqual({ database: 'ok', dbFile, problem: null, movedAsideTo: movedTo })
      expect(events).toContainEqual({ type: 'system.status', status: r.status })

      // the engine works now, on a fresh database
      expect(await engine.call('conversations.list', {})).toEqual([])
      const conv = await engine.call('conversations.create', { title: 'after the move' })
      expect((await engine.call('settings.update', { tau: 0.7 })).tau).toBe(0.7)
      expect((await engine.call('system.info', {})).dataDir).toBe(dir)
      expect((await engine.call('conversations.list', {})).map((c) => c.id)).toEqual([conv.id])
      // never twice, never on a good database
      const again = (await engine.call('system.moveDamagedDbAside', {}).catch((e: unknown) => e)) as { code?: string; message?: string }
      expect(again.code).toBe('invalid_state')
      expect(again.message).toMatch(/is not damaged: there is nothing to move aside/)
    } finally {
      await engine.close()
    }
    // what was written after the move is there at the next start; the damaged file is still kept
    const next = await open(dir)
    try {
      expect((await next.call('system.status', {})).database).toBe('ok')
      expect((await next.call('conversations.list', {})).map((c) => c.title)).toEqual(['after the move'])
      expect((await next.call('settings.get', {})).tau).toBe(0.7)
    } finally {
      await next.close()
    }
    expect(existsSync(movedTo)).toBe(true)
  })
})
