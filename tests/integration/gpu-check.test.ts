/**
 * The GPU check's pieces that run without a GPU (bench/gpu/test_gpu_check.py, Python's unittest): the TT-SI job it
 * generates is accepted by the real trainer binary, the fallback patch applier matches git, and the PEFT parser,
 * verdicts and markdown table are right. The whole pipeline's CPU dry run (`scripts/gpu-check.sh --dry-run`)
 * builds llama.cpp and is too slow for CI; docs/benchmarks.md ("GPU check") records it.
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

describe('GPU check script (CPU-side pieces)', () => {
  it('passes its unit checks', () => {
    const r = spawnSync('python3', ['-m', 'unittest', '-v', 'bench/gpu/test_gpu_check.py'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 })
    expect(r.error, 'python3 could not start').toBeUndefined()
    const out = `${r.stdout}\n${r.stderr}`
    expect(out, out).toMatch(/Ran \d+ tests/)
    expect(r.status, out).toBe(0)
    expect(out).not.toMatch(/skipped/)
  })
})
