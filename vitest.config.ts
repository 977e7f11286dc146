import { defineConfig } from 'vitest/config'
import SlowFirstSequencer from './tests/slow-first-sequencer.ts'

// Three suites: unit (pure logic), integration (real node-llama-cpp, sqlite3, the native trainer on
// generated models), e2e (Playwright drives the web shell in Debian's Chromium).
// Two files run at a time, from any suite, even on a 2-core machine (vitest's default there is one): each engine
// in a test evaluates and trains on one thread, and much of an end-to-end test waits on the browser or a child
// process. Every test file makes its own data folder, ports and child processes, so files never share state;
// generated models are written under a temporary name and renamed into the cache.
export default defineConfig({
  test: {
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000
        }
      }
    ]
  }
})
