import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { ToolCall, ToolDef } from '../contract'
import { callText, type Turn } from '../agent/prompt'
import { regularFileSize } from '../files'
import { MAX_NESTING, nestingOver } from '../input-limits'
import type { ScoreOptions } from './score'

/** One JSONL file of a dataset at most (the whole text is parsed in memory). */
const MAX_DATASET_BYTES = 256 * 2 ** 20

/** One evaluation item (the JSONL format of /work/shared/data/toolcall, see its README). */
export interface ItemMessage {
  role: 'user' | 'assistant' | 'system' | 'tool'
  content: string
  name?: string
  tool_calls?: ToolCall[]
}
export interface DatasetItem {
  id: string
  source: string
  tools: ToolDef[]
  messages: ItemMessage[]
  expected: ToolCall[]
  meta: Record<string, unknown>
}
export interface LineError {
  line: number
  message: string
  /** the file, when a folder of JSONL files was imported */
  file?: string
}
export interface ParsedDataset {
  items: DatasetItem[]
  errors: LineError[]
  /** non-empty lines read */
  lines: number
  /** empty lines (not items, not errors; counted so nothing disappears unseen) */
  blank: number
  files: string[]
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const ROLES = new Set(['user', 'assistant', 'system', 'tool'])

function toolProblem(t: unknown, i: number): string | null {
  if (!isObj(t)) return `tools[${i}] is not an object`
  if (typeof t.name !== 'string' || !t.name.trim()) return `tools[${i}] has no "name"`
  if (t.description !== undefined && typeof t.description !== 'string') return `tools[${i}] (${t.name}): "description" must be a string`
  const p = t.parameters
  if (!isObj(p)) return `tools[${i}] (${t.name}): "parameters" must be a JSON-schema object`
  if (p.type !== 'object') return `tools[${i}] (${t.name}): parameters.type must be "object", got ${JSON.stringify(p.type)}`
  if (p.properties !== undefined && !isObj(p.properties)) return `tools[${i}] (${t.name}): parameters.properties must be an object`
  if (p.properties && Object.entries(p.properties).some(([, v]) => !isObj(v))) return `tools[${i}] (${t.name}): every property must be a schema object`
  if (p.required !== undefined && (!Array.isArray(p.required) || p.required.some((r) => typeof r !== 'string'))) {
    return `tools[${i}] (${t.name}): parameters.required must be a list of names`
  }
  return null
}

function callProblem(c: unknown, where: string, tools: Set<string>): string | null {
  if (!isObj(c)) return `${where} is not an object`
  if (typeof c.name !== 'string' || !c.name) return `${where} has no "name"`
  if (!isObj(c.arguments)) return `${where} (${c.name}): "arguments" must be an object`
  if (!tools.has(c.name)) return `${where} calls "${c.name}", which is not one of the item's tools (${[...tools].join(', ')})`
  return null
}

/** Validates one parsed line; returns the item or what is wrong with it. */
export function validateItem(v: unknown): { item: DatasetItem } | { error: string } {
  if (!isObj(v)) return { error: 'the line is not a JSON object' }
  if (nestingOver(v) !== null) return { error: `the line is nested more than ${MAX_NESTING} levels deep (tool schemas and calls are a few levels deep)` }
  if (typeof v.id !== 'string' || !v.id.trim()) return { error: 'missing "id" (a non-empty string)' }
  if (v.source !== undefined && typeof v.source !== 'string') return { error: '"source" must be a string' }
  if (!Array.isArray(v.tools) || v.tools.length === 0) return { error: '"tools" must be a non-empty list' }
  for (let i = 0; i < v.tools.length; i++) {
    const p = toolProblem(v.tools[i], i)
    if (p) return { error: p }
  }
  const names = (v.tools as { name: string }[]).map((t) => t.name)
  const dup = names.find((n, i) => names.indexOf(n) !== i)
  if (dup) return { error: `tool "${dup}" is defined twice` }
  const toolSet = new Set(names)
  if (!Array.isArray(v.messages) || v.messages.length === 0) return { error: '"messages" must be a non-empty list' }
  for (let i = 0; i < v.messages.length; i++) {
    const m = v.messages[i]
    if (!isObj(m)) return { error: `messages[${i}] is not an object` }
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) return { error: `messages[${i}]: role must be user, assistant, system or tool, got ${JSON.stringify(m.role)}` }
    if (typeof m.content !== 'string') return { error: `messages[${i}] (${m.role}): "content" must be a string` }
    if (m.tool_calls !== undefined) {
      if (m.role !== 'assistant' || !Array.isArray(m.tool_calls)) return { error: `messages[${i}]: only assistant messages carry a "tool_calls" list` }
      for (let j = 0; j < m.tool_calls.length; j++) {
        const p = callProblem(m.tool_calls[j], `messages[${i}].tool_calls[${j}]`, toolSet)
        if (p) return { error: p }
      }
    }
  }
  if (!v.messages.some((m) => (m as ItemMessage).role === 'user')) return { error: '"messages" has no user message' }
  if (!Array.isArray(v.expected) || v.expected.length === 0) return { error: '"expected" must be a non-empty list of calls' }
  for (let i = 0; i < v.expected.length; i++) {
    const p = callProblem(v.expected[i], `expected[${i}]`, toolSet)
    if (p) return { error: p }
  }
  if (v.meta !== undefined && !isObj(v.meta)) return { error: '"meta" must be an object' }
  return {
    item: {
      id: v.id,
      source: typeof v.source === 'string' ? v.source : 'unknown',
      tools: (v.tools as Record<string, unknown>[]).map((t) => ({ name: t.name as string, description: (t.description as string) ?? '', parameters: t.parameters as ToolDef['parameters'] })),
      messages: v.messages as ItemMessage[],
      expected: v.expected as ToolCall[],
      meta: (v.meta as Record<string, unknown>) ?? {}
    }
  }
}

