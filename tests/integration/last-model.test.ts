import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LastModelState } from '../../src/core/contract'
import { createEngine, type Engine } from '../../src/core/engine'
import { lastModelRepo } from '../../src/core/models/last-model-repo'
import type { EngineOptions } from '../../src/core/services'
import { tempDir } from '../fixtures/engine'
import { ensureTestModel } from '../fixtures/test-models'

/** The model used last is remembered by the engine and loaded when it starts again on the same data folder. */
describe.sequential('the last model used, loaded at start', () => {
  const dataDir = tempDir('last-model-')
  const modelPath = join(dataDir, 'tiny.gguf') // a copy the test may remove or damage
  let modelId = ''
  const open: Engine[] = []
  const start = async (opts: Partial<EngineOptions> = {}) => {
    const e = await createEngine({ dataDir, gpu: 'cpu', threads: 1, ...opts })
    open.push(e)
    return e
  }
  const stop = async () => {
    for (const e of open.splice(0)) await e.close()
  }
  /** models.last once the start has settled what to do with the last model */
  const settled = async (e: Engine): Promise<LastModelState> => {
    await expect.poll(async () => (await e.call('models.last', {})).atStart, { timeout: 60_000 }).not.toBe('loading')
    return e.call('models.last', {})
  }
  afterEach(stop)

  beforeAll(async () => {
    copyFileSync(await ensureTestModel(), modelPath)
    const e = await start()
    expect(await e.call('models.last', {})).toEqual({ model: null, atStart: 'none', message: null, jobId: null })
    modelId = (await e.call('models.import', { path: modelPath })).id
    await e.call('models.load', { modelId, contextSize: 512 })
    expect((await e.call('models.last', {})).model).toEqual({ id: modelId, name: expect.any(String), path: modelPath })
    await stop()
  }, 120_000)

  it('a restart loads it again, as a load job with progress and the same context size', async () => {
    const e = await start()
    const last = await settled(e)
    expect(last).toMatchObject({ model: { id: modelId }, atStart: 'loaded', message: null })
    expect((await e.call('system.info', {})).loadedModelId).toBe(modelId)
    expect((await e.call('models.loaded', {}))?.contextSize).toBe(512)
    const job = (await e.call('jobs.list', {})).find((j) => j.id === last.jobId)
    expect(job).toMatchObject({ kind: 'model.load', status: 'done', progress: 1 })
    expect(await lastModelRepo.loadingAtStart(e.services.db)).toBeNull()
  }, 120_000)

  it('a models.load of the same model during the start waits for the start load instead of loading twice', async () => {
    const e = await start()
    await e.call('models.load', { modelId, contextSize: 512 })
    await settled(e)
    expect((await e.call('jobs.list', {})).filter((j) => j.kind === 'model.load')).toHaveLength(1)
    expect((await e.call('system.info', {})).loadedModelId).toBe(modelId)
  }, 120_000)

  it('the CLI and the setting turned off only remember it', async () => {
    const cli = await start({ shell: 'cli' })
    expect(await settled(cli)).toMatchObject({ model: { id: modelId }, atStart: 'off', message: null })
    expect((await cli.call('system.info', {})).loadedModelId).toBeNull()
    await cli.call('settings.update', { loadLastModel: false })
    await stop()
    const e = await start()
    expect(await settled(e)).toMatchObject({ model: { id: modelId }, atStart: 'off' })
    expect((await e.call('jobs.list', {})).filter((j) => j.kind === 'model.load')).toEqual([])
    await e.call('settings.update', { loadLastModel: true })
  }, 120_000)

  it('a missing or damaged file: the engine starts without a model and says why and what to do', async () => {
    renameSync(modelPath, `${modelPath}.away`)
    try {
      const e = await start()
      const last = await settled(e)
      expect(last.atStart).toBe('failed')
      expect(last.message).toContain('its file is gone')
      expect(last.message).toContain(modelPath)
      expect(last.message).toMatch(/in Models/)
      expect((await e.call('system.info', {})).loadedModelId).toBeNull()
      expect(await e.call('conversations.list', {})).toEqual([]) // the engine works
      await stop()
    } finally {
      renameSync(`${modelPath}.away`, modelPath)
    }
    const good = readFileSync(modelPath)
    writeFileSync(modelPath, good.subarray(0, Math.floor(good.length / 2))) // an interrupted copy
    try {
      const e = await start()
      const last = await settled(e)
      expect(last.atStart).toBe('failed')
      expect(last.message).toMatch(/could not be loaded: .*damaged/)
      expect((await e.call('system.info', {})).loadedModelId).toBeNull()
      expect(await lastModelRepo.loadingAtStart(e.services.db)).toBeNull()
    } finally {
      await stop()
      writeFileSync(modelPath, good)
    }
  }, 120_000)

  it('a start that died while loading it: the next start does not try again blindly, the one after does', async () => {
    const e = await start({ loadLastModel: false })
    await lastModelRepo.setLoadingAtStart(e.services.db, modelId) // what a start killed mid-load leaves behind
    await stop()
    const after = await start()
    const last = await settled(after)
    expect(last.atStart).toBe('skipped')
    expect(last.message).toMatch(/never finished/)
    expect((await after.call('system.info', {})).loadedModelId).toBeNull()
    await stop()
    expect(await settled(await start())).toMatchObject({ atStart: 'loaded' })
  }, 120_000)

  it('closing the engine while it loads at start cancels the load cleanly; a removed model is forgotten', async () => {
    await stop()
    await start()
    await stop() // at once: the start's load is cancelled, and its 'loading' mark cleared (else the next start would skip it)
    const e = await start()
    expect(await settled(e)).toMatchObject({ atStart: 'loaded' })
    await e.call('models.remove', { modelId })
    expect(await e.call('models.last', {})).toMatchObject({ model: null })
  }, 120_000)
})
