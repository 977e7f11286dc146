import { existsSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { EXPERIMENT_MAX_TOKENS, type ExperimentMethod, type RunConfig, type Settings, type ToolCall, type UncertaintySummary } from '../contract'
import { respond } from '../chat/respond'
import { isAbort, toWireError, UserError } from '../errors'
import type { JobHandle } from '../jobs/types'
import { modelsRepo } from '../models/repo'
import { runRound } from '../rounds/engine'
import { roundsRepo } from '../rounds/repo'
import type { Services } from '../services'
import { itemPrompt, itemScoring, type DatasetItem } from './dataset'
import { experimentsRepo, type RunItem } from './repo'
import { scoreCalls } from './score'
import { acquireContext } from '../trainer/lease'

export interface Cell {
  method: ExperimentMethod
  tau: number
  seed: number
}
/** The base model's answer to an item: computed once per item, shared by every (method, tau, seed). */
interface BaseAnswer {
  prompt: ReturnType<typeof itemPrompt>
  calls: ToolCall[]
  text: string
  answerPrompt: string
  tokens: NonNullable<Awaited<ReturnType<typeof respond>>['answer']['tokens']>
  uncertainty: UncertaintySummary
  answerMs: number
}
export interface RunStats {
  /** items whose base answer was computed in this call (a resumed run skips finished ones) */
  baseAnswers: number
  cells: number
  rounds: number
}

export const cellsOf = (c: Pick<RunConfig, 'methods' | 'taus' | 'seeds'>): Cell[] =>
  c.methods.flatMap((method) => c.taus.flatMap((tau) => c.seeds.map((seed) => ({ method, tau, seed }))))
const key = (c: Cell, idx: number) => `${c.method}|${c.tau}|${c.seed}|${idx}`

/** The Services a round sees for one cell: the run's tau, K, seed, token limit and auto-approval instead of the user's settings. */
function cellServices(s: Services, base: Settings, cell: Cell, config: RunConfig): Services {
  const { k, teacherModelId } = config
  const settings: Settings = {
    ...base,
    tau: cell.tau,
    k,
    maxAnswerTokens: config.maxTokens ?? EXPERIMENT_MAX_TOKENS,
    estimator: 'rss',
    reviewPolicy: 'auto-approve-valid',
    adaptationMode: cell.method === 'tt-icl' ? 'tt-icl' : 'per-query',
    lora: { ...base.lora, seed: cell.seed },
    teacher: cell.method !== 'tt-d' ? { kind: 'none' } : teacherModelId ? { kind: 'local', modelId: teacherModelId } : base.teacher
  }
  return { ...s, settings: { get: async () => settings, update: (p) => s.settings.update(p), teacherApiKey: () => s.settings.teacherApiKey() } }
}

async function ensureModel(s: Services, modelId: string, signal: AbortSignal): Promise<void> {
  if (s.host.loaded()?.modelId === modelId) return
  const m = await modelsRepo.get(s.db, modelId)
  if (!m) throw new UserError(`The run's model (${modelId}) is not in the library any more: import it again to continue.`, 'not_found')
  if (!existsSync(m.path)) throw new UserError(`The run's model file is missing: ${m.path}.`, 'not_found')
  const info = await s.host.load(m.id, m.path, { signal, contextSize: (await s.settings.get()).contextSize })
  s.events.emit({ type: 'model.loaded', model: info })
}

async function baseAnswer(s: Services, item: DatasetItem, settings: Settings, maxTokens: number, signal: AbortSignal): Promise<BaseAnswer> {
  const prompt = itemPrompt(item)
  const lease = await acquireContext(s, { signal })
  try {
    const r = await respond({
      lease,
      profile: { systemPrompt: prompt.systemPrompt, tools: item.tools },
      history: prompt.history,
      query: prompt.query,
      settings: { estimator: 'rss', tau: 1, rssNormalize: settings.rssNormalize, rssCandidates: settings.rssCandidates, rssSamples: settings.rssSamples },
      maxTokens,
      signal
    })
    if (signal.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' })
    return {
      prompt,
      calls: r.answer.call ? [r.answer.call] : [],
      text: r.answer.text,
      answerPrompt: r.answer.prompt,
      tokens: r.answer.tokens,
      uncertainty: r.uncertainty,
      answerMs: r.answer.ms
    }
  } finally {
    lease.release()
  }
}

/** TT-SI / TT-D / TT-ICL for one flagged item: a persisted round (auto-approve-valid), then the adapter is discarded. */
async function adaptedAnswer(s: Services, config: RunConfig, runId: string, item: DatasetItem, base: BaseAnswer, cell: Cell, settings: Settings, job: JobHandle, onRound: (id: string) => void) {
  const sx = cellServices(s, settings, cell, config)
  const t = (await sx.settings.get()).teacher
  const teacher = t.kind === 'http' ? t.model : t.kind === 'local' ? t.modelId : null
  const round = await roundsRepo.create(s.db, {
    conversationId: null, messageId: null, profileId: null, modelId: config.modelId,
    profile: { name: `Experiment ${runId} · ${item.id}`, systemPrompt: base.prompt.systemPrompt, tools: item.tools },
    query: base.prompt.query, history: base.prompt.history, mode: cell.method === 'tt-icl' ? 'tt-icl' : 'per-query', teacher, stage: 'augmentation',
    uncertainty: { ...base.uncertainty, tau: cell.tau, uncertain: true },
    before: { text: base.text, call: base.calls[0] ?? null, tokens: base.tokens, prompt: base.answerPrompt },
    prompts: [{ stage: 'answer', prompt: base.answerPrompt }]
  })
  onRound(round.id)
  // the round reports into the experiment's job without overwriting its progress
  await runRound(sx, round.id, { id: job.id, signal: job.signal, progress: () => undefined }, await sx.settings.get())
  const r = (await roundsRepo.get(s.db, round.id))!
  if (!config.keepAdapters && r.training?.adapterPath && existsSync(r.training.adapterPath)) {
    await unlink(r.training.adapterPath) // TT-SI resets to the base model after each input
    await roundsRepo.update(s.db, round.id, { training: { ...r.training, adapterKept: false } })
  } else if (r.training?.adapterPath) await roundsRepo.update(s.db, round.id, { training: { ...r.training, adapterKept: true } })
  return { calls: r.after ? (r.after.call ? [r.after.call] : []) : base.calls }
}

/**
 * Runs (or resumes) an experiment: for every item, the base answer and its RSS margin once, then each
 * (method, tau, seed) cell not yet finished. Each finished cell is one committed row, so a crash or a
 * cancel loses at most the cell in progress. Items whose answer fails are recorded with the error.
 */
export async function runExperiment(s: Services, runId: string, job: JobHandle): Promise<RunStats> {
  const run = await experimentsRepo.run(s.db, runId)
  if (!run) throw new UserError('No such experiment run.', 'not_found')
  const config = run.config
  const stats: RunStats = { baseAnswers: 0, cells: 0, rounds: 0 }
  try {
    await experimentsRepo.setStatus(s.db, runId, 'running')
    const items = await experimentsRepo.items(s.db, config.datasetId, config.limit)
    const cells = cellsOf(config)
    const finished = new Set((await experimentsRepo.runItems(s.db, runId)).map((i) => key(i, i.itemIdx)))
    const total = run.total
    let done = finished.size
    const report = (c: Cell) => {
      s.events.emit({ type: 'experiment.progress', runId, done, total })
      job.progress(total ? done / total : null, `${done}/${total} · ${c.method} tau ${c.tau} seed ${c.seed}`)
    }
    await ensureModel(s, config.modelId, job.signal)
    for (let idx = 0; idx < items.length; idx++) {
      const item = items[idx]
      const todo = cells.filter((c) => !finished.has(key(c, idx)))
      if (!todo.length) continue
      const settings = await s.settings.get()
      let base: BaseAnswer | null = null
      let baseError: string | null = null
      try {
        base = await baseAnswer(s, item, settings, config.maxTokens ?? EXPERIMENT_MAX_TOKENS, job.signal)
        stats.baseAnswers++
      } catch (err) {
        if (job.signal.aborted || isAbort(err)) throw err
        baseError = toWireError(err).message
      }
      for (const cell of todo) {
        if (job.signal.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' })
        const row = await runCell(s, config, runId, item, idx, base, baseError, cell, settings, job, stats)
        await s.db.transaction((tx) => experimentsRepo.addItem(tx, runId, row))
        finished.add(key(cell, idx))
        done++
        stats.cells++
        report(cell)
      }
    }
    await experimentsRepo.setStatus(s.db, runId, 'done')
    return stats
  } catch (err) {
    const cancelled = job.signal.aborted || isAbort(err)
    await experimentsRepo.setStatus(s.db, runId, cancelled ? 'cancelled' : 'failed', cancelled ? 'cancelled: resume to continue with the unfinished items' : toWireError(err).message)
    throw err
  }
}

async function runCell(
  s: Services, config: RunConfig, runId: string, item: DatasetItem, idx: number, base: BaseAnswer | null, baseError: string | null,
  cell: Cell, settings: Settings, job: JobHandle, stats: RunStats
): Promise<Omit<RunItem, 'createdAt'>> {
  const row = { ...cell, itemIdx: idx, itemId: item.id, source: item.source }
  if (!base) {
    return { ...row, prediction: null, exact: false, nameOnly: false, firstCall: false, flagged: false, margin: null, roundId: null, reason: null, error: baseError, ms: 0 }
  }
  const margin = base.uncertainty.margin
  const flagged = margin < cell.tau
  let calls = base.calls
  let ms = cell.method === 'baseline' ? base.answerMs : base.answerMs + base.uncertainty.ms
  let roundId: string | null = null
  let error: string | null = null
  if (cell.method !== 'baseline' && flagged) {
    const t0 = performance.now()
    try {
      const r = await adaptedAnswer(s, config, runId, item, base, cell, settings, job, (id) => (roundId = id))
      stats.rounds++
      calls = r.calls
    } catch (err) {
      if (job.signal.aborted || isAbort(err)) throw err
      error = toWireError(err).message
      calls = []
    }
    ms += performance.now() - t0
  }
  const sc = scoreCalls(calls, item.expected, itemScoring(item))
  return { ...row, prediction: calls, exact: sc.exact, nameOnly: sc.nameOnly, firstCall: sc.firstCall, flagged, margin, roundId, reason: sc.reason, error, ms }
}
