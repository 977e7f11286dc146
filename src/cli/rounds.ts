import type { CliEngine as Engine } from './remote'
import { need } from './usage'

const cli = { origin: 'cli' as const }
const ENDS = ['done', 'no_valid_examples', 'failed', 'awaiting_review', 'interrupted', 'discarded']

/**
 * Resolves once every round in `roundIds` has reached a state where it stops (done, failed, awaiting review,
 * interrupted), printing stage changes and training progress on stderr. Subscribe before starting the work.
 */
export function watchRounds(e: Engine, roundIds: string[]): Promise<void> {
  const open = new Set(roundIds)
  return new Promise<void>((resolve) => {
    if (!open.size) return resolve()
    const off = e.onEvent((ev) => {
      if (ev.type === 'train.progress' && ev.roundId && open.has(ev.roundId)) {
        process.stderr.write(`\rtraining: step ${ev.step}/${ev.steps} loss ${ev.loss.toFixed(4)} ${Math.round(ev.tokensPerSec)} tok/s, ${Math.round(ev.etaSec)} s left`)
      }
      if (ev.type === 'round.update' && open.has(ev.roundId)) {
        process.stderr.write(`\nround ${ev.roundId}: ${ev.status} (${ev.stage})${ev.detail ? `: ${ev.detail}` : ''}\n`)
        if (ENDS.includes(ev.status)) open.delete(ev.roundId)
        if (!open.size) {
          off()
          resolve()
        }
      }
    })
  })
}

/**
 * `rounds start <model-id> "<query>" [profile-id]`: runs a TT-SI round from the command line, printing its stage
 * changes and training progress as they happen; with review policy "manual" it stops at awaiting_review (approve
 * with `review approve <id...>`, which continues the round and waits for it).
 */
export async function startRoundCli(e: Engine, args: string[], print: (v: unknown) => void): Promise<void> {
  const [modelId, query, profileId] = need(args, 2, 'rounds', 'the model id and the query')
  await e.call('models.load', { modelId }, cli)
  const profiles = await e.call('profiles.list', {}, cli)
  const { roundId } = await e.call('rounds.start', { query, profileId: profileId ?? profiles[0]?.id ?? null }, cli)
  await watchRounds(e, [roundId])
  print(await e.call('rounds.get', { id: roundId }, cli))
}

/**
 * `rounds resume <round-id>`: continues an interrupted, failed or reviewed round with the model it was started
 * with, and waits for it.
 */
export async function resumeRoundCli(e: Engine, args: string[], print: (v: unknown) => void): Promise<void> {
  const [id] = need(args, 1, 'rounds', 'the round id')
  const round = await e.call('rounds.get', { id }, cli)
  await e.call('models.load', { modelId: round.modelId }, cli)
  const watching = watchRounds(e, [id])
  await e.call('rounds.resume', { id }, cli)
  await watching
  print(await e.call('rounds.get', { id }, cli))
}

/**
 * `review approve|reject <example-id> ...`. A round whose last pending example is decided continues (training,
 * then the new answer) in this process, so the command loads the round's model first and waits for the round
 * to finish before it exits; interrupted (Ctrl-C), the round is left interrupted and `rounds resume` continues it.
 */
export async function reviewCli(e: Engine, decision: 'approve' | 'reject', ids: string[], print: (v: unknown) => void): Promise<void> {
  need(ids, 1, 'review', 'the example ids (see `autodidact review list`)')
  const pending = await e.call('review.pending', {}, cli)
  const chosen = new Set(ids)
  const rounds = new Set(pending.filter((x) => chosen.has(x.id)).map((x) => x.roundId))
  // rounds that continue once these decisions are written: nothing of them stays pending
  const continuing = [...rounds].filter((r) => pending.every((x) => x.roundId !== r || chosen.has(x.id)))
  for (const modelId of new Set(await Promise.all(continuing.map(async (id) => (await e.call('rounds.get', { id }, cli)).modelId)))) {
    await e.call('models.load', { modelId }, cli)
  }
  const watching = watchRounds(e, continuing)
  const result = decision === 'approve' ? await e.call('review.approve', { ids }, cli) : await e.call('review.reject', { ids }, cli)
  await watching
  if (!continuing.length) return print(result)
  print({ examples: result, rounds: await Promise.all(continuing.map((id) => e.call('rounds.get', { id }, cli))) })
}
