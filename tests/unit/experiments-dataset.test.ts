import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { itemPrompt, parseDatasetText, readDataset } from '../../src/core/experiments/dataset'

const tool = { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }
const good = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, source: 'test', tools: [tool], messages: [{ role: 'user', content: 'Weather in Paris?' }], expected: [{ name: 'get_weather', arguments: { city: 'Paris' } }], meta: {}, ...extra })

describe('dataset import', () => {
  it('accepts valid lines and rejects each bad line with its number and the problem', () => {
    const lines = [
      good('a'),
      '{"id": "b", "tools": [', // broken JSON
      good('c', { expected: [{ name: 'get_time', arguments: {} }] }),
      good('d', { tools: [{ ...tool, parameters: { type: 'string' } }] }),
      good('e', { tools: [{ name: 'get_weather', description: 'x' }] }),
      good('f', { messages: [] }),
      good('g', { expected: [{ name: 'get_weather', arguments: 'Paris' }] }),
      '',
      good('a'), // duplicate id
      good('h', { messages: [{ role: 'robot', content: 'hi' }] }),
      '[1, 2]',
      good('i', { id: '' }),
      good('j', { messages: [{ role: 'system', content: 'be brief' }] }),
      good('k')
    ]
    const d = parseDatasetText(lines.join('\n') + '\n')
    expect(d.items.map((i) => i.id)).toEqual(['a', 'k'])
    expect(d.lines).toBe(13)
    expect(d.blank).toBe(1)
    expect(d.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13])
    const msg = Object.fromEntries(d.errors.map((e) => [e.line, e.message]))
    expect(msg[2]).toMatch(/^invalid JSON/)
    expect(msg[3]).toBe('expected[0] calls "get_time", which is not one of the item\'s tools (get_weather)')
    expect(msg[4]).toBe('tools[0] (get_weather): parameters.type must be "object", got "string"')
    expect(msg[5]).toBe('tools[0] (get_weather): "parameters" must be a JSON-schema object')
    expect(msg[6]).toBe('"messages" must be a non-empty list')
    expect(msg[7]).toBe('expected[0] (get_weather): "arguments" must be an object')
    expect(msg[9]).toBe('duplicate id "a"')
    expect(msg[10]).toMatch(/role must be user, assistant, system or tool/)
    expect(msg[11]).toBe('the line is not a JSON object')
    expect(msg[12]).toBe('missing "id" (a non-empty string)')
    expect(msg[13]).toBe('"messages" has no user message')
    expect(d.items.length + d.errors.length).toBe(d.lines)
  })

  it('imports a folder of JSONL files, naming the file of each error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ds-'))
    writeFileSync(join(dir, 'a.jsonl'), `${good('x')}\n${good('y')}\n`)
    writeFileSync(join(dir, 'b.jsonl'), `${good('x')}\nnot json\n`)
    writeFileSync(join(dir, 'notes.txt'), 'ignored')
    const d = await readDataset(dir)
    expect(d.files).toEqual(['a.jsonl', 'b.jsonl'])
    expect(d.items.map((i) => i.id)).toEqual(['x', 'y'])
    expect(d.errors).toEqual([
      { line: 1, message: 'duplicate id "x"', file: 'b.jsonl' },
      { line: 2, message: expect.stringMatching(/^invalid JSON/), file: 'b.jsonl' }
    ])
  })

  it('reads the shared tool-calling data without a rejected line', async () => {
    const d = await readDataset('/work/shared/data/toolcall')
    expect(d.errors).toEqual([])
    expect(d.items.length).toBe(750)
    expect(new Set(d.items.map((i) => i.source))).toEqual(new Set(['apibank', 'bfcl', 'nexusraven', 'sealtools', 'toolalpaca']))
  })

  it('builds the prompt: system joins the system prompt, tool calls and results become turns, last message is the query', () => {
    const d = parseDatasetText(
      good('m', {
        messages: [
          { role: 'system', content: 'This year is 2023.' },
          { role: 'user', content: 'Log me in' },
          { role: 'assistant', content: '', tool_calls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] },
          { role: 'tool', name: 'get_weather', content: '{"output": "rain"}' },
          { role: 'user', content: 'And Paris?' }
        ]
      })
    )
    expect(d.errors).toEqual([])
    expect(itemPrompt(d.items[0])).toEqual({
      systemPrompt: 'This year is 2023.',
      history: [
        { role: 'user', text: 'Log me in' },
        { role: 'assistant', text: '{"name":"get_weather","arguments":{"city":"Oslo"}}' }
      ],
      query: 'Result of get_weather: {"output": "rain"}\n\nAnd Paris?'
    })
  })
})
