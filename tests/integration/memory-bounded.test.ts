import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { engineEnv } from '../../scripts/engine-env.mjs'
import { tempDir } from '../fixtures/engine'

// 240 per-query rounds' worth of adapters through the model host (tests/fixtures/adapter-rounds.ts), in a
// child process started with the engine's environment. node-llama-cpp frees an adapter only with its model:
// without the host's recycling every adapter (2.6 MB here) would stay resident; without the fixed mmap
// threshold, heap fragmentation alone added ~0.4 MB per round (both measured: docs/benchmarks.md).
const ROUNDS = 240

describe('memory over 240 adapter rounds', () => {
  it('stays bounded: the resident set after round 240 is within 100 MB of round 40', { timeout: 600_000 }, () => {
    const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'adapter-rounds.ts')
    const r = spawnSync(process.execPath, ['--import', 'tsx', fixture, String(ROUNDS), tempDir()], { env: engineEnv(), encoding: 'utf8', maxBuffer: 1 << 24 })
    expect(r.stderr).not.toMatch(/Error/)
    expect(r.status).toBe(0)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { adapterBytes?: number; round?: number; rss?: number })
    const adapterBytes = lines[0].adapterBytes!
    const rss = lines.filter((l) => l.round).map((l) => l.rss!)
    expect(rss).toHaveLength(ROUNDS)
    const growth = rss[ROUNDS - 1] - rss[39]
    const kept = adapterBytes * (ROUNDS - 40)
    console.log(`adapter ${(adapterBytes / 1e6).toFixed(2)} MB; rss round 40 ${(rss[39] / 1e6).toFixed(0)} MB, round ${ROUNDS} ${(rss[ROUNDS - 1] / 1e6).toFixed(0)} MB, max ${(Math.max(...rss) / 1e6).toFixed(0)} MB; kept adapters would add ${(kept / 1e6).toFixed(0)} MB`)
    expect(kept).toBeGreaterThan(400e6) // a leak of the adapters would be far above the bound
    expect(growth).toBeLessThan(100e6)
  })
})
