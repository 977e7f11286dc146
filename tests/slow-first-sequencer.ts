import { existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Seconds the slowest test files took in a clean clone's `bash .ci/run` on a 2-core machine, two files at a time
 * (vitest's own record of durations starts empty in a fresh clone, and it would then order files by size: the
 * memory test, a short file that then took 48 s, ran last and alone). Longest first, so that both workers finish together.
 * Files not listed take under 12 s and keep vitest's order after these.
 */
const SECONDS: Record<string, number> = {
  'tests/integration/fault-injection.test.ts': 53,
  'tests/integration/cli.test.ts': 51,
  'tests/integration/rounds-families.test.ts': 41,
  'tests/integration/model-families.test.ts': 37,
  'tests/integration/experiments.test.ts': 34,
  'tests/integration/rounds-modes.test.ts': 33,
  'tests/integration/memory-bounded.test.ts': 25,
  'tests/e2e/self-improvement-loop.test.ts': 19,
  'tests/e2e/web-shell.test.ts': 18,
  'tests/e2e/layout.test.ts': 17,
  'tests/integration/rounds.test.ts': 15,
  'tests/e2e/settings-and-models.test.ts': 14,
  'tests/integration/trainer-worker.test.ts': 13,
  'tests/e2e/connection-state.test.ts': 12
}

export default class SlowFirstSequencer extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root
    for (const path of Object.keys(SECONDS)) {
      if (!existsSync(join(root, path))) throw new Error(`tests/slow-first-sequencer.ts lists ${path}, which does not exist: update the list`)
    }
    const base = await super.sort(files)
    const cost = (f: TestSpecification) => SECONDS[relative(root, f.moduleId).split('\\').join('/')] ?? 0
    return base.map((f, i) => ({ f, i })).sort((a, b) => cost(b.f) - cost(a.f) || a.i - b.i).map(({ f }) => f)
  }
}
