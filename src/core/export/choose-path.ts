import { readdirSync } from 'node:fs'
import { realpath } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import type { ExportPathChoice, ParsedInput } from '../contract'
import type { Services } from '../services'

/** A file name from a suggestion: no folders, no control or odd characters, not hidden, bounded, with `ext`. */
export function safeExportName(suggested: string, ext?: string): string {
  const name = basename(suggested.replace(/\\/g, '/')).replace(/[^\w.\- ()]+/g, '-').replace(/^[.\-\s]+/, '').slice(0, 120) || 'export'
  return ext && extname(name).toLowerCase() !== `.${ext.toLowerCase()}` ? `${name}.${ext}` : name
}

/**
 * A name in `dir` that no file uses yet, not even with another extension (an adapter's model card is written
 * beside it): name, name-2, name-3...
 */
export function freeExportName(dir: string, name: string): string {
  const ext = extname(name)
  const stem = name.slice(0, name.length - ext.length)
  const taken = new Set(readdirSync(dir).map((f) => f.slice(0, f.length - extname(f).length).toLowerCase()))
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? stem : `${stem}-${i}`
    if (!taken.has(candidate.toLowerCase())) return candidate + ext
  }
}

/**
 * system.chooseExportPath. Desktop: the save dialog the shell injected (it asks before replacing a file); the path
 * the user chose is granted to the next export, nothing else outside the exports folder. Web shell, CLI: a new
 * name in the exports folder, so an export never replaces a file.
 */
export async function chooseExportPath(s: Services, { suggestedName, filter }: ParsedInput<'system.chooseExportPath'>): Promise<ExportPathChoice> {
  const dir = await realpath(s.paths.exportsDir)
  const proposal = join(dir, freeExportName(dir, safeExportName(suggestedName, filter?.extensions[0])))
  const dialog = s.options.saveDialog
  if (!dialog) return { path: proposal, via: 'exports-folder' }
  const answer = await dialog({
    title: 'Export',
    defaultPath: proposal,
    buttonLabel: 'Export',
    filters: filter ? [filter] : [],
    properties: ['showOverwriteConfirmation', 'createDirectory']
  })
  if (answer.canceled || !answer.filePath) return { path: null, via: 'dialog' }
  const chosen = resolve(answer.filePath)
  s.exportGrants.add(chosen)
  return { path: chosen, via: 'dialog' }
}
