/** `npm run bench`: every benchmark in turn (each writes bench/results/*.json and prints a table). */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
let failed = 0
for (const [name, args] of [['train.ts', ['--shape=tiny'], ] as const, ['train.ts', ['--shape=small']] as const, ['round.ts', []] as const, ['trace.ts', []] as const]) {
  console.log(`\n### bench/${name} ${args.join(' ')}`)
  const r = spawnSync(process.execPath, [tsx, join(root, 'bench', name), ...args], { stdio: 'inherit', cwd: root })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
