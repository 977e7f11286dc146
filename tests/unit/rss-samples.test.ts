import { describe, expect, it } from 'vitest'
import { distinctCalls } from '../../src/core/uncertainty/samples'
import { rssCandidates } from '../../src/core/uncertainty/rss'

const profile = {
  tools: [
    { name: 'get_weather', description: '', parameters: { type: 'object' as const, properties: { city: { type: 'string' } } } },
    { name: 'set_timer', description: '', parameters: { type: 'object' as const, properties: { minutes: { type: 'integer' } } } }
  ]
}

describe('RSS candidates from sampled calls', () => {
  it('keeps distinct calls in first-seen order, equal up to JSON formatting, and drops what is not a call', () => {
    const texts = [
      '{"name":"get_weather","arguments":{"city":"Oslo"}}',
      '{ "name": "get_weather", "arguments": { "city": "Oslo" } }', // the same call, other whitespace
      '{"name":"set_timer","arguments":{"minutes":5}}',
      '{"name":"get_weather","arguments":{"city":', // cut off
      '{"name":"send_email","arguments":{}}', // not one of the profile's tools
      'plain text',
      '{"name":"get_weather","arguments":{"city":"Lima"}}'
    ]
    expect(distinctCalls(texts, profile)).toEqual([texts[0], texts[2], texts[6]])
  })

  it('labels tool names first, then the sampled calls; tools can be left out', () => {
    const extra = ['{"name":"set_timer","arguments":{"minutes":5}}']
    expect(rssCandidates(profile, extra)).toEqual({
      texts: ['{"name":"get_weather","arguments":', '{"name":"set_timer","arguments":', extra[0]],
      labels: ['get_weather', 'set_timer', `sample 1: ${extra[0]}`],
      cover: ['{"name":"get_weather"'.length, '{"name":"set_timer"'.length, extra[0].length]
    })
    expect(rssCandidates(profile, extra, false)).toEqual({ texts: extra, labels: [`sample 1: ${extra[0]}`], cover: [extra[0].length] })
  })
})
