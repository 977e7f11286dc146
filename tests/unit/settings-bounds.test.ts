import { describe, expect, it } from 'vitest'
import { settingsPatchSchema } from '../../src/core/contract'
import { allSettingBounds } from '../../src/core/settings/bounds'
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings'
import { inputBounds, numberError, rangeText } from '../../src/renderer/src/views/settings/bounds'

describe('settings bounds (settings.bounds) and the Settings view field checks', () => {
  const b = allSettingBounds()

  it('come from the engine schema: min, max, whether the minimum is excluded, integers, the arrows step', () => {
    expect(b.k).toEqual({ min: 1, max: 20, integer: true, step: 1 })
    expect(b.tau).toEqual({ min: 0, max: 1, integer: false, step: 0.01 })
    expect(b['optim.lr']).toEqual({ min: 0, max: 1, minExclusive: true, integer: false, step: 0.00001 })
    expect(b['optim.weightDecay']).toEqual({ min: 0, integer: false, step: 0.01 }) // no upper bound: none invented
    expect(b['teacher.timeoutSec']).toMatchObject({ min: 5, max: 3600, integer: true })
    expect(inputBounds(b['optim.weightDecay'])).toEqual({ min: 0, max: undefined, step: 0.01 })
  })

  it('the view refuses exactly what the engine refuses', () => {
    const cases: [string, number][] = [['k', 0], ['k', 20], ['k', 21], ['k', 2.5], ['tau', 1], ['tau', 1.01], ['optim.lr', 0], ['optim.lr', 1e-6], ['contextSize', 255], ['rssSamples', 32], ['optim.warmup', -0.1], ['lora.rank', 256], ['maxAnswerTokens', 15], ['maxAnswerTokens', 8192], ['maxAnswerTokens', 8193]]
    for (const [path, value] of cases) {
      const [top, sub] = path.split('.')
      const patch = sub ? { [top]: { ...(DEFAULT_SETTINGS as unknown as Record<string, object>)[top], [sub]: value } } : { [top]: value }
      const engineAccepts = settingsPatchSchema.safeParse(patch).success
      expect({ path, value, refused: numberError(value, b[path]) !== null }).toEqual({ path, value, refused: !engineAccepts })
    }
  })

  it('says what is wrong and what is allowed', () => {
    expect(numberError(25, b.k)).toBe('25 is too large: from 1 to 20.')
    expect(numberError(0, b['optim.lr'])).toBe('0 is too small: above 0 and at most 1.')
    expect(numberError(2.5, b.k)).toBe('Must be a whole number (from 1 to 20).')
    expect(numberError(Number.NaN, b.tau)).toBe('Enter a number from 0 to 1.')
    expect(rangeText(b['optim.weightDecay'])).toBe('at least 0')
    expect(numberError(0.5, b.tau)).toBeNull()
  })
})
