import { existsSync } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { copyFileAtomic, writeFileAtomic } from '../atomic-file'
import type { AdapterInfo } from '../contract'
import { UserError } from '../errors'
import { checkAdapter } from '../models/adapter-check'
import { readGgufHeader } from '../models/gguf-read'
import { metaString } from '../models/gguf-types'
import { modelsRepo } from '../models/repo'
import { roundsRepo } from '../rounds/repo'
import { newId } from '../storage/json'
import type { Services } from '../services'
import { modelCard } from './card'

/** Copies a round's adapter to `path` (a .gguf) and writes its model card beside it (<name>.md). */
export async function exportAdapter(s: Services, roundId: string, path: string): Promise<{ path: string; cardPath: string }> {
  const round = await roundsRepo.get(s.db, roundId)
  if (!round) throw new UserError('No such round.', 'not_found')
  const src = round.training?.adapterPath
  if (!src) throw new UserError('This round trained no adapter (TT-ICL rounds and rounds without approved pairs have none).', 'not_found')
  if (!existsSync(src)) throw new UserError('The adapter file of this round was removed (adapters are discarded unless kept): keep the adapter of a round to export it.', 'not_found')
  const dest = path.endsWith('.gguf') ? path : `${path}.gguf`
  await mkdir(dirname(dest), { recursive: true })
  await copyFileAtomic(src, dest)
  const run = await s.db.get<{ run_id: string; method: string; exact: number; item_idx: number; tau: number; seed: number }>(
    'SELECT run_id, method, exact, item_idx, tau, seed FROM run_items WHERE round_id = ?', [roundId]
  )
  const base = run
    ? await s.db.get<{ exact: number }>("SELECT exact FROM run_items WHERE run_id = ? AND method = 'baseline' AND item_idx = ? AND seed = ? ORDER BY tau = ? DESC", [run.run_id, run.item_idx, run.seed, run.tau])
    : undefined
  const cardPath = dest.replace(/\.gguf$/, '.md')
  const card = modelCard({
    round,
    examples: await roundsRepo.examples(s.db, roundId),
    model: await modelsRepo.get(s.db, round.modelId),
    adapterFile: basename(dest),
    experiment: run ? { runId: run.run_id, method: run.method, exact: !!run.exact, baselineExact: base ? !!base.exact : null } : null
  })
  await writeFileAtomic(cardPath, card)
  return { path: dest, cardPath }
}

/** Validates an adapter against the loaded model (refusing clearly when it does not fit), then copies it into the library. */
export async function importAdapter(s: Services, path: string, name?: string): Promise<AdapterInfo> {
  if (!existsSync(path)) throw new UserError(`No file at ${path}.`, 'not_found')
  const loaded = s.host.loaded()
  if (!loaded) throw new UserError('Load the base model first: an adapter is checked against the model it will be used with.', 'no_model')
  const model = await readGgufHeader(loaded.path)
  const problem = await checkAdapter(path, model)
  if (problem) throw new UserError(`${basename(path)} does not fit the loaded model: ${problem}.`, 'adapter_mismatch')
  const header = await readGgufHeader(path)
  const id = newId('adapter')
  const dest = join(s.paths.adaptersDir, `imported-${id}.gguf`)
  await copyFileAtomic(path, dest)
  const info: AdapterInfo = {
    id, name: name ?? metaString(header, 'general.name') ?? basename(path, '.gguf'), path: dest, sourcePath: path, modelId: loaded.modelId,
    architecture: metaString(header, 'general.architecture'), sizeBytes: (await stat(dest)).size, createdAt: Date.now()
  }
  await s.db.run('INSERT INTO adapters (id, name, path, source_path, model_id, architecture, size_bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    info.id, info.name, info.path, info.sourcePath, info.modelId, info.architecture, info.sizeBytes, info.createdAt
  ])
  return info
}

export async function listAdapters(s: Services): Promise<AdapterInfo[]> {
  const rows = await s.db.all<{ id: string; name: string; path: string; source_path: string; model_id: string | null; architecture: string | null; size_bytes: number; created_at: number }>(
    'SELECT * FROM adapters ORDER BY created_at DESC'
  )
  return rows.map((r) => ({ id: r.id, name: r.name, path: r.path, sourcePath: r.source_path, modelId: r.model_id, architecture: r.architecture, sizeBytes: r.size_bytes, createdAt: r.created_at }))
}
