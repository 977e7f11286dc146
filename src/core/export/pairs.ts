import { mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../atomic-file'
import { dirname } from 'node:path'
import type { AgentProfile, Example } from '../contract'
import { toExample } from '../rounds/repo'
import type { Db } from '../storage/types'

/** An approved pair with the profile (system prompt, tools) of the round it was written for. */
export interface ExportPair {
  example: Pick<Example, 'id' | 'roundId' | 'input' | 'call' | 'text' | 'provenance'>
  profile: Pick<AgentProfile, 'systemPrompt' | 'tools'>
}

/**
 * OpenAI chat fine-tuning format: {"messages": [system?, user, assistant], "tools": [...]} where a
 * tool-call answer is an assistant message with tool_calls (arguments as a JSON string, as the API sends
 * them) and a text answer is the assistant's content.
 */
export function toOpenAI(p: ExportPair): Record<string, unknown> {
  const messages: Record<string, unknown>[] = []
  if (p.profile.systemPrompt.trim()) messages.push({ role: 'system', content: p.profile.systemPrompt })
  messages.push({ role: 'user', content: p.example.input })
  if (p.example.call) {
    messages.push({
      role: 'assistant',
      tool_calls: [{ id: 'call_0', type: 'function', function: { name: p.example.call.name, arguments: JSON.stringify(p.example.call.arguments) } }]
    })
  } else messages.push({ role: 'assistant', content: p.example.text ?? '' })
  const out: Record<string, unknown> = { messages }
  if (p.profile.tools.length) out.tools = p.profile.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }))
  return out
}

/**
 * ShareGPT as LLaMA-Factory reads it: {"conversations": [{"from": "human"}, {"from": "function_call" | "gpt"}],
 * "system": ..., "tools": "<JSON list of tool schemas>"}; a call's value is {"name", "arguments"} as JSON text.
 */
export function toShareGPT(p: ExportPair): Record<string, unknown> {
  const answer = p.example.call
    ? { from: 'function_call', value: JSON.stringify({ name: p.example.call.name, arguments: p.example.call.arguments }) }
    : { from: 'gpt', value: p.example.text ?? '' }
  const out: Record<string, unknown> = { conversations: [{ from: 'human', value: p.example.input }, answer] }
  if (p.profile.systemPrompt.trim()) out.system = p.profile.systemPrompt
  if (p.profile.tools.length) out.tools = JSON.stringify(p.profile.tools)
  return out
}

/** Every approved pair (of the given rounds, or of all rounds), oldest first. */
export async function approvedPairs(db: Db, roundIds?: string[]): Promise<ExportPair[]> {
  const where = roundIds?.length ? ` AND e.round_id IN (${roundIds.map(() => '?').join(',')})` : ''
  const rows = await db.all<Parameters<typeof toExample>[0] & { profile: string }>(
    `SELECT e.*, r.profile AS profile FROM examples e JOIN rounds r ON r.id = e.round_id WHERE e.status = 'approved'${where} ORDER BY e.created_at, e.rowid`,
    roundIds ?? []
  )
  return rows.map((r) => {
    const profile = JSON.parse(r.profile) as ExportPair['profile']
    return { example: toExample(r), profile: { systemPrompt: profile.systemPrompt ?? '', tools: profile.tools ?? [] } }
  })
}

/** Writes the pairs as JSONL (one record a line). */
export async function writePairs(path: string, pairs: ExportPair[], format: 'openai' | 'sharegpt'): Promise<number> {
  const conv = format === 'openai' ? toOpenAI : toShareGPT
  await mkdir(dirname(path), { recursive: true })
  await writeFileAtomic(path, pairs.map((p) => JSON.stringify(conv(p))).join('\n') + (pairs.length ? '\n' : ''))
  return pairs.length
}
