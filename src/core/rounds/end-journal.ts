import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Services } from '../services'
import { roundsRepo, type RoundPatch } from './repo'

/**
 * How a round ended, when the database could not take it (disk full): kept in memory and retried until space
 * returns, and appended to a small journal beside the database so the next start records it (instead of
 * leaving the round in `training`, or calling it interrupted without the reason).
 */
interface Entry {
  roundId: string
  patch: RoundPatch
  at: number
}

const RETRY_MS = 2000
const retries = new Map<Services, Map<string, ReturnType<typeof setInterval>>>()
const journalFile = (s: Services) => join(s.paths.dataDir, 'pending-round-ends.jsonl')

function readJournal(s: Services): Entry[] {
  if (!existsSync(journalFile(s))) return []
  const entries: Entry[] = []
  for (const line of readFileSync(journalFile(s), 'utf8').split('\n')) {
    try {
      if (line.trim()) entries.push(JSON.parse(line) as Entry)
    } catch {
      // a line cut off by the full disk: the round is still marked interrupted at start
    }
  }
  return entries
}

function forget(s: Services, roundId: string): void {
  try {
    const rest = readJournal(s).filter((e) => e.roundId !== roundId)
    if (rest.length) writeFileSync(journalFile(s), rest.map((e) => JSON.stringify(e)).join('\n') + '\n')
    else rmSync(journalFile(s), { force: true })
  } catch {
    // the startup pass re-applies it: writing the same end twice is harmless
  }
}

/** Writes a round's end; returns false when it could not be written now (it is retried and journaled). */
export async function writeRoundEnd(s: Services, roundId: string, patch: RoundPatch): Promise<boolean> {
  try {
    await roundsRepo.update(s.db, roundId, patch)
    return true
  } catch {
    try {
      appendFileSync(journalFile(s), JSON.stringify({ roundId, patch, at: Date.now() } satisfies Entry) + '\n')
    } catch {
      // the journal is on the same full disk: the retry below (or the next start's interrupted mark) remains
    }
    const mine = retries.get(s) ?? new Map<string, ReturnType<typeof setInterval>>()
    retries.set(s, mine)
    clearInterval(mine.get(roundId))
    const timer = setInterval(() => {
      roundsRepo.update(s.db, roundId, patch).then(
        () => {
          clearInterval(timer)
          mine.delete(roundId)
          forget(s, roundId)
          const status = patch.status ?? 'failed'
          s.events.emit({ type: 'round.update', roundId, status, stage: patch.stage ?? 'training', detail: patch.error ?? undefined })
        },
        () => undefined // still full: try again
      )
    }, RETRY_MS)
    timer.unref()
    mine.set(roundId, timer)
    return false
  }
}

/** On close: stop retrying (what was not written stays in the journal for the next start). */
export function stopRoundEndRetries(s: Services): void {
  for (const t of retries.get(s)?.values() ?? []) clearInterval(t)
  retries.delete(s)
}

/** On start, before running rounds are marked interrupted: writes the ends that a full disk held back. */
export async function applyRoundEndJournal(s: Services): Promise<number> {
  const entries = readJournal(s)
  let applied = 0
  for (const e of entries) {
    const r = await roundsRepo.get(s.db, e.roundId)
    if (r && (r.status === 'running' || r.status === 'training')) {
      await roundsRepo.update(s.db, e.roundId, e.patch)
      applied++
    }
  }
  if (existsSync(journalFile(s))) rmSync(journalFile(s), { force: true })
  return applied
}
