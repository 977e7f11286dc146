import { existsSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import type { Services } from '../services'

interface AdapterRow { id: string; status: string; mode: string; profile_id: string | null; model_id: string; training: string; created_at: number }

async function roundsWithAdapters(s: Services): Promise<(AdapterRow & { path: string; kept: boolean })[]> {
  const rows = await s.db.all<AdapterRow>("SELECT id, status, mode, profile_id, model_id, training, created_at FROM rounds WHERE training IS NOT NULL AND status IN ('done', 'failed', 'discarded', 'interrupted') ORDER BY created_at")
  return rows
    .map((r) => {
      const t = JSON.parse(r.training) as { adapterPath?: string | null; adapterKept?: boolean }
      return { ...r, path: t.adapterPath ?? '', kept: Boolean(t.adapterKept) }
    })
    .filter((r) => r.path && existsSync(r.path))
}

/** The newest session adapter of a profile and model (what later queries of that session answer with), or null. */
export async function latestSessionAdapter(s: Services, profileId: string | null, modelId: string): Promise<string | null> {
  const list = (await roundsWithAdapters(s)).filter((r) => r.mode === 'session' && r.status === 'done' && r.profile_id === profileId && r.model_id === modelId)
  return list.at(-1)?.path ?? null
}

/**
 * Keeps the adapters directory bounded over hundreds of rounds. Removes the files of per-query adapters the
 * user did not keep, and of session adapters superseded by a newer one of the same profile and model.
 * The round records keep their path and loss curve; `rounds.keepAdapter` then reports the file as removed.
 * Called when a round starts training, so the last round's adapter stays until the next one is trained.
 */
export async function pruneAdapters(s: Services, exceptRoundId: string): Promise<string[]> {
  const list = (await roundsWithAdapters(s)).filter((r) => r.id !== exceptRoundId && !r.kept)
  const newestSession = new Map<string, string>()
  for (const r of list) if (r.mode === 'session') newestSession.set(`${r.profile_id}|${r.model_id}`, r.id)
  const removed: string[] = []
  for (const r of list) {
    if (r.mode === 'session' && newestSession.get(`${r.profile_id}|${r.model_id}`) === r.id) continue
    if (r.mode !== 'session' && r.mode !== 'per-query') continue
    try {
      await unlink(r.path)
      removed.push(r.path)
    } catch {
      // still open elsewhere (Windows) or already gone: try again at the next round
    }
  }
  return removed
}
