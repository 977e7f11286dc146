import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { chooseExportPath, safeExportName } from '../../src/core/export/choose-path'
import { exportDestination } from '../../src/core/export/destination'
import type { SaveDialog, SaveDialogOptions, Services } from '../../src/core/services'

/** Just what choosing and checking an export path use of the engine's services. */
function services(saveDialog?: SaveDialog) {
  const dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'export-choice-')))
  const exportsDir = join(dataDir, 'exports')
  mkdirSync(exportsDir)
  return { paths: { dataDir, exportsDir }, exportGrants: new Set<string>(), options: { dataDir, saveDialog } } as unknown as Services & { paths: { exportsDir: string } }
}
const jsonl = { name: 'JSON lines', extensions: ['jsonl'] }

describe('system.chooseExportPath (issue 13 item 12)', () => {
  it('web shell and CLI: a name in the exports folder no file uses, with any extension', async () => {
    const s = services()
    const pick = async (suggestedName: string, filter = jsonl) => (await chooseExportPath(s, { suggestedName, filter })).path
    expect(await pick('pairs.jsonl')).toBe(join(s.paths.exportsDir, 'pairs.jsonl'))
    writeFileSync(join(s.paths.exportsDir, 'pairs.jsonl'), 'keep')
    writeFileSync(join(s.paths.exportsDir, 'pairs-2.md'), 'a model card') // an adapter's card uses the stem too
    expect(await pick('pairs.jsonl')).toBe(join(s.paths.exportsDir, 'pairs-3.jsonl'))
    expect(await pick('pairs')).toBe(join(s.paths.exportsDir, 'pairs-3.jsonl')) // the filter's extension is added
    // a suggestion cannot lead out of the folder or hide a file
    expect(await pick('../../etc/passwd')).toBe(join(s.paths.exportsDir, 'passwd.jsonl'))
    expect(await pick('..\\..\\x.jsonl')).toBe(join(s.paths.exportsDir, 'x.jsonl'))
    expect(safeExportName('.hidden')).toBe('hidden')
    expect(safeExportName('a/b\u0000c;rm -rf.gguf', 'gguf')).toBe('b-c-rm -rf.gguf')
    expect(s.exportGrants.size).toBe(0) // nothing outside the folder was opened up
    expect((await chooseExportPath(s, { suggestedName: 'x' })).via).toBe('exports-folder')
  })

  it('desktop: asks in the save dialog (which confirms a replacement); only the chosen path is granted, once', async () => {
    const asked: SaveDialogOptions[] = []
    let answer: { canceled: boolean; filePath?: string } = { canceled: true }
    const s = services(async (o) => (asked.push(o), answer))
    writeFileSync(join(s.paths.exportsDir, 'adapter-r1.gguf'), 'earlier')
    expect(await chooseExportPath(s, { suggestedName: 'adapter-r1.gguf', filter: { name: 'GGUF LoRA adapter', extensions: ['gguf'] } })).toEqual({ path: null, via: 'dialog' })
    expect(asked[0]).toEqual({
      title: 'Export',
      defaultPath: join(s.paths.exportsDir, 'adapter-r1-2.gguf'),
      buttonLabel: 'Export',
      filters: [{ name: 'GGUF LoRA adapter', extensions: ['gguf'] }],
      properties: ['showOverwriteConfirmation', 'createDirectory']
    })
    expect(s.exportGrants.size).toBe(0) // cancelled: nothing granted

    const elsewhere = join(s.paths.dataDir, 'chosen', 'pairs.jsonl')
    answer = { canceled: false, filePath: elsewhere }
    expect(await chooseExportPath(s, { suggestedName: 'pairs.jsonl', filter: jsonl })).toEqual({ path: elsewhere, via: 'dialog' })
    expect([...s.exportGrants]).toEqual([elsewhere])
    // the export may write there once; a second export to it must ask again
    expect(await exportDestination(s, elsewhere, false)).toBe(elsewhere)
    await expect(exportDestination(s, elsewhere, false)).rejects.toMatchObject({ code: 'export_path' })
    // any other path outside the exports folder stays refused
    await expect(exportDestination(s, join(s.paths.dataDir, 'other.jsonl'), false)).rejects.toMatchObject({ code: 'export_path' })
  })

  it('an adapter export checks the .gguf it writes and the model card beside it', async () => {
    const s = services()
    writeFileSync(join(s.paths.exportsDir, 'a.gguf'), 'x')
    writeFileSync(join(s.paths.exportsDir, 'b.md'), 'card')
    const adapter = { ext: '.gguf', companion: '.md' }
    await expect(exportDestination(s, 'a', false, adapter)).rejects.toMatchObject({ code: 'exists' })
    await expect(exportDestination(s, 'b.gguf', false, adapter)).rejects.toMatchObject({ code: 'exists', message: expect.stringContaining('b.md already exists') })
    expect(await exportDestination(s, 'b', true, adapter)).toBe(join(s.paths.exportsDir, 'b.gguf'))
    expect(await exportDestination(s, 'c', false, adapter)).toBe(join(s.paths.exportsDir, 'c.gguf'))
  })
})