/** Parses JSONL text: every non-empty line becomes an item or an error with its line number. */
export function parseDatasetText(text: string, file?: string, seenIds = new Set<string>()): ParsedDataset {
  const out: ParsedDataset = { items: [], errors: [], lines: 0, blank: 0, files: file ? [file] : [] }
  const lines = text.split(/\r?\n/)
  if (lines.length && lines[lines.length - 1] === '') lines.pop() // the final newline ends the last line
  lines.forEach((raw, i) => {
    const line = i + 1
    const err = (message: string) => out.errors.push(file ? { line, message, file } : { line, message })
    if (!raw.trim()) {
      out.blank++
      return
    }
    out.lines++
    let v: unknown
    try {
      v = JSON.parse(raw)
    } catch (e) {
      return err(`invalid JSON: ${(e as Error).message}`)
    }
    const r = validateItem(v)
    if ('error' in r) return err(r.error)
    if (seenIds.has(r.item.id)) return err(`duplicate id "${r.item.id}"`)
    seenIds.add(r.item.id)
    out.items.push(r.item)
  })
  return out
}

/** Reads one JSONL file, or every *.jsonl file of a folder (sorted by name). */
export async function readDataset(path: string): Promise<ParsedDataset> {
  const st = await stat(path)
  if (!st.isDirectory()) {
    await regularFileSize(path, 'The dataset', MAX_DATASET_BYTES)
    return parseDatasetText(await readFile(path, 'utf8'), basename(path))
  }
  const files = (await readdir(path)).filter((f) => f.endsWith('.jsonl')).sort()
  const all: ParsedDataset = { items: [], errors: [], lines: 0, blank: 0, files: [] }
  const seen = new Set<string>()
  for (const f of files) {
    await regularFileSize(join(path, f), 'The dataset file', MAX_DATASET_BYTES)
    const p = parseDatasetText(await readFile(join(path, f), 'utf8'), f, seen)
    all.items.push(...p.items)
    all.errors.push(...p.errors)
    all.lines += p.lines
    all.blank += p.blank
    all.files.push(f)
  }
  return all
}

/**
 * The agent's view of an item: system messages join the system prompt; earlier turns become the history
 * (assistant tool calls as the call JSON the agent itself writes, tool results as a user turn); the last
 * message is the query. Consecutive turns of one role are merged (chat templates expect alternation).
 */
export function itemPrompt(item: DatasetItem): { systemPrompt: string; history: Turn[]; query: string } {
  const system: string[] = []
  const turns: Turn[] = []
  for (const m of item.messages) {
    if (m.role === 'system') {
      if (m.content.trim()) system.push(m.content.trim())
      continue
    }
    let text = m.content
    if (m.role === 'assistant' && m.tool_calls?.length) text = [m.content.trim(), ...m.tool_calls.map(callText)].filter(Boolean).join('\n')
    if (m.role === 'tool') text = `Result of ${m.name ?? 'the tool'}: ${m.content}`
    const role = m.role === 'assistant' ? 'assistant' : 'user'
    const last = turns[turns.length - 1]
    if (last && last.role === role) last.text = `${last.text}\n\n${text}`
    else turns.push({ role, text })
  }
  // the query is the final user turn; an item ending on an assistant turn asks for the next action
  let query = 'Continue: make the next tool call.'
  if (turns.length && turns[turns.length - 1].role === 'user') query = turns.pop()!.text
  return { systemPrompt: system.join('\n\n'), history: turns, query }
}

/** Scoring options that fit the item's source (see score.ts). */
export function itemScoring(item: DatasetItem): ScoreOptions {
  return { ordered: item.source === 'toolalpaca' || item.source === 'sealtools', possible: item.meta.bfcl_possible_answer, rules: item.source, tools: item.tools }
}
