import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toOpenAI, toShareGPT, writePairs, type ExportPair } from '../../src/core/export/pairs'

const tools = [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } }]
const pairs: ExportPair[] = [
  { example: { id: 'e1', roundId: 'r1', input: 'Weather in Rome?', call: { name: 'get_weather', arguments: { city: 'Rome' } }, text: null, provenance: 'self' }, profile: { systemPrompt: 'Be brief.', tools } },
  { example: { id: 'e2', roundId: 'r2', input: 'Say hi', call: null, text: 'Hi!', provenance: 'teacher:x' }, profile: { systemPrompt: '', tools: [] } }
]

describe('export of approved pairs', () => {
  it('OpenAI chat format: tool_calls with JSON-string arguments, tools as functions; one record per line', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'exp-')), 'out', 'pairs.jsonl')
    expect(await writePairs(path, pairs, 'openai')).toBe(2)
    const text = readFileSync(path, 'utf8')
    expect(text.endsWith('\n')).toBe(true)
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Rome?' },
        { role: 'assistant', tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] }
      ],
      tools: [{ type: 'function', function: tools[0] }]
    })
    expect(JSON.parse(lines[0].messages[2].tool_calls[0].function.arguments)).toEqual({ city: 'Rome' })
    expect(lines[1]).toEqual({ messages: [{ role: 'user', content: 'Say hi' }, { role: 'assistant', content: 'Hi!' }] })
  })

  it('ShareGPT (LLaMA-Factory): human / function_call / gpt turns, tools as a JSON string', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'exp-')), 'pairs.sharegpt.jsonl')
    await writePairs(path, pairs, 'sharegpt')
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(lines[0]).toEqual({
      conversations: [
        { from: 'human', value: 'Weather in Rome?' },
        { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Rome"}}' }
      ],
      system: 'Be brief.',
      tools: JSON.stringify(tools)
    })
    expect(JSON.parse(lines[0].tools)[0].name).toBe('get_weather')
    expect(lines[1]).toEqual({ conversations: [{ from: 'human', value: 'Say hi' }, { from: 'gpt', value: 'Hi!' }] })
  })

  it('the converters are pure and keep argument values exactly', () => {
    const p: ExportPair = { ...pairs[0], example: { ...pairs[0].example, call: { name: 'get_weather', arguments: { city: 'São Paulo', n: 1.5, tags: ['a'] } } } }
    const o = toOpenAI(p) as { messages: { tool_calls?: { function: { arguments: string } }[] }[] }
    expect(JSON.parse(o.messages[2].tool_calls![0].function.arguments)).toEqual({ city: 'São Paulo', n: 1.5, tags: ['a'] })
    const sg = toShareGPT(p) as { conversations: { value: string }[] }
    expect(JSON.parse(sg.conversations[1].value).arguments).toEqual({ city: 'São Paulo', n: 1.5, tags: ['a'] })
  })
})
