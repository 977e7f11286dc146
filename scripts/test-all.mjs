#!/usr/bin/env node
// `npm test`: every suite, then one closing line `N passed, N failed` over all of them.
// Suites: the build (the e2e tests drive the built renderer), the type check, and vitest's three projects
// (unit, integration, e2e). A suite that cannot run counts as failed, never as passed or skipped.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { engineEnv } from './engine-env.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (pkg, file) => join(root, 'node_modules', pkg, file)
let passed = 0
let failed = 0
let skipped = 0

function step(name, cmd, args, env = {}) {
  console.log(`\n=== ${name} ===`)
  const r = spawnSync(process.execPath, [cmd, ...args], { cwd: root, stdio: 'inherit', env: { ...engineEnv(), ...env } })
  const ok = r.status === 0
  console.log(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} ===`)
  return ok
}

const vitestArgs = process.argv.slice(2)
const electron = existsSync(join(root, 'node_modules', 'electron', 'package.json'))
step(electron ? 'build (electron-vite: main, preload, renderer)' : 'build (renderer; Electron not installed)', join(root, 'scripts', 'build-app.mjs'), []) ? passed++ : failed++
step('typecheck: engine, web shell, CLI, renderer, tests (tsc --noEmit)', bin('typescript', 'bin/tsc'), ['--noEmit', '-p', 'tsconfig.json']) ? passed++ : failed++
if (electron) step('typecheck: Electron main and preload', bin('typescript', 'bin/tsc'), ['--noEmit', '-p', 'tsconfig.electron.json']) ? passed++ : failed++
else console.log('\nNOT CHECKED: src/main and src/preload were not type-checked or built: the electron package is not installed (it needs Node 22.12+).')

const reportFile = join(root, 'test-results/vitest.json')
mkdirSync(dirname(reportFile), { recursive: true })
rmSync(reportFile, { force: true })
step('vitest (unit, integration, e2e)', bin('vitest', 'vitest.mjs'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${reportFile}`,
  ...vitestArgs
])
if (!existsSync(reportFile)) {
  console.log('vitest wrote no report: counting it as one failed suite')
  failed++
} else {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + report.numTodoTests
  // A test file that failed to load has no test results of its own: count each as one failure.
  for (const file of report.testResults) {
    if (file.status === 'failed' && file.assertionResults.length === 0) {
      console.log(`could not run ${file.name}: ${String(file.message).split('\n')[0]}`)
      failed++
    }
  }
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed === 0 ? 0 : 1)
