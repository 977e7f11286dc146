import type { Engine } from '../core/engine'

/**
 * `rounds start <model-id> "<query>" [profile-id]`: runs a TT-SI round from the command line, printing its stage
 * changes and training progress as they happen; with review policy "manual" it stops at awaiting_review (approve
 * with `review approve <id...>`, which continues the round).
 */
export async function startRoundCli(e: Engine, args: string[], print: (v: unknown) => void): Promise<void> {
  const [modelId, query, profileId] = args
  if (!modelId || !query) throw new Error('usage: rounds start <model-id> "<query>" [profile-id]')
  await e.call('models.load', { modelId }, { origin: 'cli' })
  const profiles = await e.call('profiles.list', {}, { origin: 'cli' })
  const { roundId } = await e.call('rounds.start', { query, profileId: profileId ?? profiles[0]?.id ?? null }, { origin: 'cli' })
  await new Promise<void>((resolve) => {
    e.onEvent((ev) => {
      if (ev.type === 'train.progress' && ev.roundId === roundId) {
        process.stderr.write(`\rtraining: step ${ev.step}/${ev.steps} loss ${ev.loss.toFixed(4)} ${Math.round(ev.tokensPerSec)} tok/s, ${Math.round(ev.etaSec)} s left`)
      }
      if (ev.type === 'round.update' && ev.roundId === roundId) {
        process.stderr.write(`\nround ${roundId}: ${ev.status} (${ev.stage})${ev.detail ? `: ${ev.detail}` : ''}\n`)
        if (['done', 'no_valid_examples', 'failed', 'awaiting_review', 'interrupted'].includes(ev.status)) resolve()
      }
    })
  })
  print(await e.call('rounds.get', { id: roundId }, { origin: 'cli' }))
}
