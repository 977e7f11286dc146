#!/usr/bin/env node
// Windows release step: MSVC links a DLL through its import library (.lib). node-llama-cpp's win-x64 package
// ships ggml-base.dll and ggml.dll; where no .lib lies beside them this writes one from the DLL's export table
// (dumpbin /exports -> .def -> lib /def), into native/build/implib, and prints the two paths joined by ';' (the
// value of AUTODIDACT_GGML_IMPLIBS for the hybrid build: ggml-base first). Needs MSVC's tools on PATH
// (ilammy/msvc-dev-cmd in the workflow). Untested here (no Windows).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, win32 } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The exported names in `dumpbin /exports` output (forwarders included). */
export function exportNames(dumpbinText) {
  const names = []
  let inTable = false
  for (const line of dumpbinText.split(/\r?\n/)) {
    if (/^\s*ordinal\s+hint\s+RVA\s+name/.test(line)) inTable = true
    else if (inTable && /^\s*Summary/.test(line)) break
    else if (inTable) {
      const m = /^\s+\d+\s+[0-9A-Fa-f]+\s+(?:[0-9A-Fa-f]{8}\s+)?(\S+)/.exec(line)
      if (m) names.push(m[1])
    }
  }
  return names
}

/** A module-definition file exporting `names` from `dll`. */
export function defFile(dll, names) {
  return `LIBRARY ${win32.basename(dll)}\r\nEXPORTS\r\n${names.map((n) => `    ${n}\r\n`).join('')}`
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) {
  const bins = join(root, 'node_modules', '@node-llama-cpp', `win-${process.arch}`, 'bins')
  const dir = existsSync(bins) ? readdirSync(bins).map((d) => join(bins, d)).find((d) => statSync(d).isDirectory() && existsSync(join(d, 'ggml-base.dll'))) : null
  if (!dir) {
    console.error(`[win-import-libs] no ggml-base.dll under ${bins}: is @node-llama-cpp/win-${process.arch} installed?`)
    process.exit(1)
  }
  const out = join(root, 'native', 'build', 'implib')
  mkdirSync(out, { recursive: true })
  const libs = ['ggml-base', 'ggml'].map((name) => {
    const shipped = join(dir, `${name}.lib`)
    if (existsSync(shipped)) return shipped
    const dll = join(dir, `${name}.dll`)
    const names = exportNames(execFileSync('dumpbin', ['/nologo', '/exports', dll], { encoding: 'utf8' }))
    if (!names.length) throw new Error(`dumpbin found no exports in ${dll}`)
    const def = join(out, `${name}.def`)
    writeFileSync(def, defFile(dll, names))
    const lib = join(out, `${name}.lib`)
    // lib's own output goes to stderr: stdout carries only the result
    process.stderr.write(execFileSync('lib', ['/nologo', `/def:${def}`, `/out:${lib}`, `/machine:${process.arch === 'arm64' ? 'arm64' : 'x64'}`], { encoding: 'utf8' }))
    return lib
  })
  console.log(libs.join(';'))
}
