#!/usr/bin/env node
// `npx autodidact ...`: the CLI over the same engine (src/cli/index.ts), run through tsx.
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { engineEnv } from '../scripts/engine-env.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const child = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'src/cli/index.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: engineEnv()
})
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
