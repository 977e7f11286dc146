import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeTestAdapter } from '../fixtures/adapters'
import { engineWithModel, tempDir } from '../fixtures/engine'

describe('adapters.import (issue 13 item 11)', () => {
  it('refuses a truncated adapter and one with rank-0 tensors clearly, adding nothing; a sound one imports', async () => {
    const { engine, modelPath } = await engineWithModel()
    try {
      const dir = tempDir('adapter-import-')
      const good = await writeTestAdapter(modelPath, join(dir, 'good.gguf'))
      const bytes = readFileSync(good)
      const cut = join(dir, 'cut.gguf')
      writeFileSync(cut, bytes.subarray(0, bytes.length - 64)) // a copy that stopped early
      const rank0 = await writeTestAdapter(modelPath, join(dir, 'rank0.gguf'), { rank: 0 })
      const library = () => readdirSync(engine.services.paths.adaptersDir).length
      const filesBefore = library()
      for (const [path, why] of [
        [cut, /cut\.gguf does not fit the loaded model: the adapter file is incomplete \(tensor .* extends past the end of the file.*copy or export it again/],
        [rank0, /rank0\.gguf does not fit the loaded model: the adapter's blk\.\d+\.\w+\.weight has rank 0 \(an empty LoRA/]
      ] as const) {
        const err = (await engine.call('adapters.import', { path }).catch((e: unknown) => e)) as { code?: string; message?: string }
        expect(err.code).toBe('adapter_mismatch')
        expect(err.message).toMatch(why)
      }
      expect(await engine.call('adapters.list', {})).toEqual([])
      expect(library()).toBe(filesBefore)
      const ok = await engine.call('adapters.import', { path: good })
      expect((await engine.call('adapters.list', {})).map((a) => a.id)).toEqual([ok.adapterId])
    } finally {
      await engine.close()
    }
  })
})
