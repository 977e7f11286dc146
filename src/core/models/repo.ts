import type { ModelInfo } from '../contract'
import { newId } from '../storage/json'
import type { Db } from '../storage/types'

interface Row { id: string; name: string; path: string; size_bytes: number; architecture: string | null; source: ModelInfo['source']; catalog_id: string | null; added_at: number }

export const modelsRepo = {
  async list(db: Db, loadedId: string | null): Promise<ModelInfo[]> {
    const rows = await db.all<Row>('SELECT * FROM models ORDER BY added_at')
    return rows.map((r) => ({ id: r.id, name: r.name, path: r.path, sizeBytes: r.size_bytes, architecture: r.architecture, source: r.source, catalogId: r.catalog_id, addedAt: r.added_at, loaded: r.id === loadedId }))
  },
  async get(db: Db, id: string): Promise<ModelInfo | null> {
    return (await modelsRepo.list(db, null)).find((m) => m.id === id) ?? null
  },
  async add(db: Db, m: Omit<ModelInfo, 'id' | 'addedAt' | 'loaded'>): Promise<ModelInfo> {
    const existing = await db.get<Row>('SELECT * FROM models WHERE path = ?', [m.path])
    const id = existing?.id ?? newId('model')
    await db.run(
      `INSERT INTO models (id, name, path, size_bytes, architecture, source, catalog_id, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(path) DO UPDATE SET name = excluded.name, size_bytes = excluded.size_bytes, architecture = excluded.architecture`,
      [id, m.name, m.path, m.sizeBytes, m.architecture, m.source, m.catalogId, Date.now()]
    )
    return (await modelsRepo.get(db, id))!
  },
  async remove(db: Db, id: string): Promise<boolean> {
    return (await db.run('DELETE FROM models WHERE id = ?', [id])).changes > 0
  }
}
