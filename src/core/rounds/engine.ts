import type { RoundStage, RoundStatus, Settings } from '../contract'
import { isAbort, toWireError, UserError } from '../errors'
import type { JobHandle, JobManager } from '../jobs/types'
import type { Services } from '../services'
import type { Db } from '../storage/types'
import { noValidExamplesMessage } from './outcome'
import { roundProgress } from './progress'
import { writeRoundEnd } from './end-journal'
import { roundsRepo, type RoundPatch } from './repo'
import { answerStage, augmentationStage, trainingExamples, trainingStage, uncertaintyStage } from './stages'

async function pendingCount(s: Services): Promise<number> {
  return (await s.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM examples WHERE status = 'pending'"))!.n
}

/**
 * Runs a round from the stage it is at to the next point where it must wait (review) or ends (done,
 * failed). Every transition is one transaction; a crash leaves the last completed stage, so `resume`
 * continues from there. Cancelling marks the round interrupted (resumable); approved pairs are never lost.
 */
export async function runRound(s: Services, roundId: string, roundJob: JobHandle, overrides: Partial<Settings> = {}): Promise<void> {
  const settings = { ...(await s.settings.get()), ...overrides }
  const load = async () => (await roundsRepo.get(s.db, roundId))!
  let round = await load()
  const job = roundProgress(s, roundId, roundJob, () => round.stage)
  const move = async (stage: RoundStage, status: RoundStatus, patch: RoundPatch = {}, stageMs?: [string, number]) => {
    const timings = stageMs ? { ...round.timings, [stageMs[0]]: Math.round(stageMs[1]) } : round.timings
    job.stageChanged()
    await roundsRepo.update(s.db, roundId, { error: null, ...patch, stage, status, timings })
    round = await load()
    s.events.emit({ type: 'round.update', roundId, status, stage, ...(patch.error ? { detail: patch.error } : {}) })
  }
  try {
    await move(round.stage, round.stage === 'training' ? 'training' : 'running')
    if (round.stage === 'uncertainty') {
      const t0 = performance.now()
      const r = await uncertaintyStage(s, round, settings, job)
      await move('augmentation', 'running', { before: r.before, uncertainty: r.uncertainty, prompts: [...round.prompts, { stage: 'answer', prompt: r.prompt }] }, ['uncertainty', performance.now() - t0])
    }
    if (round.stage === 'augmentation') {
      const t0 = performance.now()
      job.progress(null, 'writing similar examples')
      const r = await augmentationStage(s, round, settings, job)
      await s.db.transaction(async (tx) => {
        for (const e of r.examples) await roundsRepo.addExample(tx, e)
        await roundsRepo.update(tx, roundId, { stage: 'review', prompts: [...round.prompts, { stage: 'augmentation', prompt: r.prompt }], timings: { ...round.timings, augmentation: Math.round(performance.now() - t0) } })
      })
      round = await load()
      job.stageChanged()
      s.events.emit({ type: 'review.changed', pending: await pendingCount(s) })
    }
    if (round.stage === 'review') {
      const examples = await roundsRepo.examples(s.db, roundId)
      if (examples.some((e) => e.status === 'pending')) {
        await move('review', 'awaiting_review')
        return
      }
      await move('training', 'training')
    }
    const examples = await trainingExamples(s, round)
    if (round.stage === 'training') {
      if (examples.length === 0) {
        // never a green "done": the round says what was generated, why none is usable, and what to do
        await move('review', 'no_valid_examples', { error: noValidExamplesMessage(await roundsRepo.examples(s.db, roundId), settings.teacher) })
        return
      }
      const t0 = performance.now()
      if (round.mode === 'tt-icl') await move('answer', 'running', {}, ['training', 0])
      else {
        const training = await trainingStage(s, round, settings, examples, job)
        await move('answer', 'running', { training }, ['training', performance.now() - t0])
      }
    }
    if (round.stage === 'answer') {
      const t0 = performance.now()
      const after = await answerStage(s, round, settings, examples, job)
      await move('done', 'done', { after }, ['answer', performance.now() - t0])
    }
  } catch (err) {
    job.stageChanged()
    const cancelled = job.signal.aborted || isAbort(err)
    const training = (err as { training?: RoundPatch['training'] }).training
    const end: RoundPatch = {
      status: cancelled ? 'interrupted' : 'failed',
      error: cancelled ? 'cancelled: resume to continue from the last completed stage' : toWireError(err).message,
      ...(training ? { training } : {})
    }
    // a full disk can refuse this write too: then it is retried until space returns, and journaled for the next start
    const saved = await writeRoundEnd(s, roundId, { ...end, stage: round.stage })
    const note = saved ? '' : ' (not saved yet: the disk is full; it is saved when space returns or at the next start)'
    s.events.emit({ type: 'round.update', roundId, status: end.status!, stage: round.stage, detail: `${end.error}${note}` })
    throw err
  }
}

/** The running job of each round, per engine (keyed by its job manager). */
const activeJobs = new WeakMap<JobManager, Map<string, string>>()
const active = (s: Services) => {
  let m = activeJobs.get(s.jobs)
  if (!m) activeJobs.set(s.jobs, (m = new Map()))
  return m
}

/** The id of the job running this round in this engine, if any. */
export function roundJobId(s: Services, roundId: string): string | undefined {
  return active(s).get(roundId)
}

export interface StartRoundOptions {
  /** the statuses the round may be continued from; checked and changed to 'running' in one transaction */
  from?: RoundStatus[]
  /** extra writes in the same transaction as the claim (e.g. resetting the stage of a retry) */
  prepare?: (tx: Db, status: RoundStatus) => Promise<void>
  label?: string
}

/**
 * Starts (or continues) a round as a job. One job per round, enforced here: the round is claimed in one
 * transaction (its status must be one of `from`, and becomes 'running'), so of concurrent callers (two
 * resumes, three approvals of the last pending pairs) one starts a job and the others are refused.
 */
export async function startRoundJob(s: Services, roundId: string, opts: StartRoundOptions = {}): Promise<string> {
  const busy = (jobId?: string) => new UserError(`This round is already running${jobId ? ` (job ${jobId})` : ''}: wait for it to finish or cancel it first.`, 'busy')
  const running = active(s).get(roundId)
  if (running) throw busy(running)
  await s.db.transaction(async (tx) => {
    const r = await tx.get<{ status: RoundStatus }>('SELECT status FROM rounds WHERE id = ?', [roundId])
    if (!r) throw new UserError('No such round.', 'not_found')
    if (opts.from && !opts.from.includes(r.status)) {
      if (r.status === 'running' || r.status === 'training') throw busy(active(s).get(roundId))
      throw new UserError(`A ${r.status.replace(/_/g, ' ')} round cannot be continued.`, 'invalid_state')
    }
    await opts.prepare?.(tx, r.status)
    await tx.run("UPDATE rounds SET status = 'running', updated_at = ? WHERE id = ? AND status != 'training'", [Date.now(), roundId])
  })
  if (active(s).has(roundId)) throw busy(active(s).get(roundId))
  const { id, done } = s.jobs.start('round', opts.label ?? 'Self-improvement round', (job) => runRound(s, roundId, job))
  active(s).set(roundId, id)
  void done.catch(() => undefined).finally(() => {
    if (active(s).get(roundId) === id) active(s).delete(roundId)
  })
  return id
}
