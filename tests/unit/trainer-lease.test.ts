import { describe, expect, it } from 'vitest'
import { UserError } from '../../src/core/errors'
import type { ContextLease } from '../../src/core/models/types'
import type { Services } from '../../src/core/services'
import { acquireContext } from '../../src/core/trainer/lease'

const lease = { release: () => undefined } as unknown as ContextLease

/** A host whose first `failures` acquires fail with `code`, and a trainer that records releases. */
function fakes(failures: number, code = 'out_of_memory') {
  const calls: string[] = []
  let left = failures
  const s = {
    host: {
      acquire: async () => {
        calls.push('acquire')
        if (left-- > 0) throw new UserError('Not enough memory for a 4096-token context.', code)
        return lease
      }
    },
    trainer: {
      release: async () => {
        calls.push('release trainer')
      }
    }
  } as unknown as Pick<Services, 'host' | 'trainer'>
  return { s, calls }
}

describe('acquireContext', () => {
  it('takes the context when it fits, without touching the trainer', async () => {
    const { s, calls } = fakes(0)
    expect(await acquireContext(s)).toBe(lease)
    expect(calls).toEqual(['acquire'])
  })
  it('out of memory: frees the waiting trainer worker, then tries once more', async () => {
    const { s, calls } = fakes(1)
    expect(await acquireContext(s)).toBe(lease)
    expect(calls).toEqual(['acquire', 'release trainer', 'acquire'])
  })
  it('still out of memory after that: the error reaches the caller', async () => {
    const { s, calls } = fakes(2)
    await expect(acquireContext(s)).rejects.toMatchObject({ code: 'out_of_memory' })
    expect(calls).toEqual(['acquire', 'release trainer', 'acquire'])
  })
  it('other errors are not retried', async () => {
    const { s, calls } = fakes(1, 'no_model')
    await expect(acquireContext(s)).rejects.toMatchObject({ code: 'no_model' })
    expect(calls).toEqual(['acquire'])
  })
})
