import { existsSync } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { Handlers } from '../contract'
import { UserError } from '../errors'
import { regularFileSize } from '../files'
import type { Services } from '../services'
import { CATALOG, fitCheck } from './catalog'
import { ensureVocabFile, writeDemoModel } from './demo-model'
import { describeProgress, downloadFile, hfUrl } from './download'
import { checkTensorExtents, readGgufHeader } from './gguf-read'
import { GgufError, metaString } from './gguf-types'
import { hyperparameterProblem } from './hparams'
import { deletableModelFile } from './owned-file'
import { chatTemplateProblem } from './template-check'
import { modelsRepo } from './repo'
import { joinStartLoad, lastModelState } from './last-model'
import { lastModelRepo } from './last-model-repo'
import { startModelLoad } from './load-job'

export function modelsHandlers(s: Services): Partial<Handlers> {
  const loadedId = () => s.host.loaded()?.modelId ?? null
  const changed = () => s.events.emit({ type: 'models.changed' })
  /** catalog ids being downloaded: two jobs appending to the same .part file would corrupt it */
  const downloading = new Set<string>()

  async function register(path: string, source: 'catalog' | 'import' | 'generated', name?: string, catalogId: string | null = null) {
    let header
    try {
      header = await readGgufHeader(path)
    } catch (err) {
      if (err instanceof GgufError) throw new UserError(`${basename(path)} is not a usable GGUF model: ${err.message}.`, 'bad_gguf')
      throw new UserError(`Cannot read ${path}: ${(err as Error).message}`, 'not_found')
    }
    const problem = checkTensorExtents(header)
    if (problem) throw new UserError(`${basename(path)} is damaged: ${problem}.`, 'bad_gguf')
    if (metaString(header, 'general.type') === 'adapter') throw new UserError(`${basename(path)} is a LoRA adapter, not a model: import it from Experiments > Adapters.`, 'bad_gguf')
    const insane = hyperparameterProblem(header)
    if (insane) throw new UserError(`${basename(path)} cannot be used: ${insane}. The file is damaged or was converted wrongly; get the model again from its source.`, 'bad_gguf')
    const template = await chatTemplateProblem(header)
    if (template) throw new UserError(`${basename(path)} cannot be used: ${template}. Its chat template is broken or hostile; get the model from another source.`, 'bad_template')
    const m = await modelsRepo.add(s.db, {
      name: name ?? metaString(header, 'general.name') ?? basename(path, '.gguf'),
      path,
      sizeBytes: (await stat(path)).size,
      architecture: metaString(header, 'general.architecture'),
      source,
      catalogId
    })
    changed()
    return m
  }

  return {
    'models.catalog': async ({ contextSize }) => {
      const gpu = await s.host.gpuReport()
      const ctx = contextSize ?? (await s.settings.get()).contextSize
      const models = await modelsRepo.list(s.db, null)
      return CATALOG.map((e) => ({ ...e, fit: fitCheck(e, gpu, ctx), downloaded: models.some((m) => m.catalogId === e.id) }))
    },
    'models.list': async () => modelsRepo.list(s.db, loadedId()),
    'models.download': async ({ catalogId }) => {
      const entry = CATALOG.find((e) => e.id === catalogId)
      if (!entry) throw new UserError(`Unknown catalog model "${catalogId}".`, 'not_found')
      const dest = join(s.paths.modelsDir, entry.hfFile)
      if (downloading.has(entry.id)) throw new UserError(`${entry.name} ${entry.quant} is already being downloaded.`, 'busy')
      downloading.add(entry.id)
      const { id } = s.jobs.start('download', `Downloading ${entry.name} ${entry.quant}`, async (job) => {
        try {
          await downloadFile({
            url: hfUrl(s.options.hfBaseUrl ?? 'https://huggingface.co', entry.hfRepo, entry.hfFile),
            dest,
            signal: job.signal,
            onProgress: (p) => job.progress(p.total ? p.received / p.total : null, describeProgress(p))
          })
        } finally {
          downloading.delete(entry.id) // before the job's end is published, so a retry right after it is accepted
        }
        return register(dest, 'catalog', `${entry.name} ${entry.quant}`, entry.id)
      })
      return { jobId: id }
    },
    'models.import': async ({ path, name }) => {
      const abs = resolve(path) // stored absolute: a relative path would change meaning with the working folder
      await regularFileSize(abs, 'The model')
      return register(abs, 'import', name)
    },
    'models.createDemo': async ({ layers, embd }) => {
      const path = join(s.paths.modelsDir, `autodidact-demo-l${layers}-e${embd}.gguf`)
      if (!existsSync(path)) await writeDemoModel(path, ensureVocabFile(join(s.paths.dataDir, 'cache')), { layers, embd, ff: embd * 2, heads: 4, headsKv: 2 })
      return register(path, 'generated', `Demo model (random weights, ${layers} layers) — for trying the mechanics`)
    },
    'models.remove': async ({ modelId, deleteFile }) => {
      const m = await modelsRepo.get(s.db, modelId)
      if (!m) return { removed: false }
      if (loadedId() === modelId) await s.host.unload()
      await modelsRepo.remove(s.db, modelId)
      await lastModelRepo.forget(s.db, modelId)
      let fileDeleted = false
      let fileKept: string | undefined
      if (deleteFile) {
        const target = await deletableModelFile(m, s.paths.modelsDir)
        if ('kept' in target) fileKept = `The file ${m.path} was kept: ${target.kept}.`
        else {
          await unlink(target.path).catch((err: Error) => (fileKept = `The file ${m.path} could not be deleted: ${err.message}`))
          fileDeleted = !fileKept
        }
      }
      changed()
      return fileKept ? { removed: true, fileDeleted, fileKept } : { removed: true, fileDeleted }
    },
    'models.load': async ({ modelId, contextSize, gpuLayers }) => {
      const m = await modelsRepo.get(s.db, modelId)
      if (!m) throw new UserError('That model is not in the library any more.', 'not_found')
      if (!existsSync(m.path)) throw new UserError(`The model file is missing: ${m.path}. Remove it from the list or import it again.`, 'not_found')
      const starting = joinStartLoad(s, modelId, contextSize)
      if (starting) return starting
      return startModelLoad(s, m, { contextSize, gpuLayers }).done
    },
    'models.unload': async () => {
      const id = loadedId()
      await s.host.unload()
      if (id) s.events.emit({ type: 'model.unloaded', modelId: id })
      changed()
      return { unloaded: Boolean(id) }
    },
    'models.last': async () => lastModelState(s),
    'models.loaded': async () => {
      const l = s.host.loaded()
      if (!l) return null
      const { path: _path, ...info } = l
      return info
    }
  }
}
