import { existsSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import type { Handlers } from '../contract'
import { pairProblem } from '../augment/validate'
import { setRoundStarter } from '../chat/handlers'
import { UserError } from '../errors'
import type { Services } from '../services'
import { applyRoundEndJournal } from './end-journal'
import { startRoundJob } from './engine'
import { roundsRepo } from './repo'
import { startRoundForMessage, startRoundForQuery } from './start'

/** On engine start: rounds that were running when the app stopped become interrupted (resumable). */
export async function roundsStartup(s: Services): Promise<void> {
  await applyRoundEndJournal(s)
  await roundsRepo.markInterrupted(s.db)
  setRoundStarter((svc, messageId) => startRoundForMessage(svc, messageId))
}

export function roundsHandlers(s: Services): Partial<Handlers> {
  const pending = async () => (await s.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM examples WHERE status = 'pending'"))!.n

  /** After review decisions: a round waiting on review continues once nothing of it is pending. */
  async function afterReview(roundIds: string[]) {
    s.events.emit({ type: 'review.changed', pending: await pending() })
    for (const id of new Set(roundIds)) {
      const r = await roundsRepo.get(s.db, id)
      if (r?.status !== 'awaiting_review' || (await roundsRepo.examples(s.db, id)).some((e) => e.status === 'pending')) continue
      // concurrent decisions on the last pending pairs: the first continues the round, the others find it claimed
      await startRoundJob(s, id, { from: ['awaiting_review'] }).catch((err: unknown) => {
        if (!(err instanceof UserError && (err.code === 'busy' || err.code === 'invalid_state'))) throw err
      })
    }
  }

  return {
    'rounds.start': async ({ messageId, query, profileId }) => {
      if (messageId) return startRoundForMessage(s, messageId)
      if (query) return startRoundForQuery(s, query, profileId ?? null)
      throw new UserError('Give the answer (messageId) or the query to improve.', 'invalid_input')
    },
    'rounds.list': async (f) => roundsRepo.list(s.db, f),
    'rounds.get': async ({ id }) => {
      const r = await roundsRepo.get(s.db, id)
      if (!r) throw new UserError('No such round.', 'not_found')
      const { profile: _p, history: _h, ...round } = r
      return { ...round, examples: await roundsRepo.examples(s.db, id) }
    },
    'rounds.resume': async ({ id }) => {
      const r = await roundsRepo.get(s.db, id)
      if (!r) throw new UserError('No such round.', 'not_found')
      const jobId = await startRoundJob(s, id, {
        from: ['interrupted', 'failed', 'awaiting_review', 'no_valid_examples'],
        prepare: async (tx, status) => {
          if (status === 'no_valid_examples' && !(await roundsRepo.examples(tx, id)).some((e) => e.status === 'approved' || e.status === 'pending')) {
            await roundsRepo.update(tx, id, { stage: 'augmentation' }) // retry: write new examples (the old ones stay on record)
          }
        }
      }).catch((err: unknown) => {
        if (err instanceof UserError && err.code === 'invalid_state') throw new UserError(`A ${r.status.replace(/_/g, ' ')} round cannot be resumed.`, 'invalid_state')
        throw err
      })
      return { jobId }
    },
    'rounds.discard': async ({ id }) => {
      const r = await roundsRepo.get(s.db, id)
      if (!r) return { ok: false }
      if (r.training?.adapterPath && existsSync(r.training.adapterPath)) await unlink(r.training.adapterPath)
      await s.db.transaction(async (tx) => {
        await roundsRepo.update(tx, id, { status: 'discarded', training: r.training ? { ...r.training, adapterKept: false } : null })
        await tx.run("UPDATE examples SET status = 'rejected', reason = 'round discarded' WHERE round_id = ? AND status = 'pending'", [id])
      })
      s.events.emit({ type: 'round.update', roundId: id, status: 'discarded', stage: r.stage })
      s.events.emit({ type: 'review.changed', pending: await pending() })
      return { ok: true }
    },
    'rounds.keepAdapter': async ({ id, keep }) => {
      const r = await roundsRepo.get(s.db, id)
      if (!r?.training?.adapterPath) throw new UserError('This round has no adapter.', 'not_found')
      if (!keep && existsSync(r.training.adapterPath)) await unlink(r.training.adapterPath)
      if (keep && !existsSync(r.training.adapterPath)) throw new UserError('The adapter file was already removed.', 'not_found')
      await roundsRepo.update(s.db, id, { training: { ...r.training, adapterKept: keep } })
      return { ok: true }
    },
    'rounds.export': async ({ id }) => {
      const r = await roundsRepo.get(s.db, id)
      if (!r) throw new UserError('No such round.', 'not_found')
      // the teacher's API key is never part of a round; redacted anyway should a message ever have echoed it
      const json = JSON.stringify({ round: r, examples: await roundsRepo.examples(s.db, id) }, null, 2)
      const key = await s.settings.teacherApiKey()
      return { json: key && key.length >= 4 ? json.split(key).join('[redacted]') : json }
    },
    'review.pending': async () => roundsRepo.pending(s.db),
    'review.approve': async ({ ids }) => {
      const list = await roundsRepo.examplesByIds(s.db, ids)
      await s.db.transaction(async (tx) => {
        for (const e of list) {
          if (e.status === 'invalid') throw new UserError(`Example "${e.input.slice(0, 40)}" is invalid (${e.reason}): edit it to fix it first.`, 'invalid')
          await roundsRepo.setExample(tx, e.id, { status: 'approved', reason: 'approved by reviewer' })
        }
      })
      await afterReview(list.map((e) => e.roundId))
      return roundsRepo.examplesByIds(s.db, ids)
    },
    'review.reject': async ({ ids, reason }) => {
      const list = await roundsRepo.examplesByIds(s.db, ids)
      await s.db.transaction(async (tx) => {
        for (const e of list) await roundsRepo.setExample(tx, e.id, { status: 'rejected', reason: reason ?? 'rejected by reviewer' })
      })
      await afterReview(list.map((e) => e.roundId))
      return roundsRepo.examplesByIds(s.db, ids)
    },
    'review.edit': async ({ id, input, call, text }) => {
      const [e] = await roundsRepo.examplesByIds(s.db, [id])
      if (!e) throw new UserError('No such example.', 'not_found')
      const r = (await roundsRepo.get(s.db, e.roundId))!
      const others = (await roundsRepo.examples(s.db, r.id)).filter((x) => x.id !== id && x.status !== 'invalid' && x.status !== 'rejected')
      const problem = pairProblem({ input, call, text: text ?? null }, r.profile.tools, r.query, others)
      if (problem) throw new UserError(`The edited example is not valid: ${problem}.`, 'invalid')
      await roundsRepo.setExample(s.db, id, { status: 'approved', reason: 'edited and approved by reviewer', input, call, text: text ?? null, provenance: `${e.provenance}+edited` })
      await afterReview([r.id])
      return (await roundsRepo.examplesByIds(s.db, [id]))[0]
    }
  }
}
