import { existsSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { Handlers, RunConfig } from '../contract'
import { UserError } from '../errors'
import { exportAdapter, importAdapter, listAdapters } from '../export/adapter'
import { exportDestination } from '../export/destination'
import { approvedPairs, writePairs } from '../export/pairs'
import { modelsRepo } from '../models/repo'
import type { Services } from '../services'
import { readDataset } from './dataset'
import { buildReport } from './report'
import { experimentsRepo } from './repo'
import { cellsOf, runExperiment } from './runner'

export function experimentsHandlers(s: Services): Partial<Handlers> {
  // runs that were going when the app stopped become interrupted; every handler waits for this first
  const ready = experimentsRepo.markInterrupted(s.db)
  const active = new Set<string>()

  function startJob(runId: string, label: string): string {
    active.add(runId)
    const { id, done } = s.jobs.start('experiment', label, (job) => runExperiment(s, runId, job))
    done.finally(() => active.delete(runId)).catch(() => undefined)
    return id
  }

  return {
    'datasets.list': async () => {
      await ready
      return experimentsRepo.datasets(s.db)
    },
    'datasets.import': async ({ path, name }) => {
      await ready
      const p = resolve(path)
      if (!existsSync(p)) throw new UserError(`No file or folder at ${p}.`, 'not_found')
      const parsed = await readDataset(p)
      if (parsed.files.length === 0) throw new UserError(`${p} holds no .jsonl file.`, 'invalid')
      if (parsed.items.length === 0) {
        const first = parsed.errors[0]
        throw new UserError(
          `No valid item in ${basename(p)} (${parsed.errors.length} lines rejected${first ? `, e.g. ${first.file ? `${first.file} ` : ''}line ${first.line}: ${first.message}` : ''}). See docs/experiments.md for the format.`,
          'invalid'
        )
      }
      return experimentsRepo.addDataset(s.db, name ?? basename(p), p, parsed)
    },
    'experiments.start': async (input) => {
      await ready
      const ds = await experimentsRepo.dataset(s.db, input.datasetId)
      if (!ds) throw new UserError('No such dataset: import it first (datasets.import).', 'not_found')
      if (!(await modelsRepo.get(s.db, input.modelId))) throw new UserError(`No model "${input.modelId}" in the library: import or download it first.`, 'not_found')
      if (input.teacherModelId && !(await modelsRepo.get(s.db, input.teacherModelId))) throw new UserError(`No teacher model "${input.teacherModelId}" in the library: import it first.`, 'not_found')
      const settings = await s.settings.get()
      if (input.methods.includes('tt-d') && !input.teacherModelId && settings.teacher.kind === 'none' && !s.options.augmentOverride) {
        throw new UserError('TT-D needs a teacher: pass a teacher model (teacherModelId, a GGUF in the library) or set a teacher in Settings (local GGUF or an OpenAI-compatible endpoint), or leave tt-d out.', 'no_teacher')
      }
      const config: RunConfig = {
        datasetId: input.datasetId, modelId: input.modelId, methods: [...new Set(input.methods)], taus: [...new Set(input.taus)], seeds: [...new Set(input.seeds)],
        limit: input.limit, k: input.k, teacherModelId: input.teacherModelId, keepAdapters: input.keepAdapters, maxTokens: input.maxTokens
      }
      const items = Math.min(ds.items, config.limit ?? ds.items)
      const runId = await experimentsRepo.addRun(s.db, config, items * cellsOf(config).length)
      return { runId, jobId: startJob(runId, `Experiment on ${ds.name} (${config.methods.join(', ')})`) }
    },
    'experiments.list': async () => {
      await ready
      return experimentsRepo.runs(s.db)
    },
    'experiments.get': async ({ id }) => {
      await ready
      const run = await experimentsRepo.run(s.db, id)
      if (!run) throw new UserError('No such experiment run.', 'not_found')
      const report = buildReport(run, await experimentsRepo.runItems(s.db, id), await experimentsRepo.dataset(s.db, run.config.datasetId), await modelsRepo.get(s.db, run.config.modelId))
      return { ...run, report }
    },
    'experiments.resume': async ({ id }) => {
      await ready
      const run = await experimentsRepo.run(s.db, id)
      if (!run) throw new UserError('No such experiment run.', 'not_found')
      if (active.has(id)) throw new UserError('This run is going already.', 'invalid_state')
      if (run.status === 'done') throw new UserError('This run is finished: start a new one to run it again.', 'invalid_state')
      return { jobId: startJob(id, `Experiment ${id} (resumed at ${run.done}/${run.total})`) }
    },
    'export.pairs': async ({ format, path, roundIds, overwrite }) => {
      await ready
      const dest = await exportDestination(s, path, overwrite)
      const pairs = await approvedPairs(s.db, roundIds)
      if (pairs.length === 0) throw new UserError('There is no approved pair to export yet: approve generated examples in Review first.', 'empty')
      return { path: dest, count: await writePairs(dest, pairs, format) }
    },
    'export.adapter': async ({ roundId, path, overwrite }) => {
      await ready
      return exportAdapter(s, roundId, await exportDestination(s, path, overwrite, { ext: '.gguf', companion: '.md' }))
    },
    'adapters.import': async ({ path, name }) => {
      await ready
      return { adapterId: (await importAdapter(s, resolve(path), name)).id }
    },
    'adapters.list': async () => {
      await ready
      return listAdapters(s)
    }
  }
}
