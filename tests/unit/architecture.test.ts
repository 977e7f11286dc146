import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(__dirname, '..', '..')
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(f) ? [p] : []
  })
}
const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^\s*import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => ({ typeOnly: Boolean(m[1]), from: m[2] }))

describe('architecture rules', () => {
  it('src/core never imports electron', () => {
    for (const f of files(join(root, 'src/core'))) {
      const bad = imports(f).filter((i) => i.from === 'electron' || i.from.startsWith('electron/'))
      expect(bad, relative(root, f)).toEqual([])
    }
  })
  it('the renderer imports only types from src/core', () => {
    for (const f of files(join(root, 'src/renderer'))) {
      const bad = imports(f).filter((i) => i.from.includes('/core/') && !i.typeOnly)
      expect(bad, relative(root, f)).toEqual([])
    }
  })
  it('src/main stays lifecycle and IPC: it imports the engine, not feature internals', () => {
    for (const f of files(join(root, 'src/main'))) {
      const core = imports(f).filter((i) => i.from.includes('/core/'))
      for (const i of core) expect(['../core/engine', '../core/rpc/csp'], relative(root, f)).toContain(i.from)
    }
  })
  it('the preload exposes exactly call and onEvent, over two channels', () => {
    const src = readFileSync(join(root, 'src/preload/index.ts'), 'utf8')
    expect([...src.matchAll(/ipcRenderer\.(invoke|on)\('([^']+)'/g)].map((m) => m[2]).sort()).toEqual(['rpc:call', 'rpc:event'])
    expect(src).toMatch(/exposeInMainWorld\('autodidact', \{\s*async call/)
  })
  it('Electron windows are locked down', () => {
    const src = readFileSync(join(root, 'src/main/index.ts'), 'utf8')
    for (const flag of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'webSecurity: true']) expect(src).toContain(flag)
    expect(src).toContain("setWindowOpenHandler")
    expect(src).toContain("'will-navigate'")
  })
})
