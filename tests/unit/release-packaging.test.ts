import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultTrainerPath } from '../../src/core/trainer/client'
import { packagedTrainers, startCheck } from '../../scripts/stage-trainer.mjs'
import { defFile, exportNames } from '../../scripts/win-import-libs.mjs'

const root = join(__dirname, '..', '..')
const read = (p: string) => readFileSync(join(root, p), 'utf8')
const tmp = mkdtempSync(join(tmpdir(), 'release-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

interface Step {
  name?: string
  uses?: string
  run?: string
  if?: string
}
interface Workflow {
  on: Record<string, unknown>
  jobs: Record<string, { 'runs-on': string; strategy: { matrix: { include: { os: string }[] } }; steps: Step[] }>
}

describe('release workflow (.github/workflows/release.yml)', () => {
  const wf = load(read('.github/workflows/release.yml')) as Workflow
  const job = wf.jobs.package
  const runs = job.steps.map((s) => s.run ?? '').join('\n')

  it('is valid YAML with a package job for Linux, macOS and Windows, started by a version tag', () => {
    expect(Object.keys(wf.on)).toContain('push')
    expect(job.strategy.matrix.include.map((m) => m.os.split('-')[0]).sort()).toEqual(['macos', 'ubuntu', 'windows'])
    expect(job['runs-on']).toBe('${{ matrix.os }}')
  })

  it('refers only to scripts, npm scripts and test files that exist, and pins every action', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> }
    for (const [, file] of runs.matchAll(/node (scripts\/[\w.-]+)/g)) expect(existsSync(join(root, file)), file).toBe(true)
    for (const [, name] of runs.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts[name], name).toBeTruthy()
    for (const [, file] of runs.matchAll(/(tests\/[\w/.-]+\.test\.ts)/g)) expect(existsSync(join(root, file)), file).toBe(true)
    for (const s of job.steps.filter((s) => s.uses)) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/)
  })

  it('installs no GPU toolkit, builds the trainer portable, checks it before and after packaging', () => {
    expect(runs + job.steps.map((s) => s.uses ?? '').join('\n')).not.toMatch(/cuda-toolkit|vulkan-sdk|nvcc/i)
    expect(read('.github/workflows/release.yml')).toMatch(/AUTODIDACT_TRAINER_PORTABLE: '1'/)
    const order = ['npm install', 'node scripts/stage-trainer.mjs\n', 'electron-builder', 'stage-trainer.mjs --packaged dist'].map((t) => (runs + '\n').indexOf(t))
    expect(order.every((i) => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })
})

describe('electron-builder.yml: the trainer ships unpacked beside node-llama-cpp', () => {
  const cfg = load(read('electron-builder.yml')) as { files: string[]; asarUnpack: string[] }
  it('packs native/build/bin into the app and unpacks it, as node_modules/@node-llama-cpp', () => {
    expect(cfg.files).toContain('native/build/bin/autodidact-trainer*')
    expect(cfg.asarUnpack).toEqual(expect.arrayContaining(['native/build/bin/**', 'node_modules/@node-llama-cpp/**']))
  })

  it('the app finds the trainer there in a package', () => {
    const exe = process.platform === 'win32' ? 'autodidact-trainer.exe' : 'autodidact-trainer'
    const resources = join(tmp, 'resources')
    const bin = join(resources, 'app.asar.unpacked', 'native', 'build', 'bin')
    mkdirSync(bin, { recursive: true })
    writeFileSync(join(bin, exe), '')
    const proc = process as NodeJS.Process & { resourcesPath?: string }
    const saved = { env: process.env.AUTODIDACT_TRAINER, res: proc.resourcesPath }
    delete process.env.AUTODIDACT_TRAINER
    proc.resourcesPath = resources
    try {
      expect(defaultTrainerPath()).toBe(join(bin, exe))
      expect(packagedTrainers(tmp)).toEqual([join(bin, exe)])
    } finally {
      proc.resourcesPath = saved.res
      if (saved.env !== undefined) process.env.AUTODIDACT_TRAINER = saved.env
    }
  })
})

describe.skipIf(process.platform === 'win32')('stage-trainer start check', () => {
  const fake = (name: string, body: string) => {
    const p = join(tmp, name)
    writeFileSync(p, `#!/bin/sh\n${body}\n`)
    chmodSync(p, 0o755)
    return p
  }
  it('accepts a trainer that answers a missing job with a bad_input error event (exit 2)', () => {
    expect(startCheck(fake('ok', `echo '{"type":"error","kind":"bad_input","message":"usage"}'; exit 2`))).toBeNull()
  })
  it('reports one whose libraries do not load, or that answers otherwise', () => {
    expect(startCheck(fake('nolib', `echo 'error while loading shared libraries: libggml-base.so' >&2; exit 127`))).toMatch(/exit 127.*libggml-base/)
    expect(startCheck(fake('other', `echo '{"type":"done"}'; exit 0`))).toMatch(/did not answer as expected \(exit 0\)/)
    expect(startCheck(join(tmp, 'missing'))).toMatch(/could not start/)
  })
})

describe('Windows import libraries from dumpbin /exports', () => {
  const dump = [
    'Dump of file ggml-base.dll',
    '',
    '    ordinal hint RVA      name',
    '',
    '          1    0 00001230 ggml_abort',
    '          2    1 00004560 ggml_opt_init',
    '          3    2          ggml_forwarded (forwarded to OTHER.fn)',
    '',
    '  Summary',
    '',
    '        1000 .data'
  ].join('\r\n')
  it('reads every exported name and writes a module-definition file for them', () => {
    const names = exportNames(dump)
    expect(names).toEqual(['ggml_abort', 'ggml_opt_init', 'ggml_forwarded'])
    expect(defFile('C:\\x\\ggml-base.dll', names)).toBe('LIBRARY ggml-base.dll\r\nEXPORTS\r\n    ggml_abort\r\n    ggml_opt_init\r\n    ggml_forwarded\r\n')
  })
})
