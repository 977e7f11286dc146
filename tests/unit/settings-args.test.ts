import { describe, expect, it } from 'vitest'
import { settingsPatchFromArgs } from '../../src/cli/settings-args'
import { settingsPatchSchema } from '../../src/core/contract'
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings'

const current = DEFAULT_SETTINGS as unknown as Record<string, unknown>

describe('cli settings set key=value', () => {
  it('parses numbers, booleans, strings and JSON arrays', () => {
    expect(settingsPatchFromArgs(['tau=0.9', 'autoImprove=true', 'estimator=token-entropy', 'k=5'], current)).toEqual({
      tau: 0.9, autoImprove: true, estimator: 'token-entropy', k: 5
    })
    expect(settingsPatchFromArgs(['lora.targets=["attn_q","attn_v"]'], current)).toMatchObject({ lora: { targets: ['attn_q', 'attn_v'] } })
  })

  it('a dotted key changes one field and keeps the rest of its group, giving a valid patch', () => {
    const patch = settingsPatchFromArgs(['lora.rank=16', 'lora.alpha=32', 'optim.lr=0.001'], current)
    expect(patch).toEqual({ lora: { ...DEFAULT_SETTINGS.lora, rank: 16, alpha: 32 }, optim: { ...DEFAULT_SETTINGS.optim, lr: 0.001 } })
    expect(settingsPatchSchema.safeParse(patch).success).toBe(true)
  })

  it('keeps "=" inside values and rejects malformed arguments', () => {
    expect(settingsPatchFromArgs(['teacher.baseUrl=http://h/x?a=b'], { teacher: { kind: 'http' } })).toEqual({ teacher: { kind: 'http', baseUrl: 'http://h/x?a=b' } })
    expect(() => settingsPatchFromArgs(['tau'], current)).toThrow(/key=value/)
    expect(() => settingsPatchFromArgs(['tau.x=1'], current)).toThrow(/not a settings group/)
  })

  it('the contract rejects misspelt keys instead of ignoring them', () => {
    const r = settingsPatchSchema.safeParse({ tua: 0.5 })
    expect(r.success).toBe(false)
    expect(JSON.stringify(r.error?.issues)).toMatch(/tua/)
  })
})
