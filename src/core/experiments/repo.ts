import type { DatasetInfo, ExperimentMethod, MethodMetrics, RunConfig, RunInfo, ToolCall } from '../contract'
import { fromJson, newId } from '../storage/json'
import type { Db } from '../storage/types'
import type { DatasetItem, ParsedDataset } from './dataset'

interface DatasetRow { id: string; name: string; path: string; items: number; lines: number; blank: number; errors: string; files: string; created_at: number }
interface RunRow { id: string; dataset_id: string; model_id: string; config: string; status: RunInfo['status']; error: string | null; total: number; created_at: number; updated_at: number }

/** One finished (method, tau, seed, item) cell of a run. */
export interface RunItem {
  method: ExperimentMethod
  tau: number
  seed: number
  itemIdx: number
  itemId: string
  source: string
  prediction: ToolCall[] | null
  exact: boolean
  nameOnly: boolean
  firstCall: boolean
  flagged: boolean
  margin: number | null
  roundId: string | null
  reason: string | null
  error: string | null
  ms: number
  createdAt: number
}
interface ItemRow {
  method: ExperimentMethod; tau: number; seed: number; item_idx: number; item_id: string; source: string; prediction: string | null; exact: number
  name_only: number; first_call: number; flagged: number; margin: number | null; round_id: string | null; reason: string | null; error: string | null; ms: number; created_at: number
}

const toDataset = (r: DatasetRow): DatasetInfo => ({
  id: r.id, name: r.name, path: r.path, items: r.items, errors: fromJson(r.errors) ?? [], createdAt: r.created_at,
  lines: r.lines, rejected: r.lines - r.items, blank: r.blank, files: fromJson(r.files) ?? []
})
const toItem = (r: ItemRow): RunItem => ({
  method: r.method, tau: r.tau, seed: r.seed, itemIdx: r.item_idx, itemId: r.item_id, source: r.source, prediction: fromJson(r.prediction),
  exact: !!r.exact, nameOnly: !!r.name_only, firstCall: !!r.first_call, flagged: !!r.flagged, margin: r.margin, roundId: r.round_id,
  reason: r.reason, error: r.error, ms: r.ms, createdAt: r.created_at
})

export const experimentsRepo = {
  async addDataset(db: Db, name: string, path: string, d: ParsedDataset): Promise<DatasetInfo> {
    const id = newId('ds')
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO datasets (id, name, path, items, lines, blank, errors, files, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        id, name, path, d.items.length, d.lines, d.blank, JSON.stringify(d.errors), JSON.stringify(d.files), Date.now()
      ])
      for (let i = 0; i < d.items.length; i++) {
        await tx.run('INSERT INTO dataset_items (dataset_id, idx, item_id, source, item) VALUES (?, ?, ?, ?, ?)', [id, i, d.items[i].id, d.items[i].source, JSON.stringify(d.items[i])])
      }
    })
    return (await experimentsRepo.dataset(db, id))!
  },
  async dataset(db: Db, id: string): Promise<DatasetInfo | null> {
    const r = await db.get<DatasetRow>('SELECT * FROM datasets WHERE id = ?', [id])
    return r ? toDataset(r) : null
  },
  async datasets(db: Db): Promise<DatasetInfo[]> {
    return (await db.all<DatasetRow>('SELECT * FROM datasets ORDER BY created_at DESC')).map(toDataset)
  },
  async items(db: Db, datasetId: string, limit: number | null): Promise<DatasetItem[]> {
    const rows = await db.all<{ item: string }>(`SELECT item FROM dataset_items WHERE dataset_id = ? ORDER BY idx${limit ? ' LIMIT ?' : ''}`, limit ? [datasetId, limit] : [datasetId])
    return rows.map((r) => JSON.parse(r.item) as DatasetItem)
  },
  async addRun(db: Db, config: RunConfig, total: number): Promise<string> {
    const id = newId('run')
    const now = Date.now()
    await db.run('INSERT INTO runs (id, dataset_id, model_id, config, status, total, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      id, config.datasetId, config.modelId, JSON.stringify(config), 'running', total, now, now
    ])
    return id
  },
  async setStatus(db: Db, id: string, status: RunInfo['status'], error: string | null = null): Promise<void> {
    await db.run('UPDATE runs SET status = ?, error = ?, updated_at = ? WHERE id = ?', [status, error, Date.now(), id])
  },
  /** Runs that were running when the process stopped become interrupted (resumable). */
  async markInterrupted(db: Db): Promise<number> {
    return (await db.run("UPDATE runs SET status = 'interrupted', error = 'the app stopped while this run was going', updated_at = ? WHERE status = 'running'", [Date.now()])).changes
  },
  async addItem(db: Db, runId: string, it: Omit<RunItem, 'createdAt'>): Promise<void> {
    await db.run(
      `INSERT INTO run_items (run_id, method, tau, seed, item_idx, item_id, source, prediction, exact, name_only, first_call, flagged, margin, round_id,
        reason, error, ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [runId, it.method, it.tau, it.seed, it.itemIdx, it.itemId, it.source, it.prediction ? JSON.stringify(it.prediction) : null, +it.exact, +it.nameOnly,
        +it.firstCall, +it.flagged, it.margin, it.roundId, it.reason, it.error, it.ms, Date.now()]
    )
  },
  async runItems(db: Db, runId: string): Promise<RunItem[]> {
    return (await db.all<ItemRow>('SELECT * FROM run_items WHERE run_id = ? ORDER BY item_idx, method, tau, seed', [runId])).map(toItem)
  },
  async metrics(db: Db, runId: string): Promise<MethodMetrics[]> {
    const rows = await db.all<{ method: ExperimentMethod; tau: number; seed: number; n: number; exact: number; name_only: number; first_call: number; flagged: number; errors: number; ms: number }>(
      `SELECT method, tau, seed, COUNT(*) AS n, SUM(exact) AS exact, SUM(name_only) AS name_only, SUM(first_call) AS first_call, SUM(flagged) AS flagged,
        SUM(error IS NOT NULL) AS errors, AVG(ms) AS ms FROM run_items WHERE run_id = ? GROUP BY method, tau, seed ORDER BY method, tau, seed`,
      [runId]
    )
    return rows.map((r) => ({
      method: r.method, tau: r.tau, seed: r.seed, items: r.n, exact: r.exact / r.n, nameOnly: r.name_only / r.n, firstCall: r.first_call / r.n,
      flaggedShare: r.flagged / r.n, errors: r.errors, msPerItem: r.ms
    }))
  },
  async run(db: Db, id: string): Promise<RunInfo | null> {
    const r = await db.get<RunRow & { done: number }>('SELECT r.*, (SELECT COUNT(*) FROM run_items i WHERE i.run_id = r.id) AS done FROM runs r WHERE r.id = ?', [id])
    if (!r) return null
    return {
      id: r.id, config: JSON.parse(r.config) as RunConfig, status: r.status, done: r.done, total: r.total, metrics: await experimentsRepo.metrics(db, id),
      error: r.error, createdAt: r.created_at, updatedAt: r.updated_at
    }
  },
  async runs(db: Db): Promise<RunInfo[]> {
    const ids = await db.all<{ id: string }>('SELECT id FROM runs ORDER BY created_at DESC LIMIT 200')
    const out: RunInfo[] = []
    for (const { id } of ids) out.push((await experimentsRepo.run(db, id))!)
    return out
  }
}
