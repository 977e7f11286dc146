import { getLlama, type Llama } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderPrompt } from '../../src/core/agent/answer'
import { CALL_PREFIX, callText } from '../../src/core/agent/prompt'
import type { ToolDef } from '../../src/core/contract'
import { candidateTokens, rssCandidates, scoreRss } from '../../src/core/uncertainty/rss'
import { loadFamilyModel, type Family } from '../fixtures/family-models'
import { answerNll } from '../fixtures/nll'

// Tool names that share prefixes, as real tool sets do.
const tool = (name: string): ToolDef => ({ name, description: name, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } })
const profile = { systemPrompt: 'You are a helpful assistant.', tools: [tool('get_weather'), tool('get_weather_forecast'), tool('get_time')] }
const query = 'Will it rain in Paris tomorrow?'

let llama: Llama
beforeAll(async () => {
  llama = await getLlama({ gpu: false })
})

for (const family of ['qwen2', 'llama3'] as Family[]) {
  describe(`RSS over tool names on the ${family} fixture's real BPE vocabulary`, () => {
    let lease: Awaited<ReturnType<typeof loadFamilyModel>>
    beforeAll(async () => {
      lease = await loadFamilyModel(llama, family)
    })
    afterAll(async () => {
      await lease?.dispose()
    })

    it("each candidate is scored on the real call's own tokens, up to the token that closes the name", () => {
      const { model } = lease
      const c = rssCandidates(profile)
      const ends = new Set<string>()
      profile.tools.forEach((t, i) => {
        const scored = candidateTokens(model, c.texts[i], c.cover[i])
        const real = model.tokenize(callText({ name: t.name, arguments: { city: 'Paris' } }), false, 'trimLeadingSpace')
        expect(real.slice(0, scored.length)).toEqual(scored) // a prefix of the real call's tokens
        expect(model.detokenize(scored)).toContain(`${CALL_PREFIX}${t.name}"`)
        ends.add(model.detokenize(scored.slice(-1)))
        // the former candidate ended on a lone closing quote: a token the real call does not contain there
        const former = model.tokenize(`${CALL_PREFIX}${t.name}"`, false, 'trimLeadingSpace')
        expect(real.slice(0, former.length)).not.toEqual(former)
      })
      // every candidate ends on the same merged token (e.g. '","'): the tools differ only in their names' tokens
      expect(ends.size).toBe(1)
      expect([...ends][0].startsWith('"') && [...ends][0].length > 1).toBe(true)
    })

    it("a candidate's log-probability is exactly that of the real call's tokens up to the end of the name", async () => {
      const { model } = lease
      const s = await scoreRss({ lease, profile, query, tau: 0.5, normalize: 'sum' })
      const prompt = renderPrompt({ lease, profile, query })
      const c = rssCandidates(profile)
      for (const i of [0, 1]) { // the two names that share a prefix (each independent check is a full evaluation)
        const scored = candidateTokens(model, c.texts[i], c.cover[i])
        const nll = await answerNll(lease.sequence, [...prompt.tokens, ...scored], [...prompt.tokens.map(() => 0), ...scored.map(() => 1)])
        expect(Math.abs(s.candidates[i].logProb - -nll * scored.length)).toBeLessThan(1e-3)
      }
      const sorted = s.candidates.map((x) => x.score).sort((a, b) => b - a)
      expect(s.margin).toBeCloseTo(sorted[0] - sorted[1], 12)
    })
  })
}
