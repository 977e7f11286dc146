import { describe, expect, it } from 'vitest'
import { settingsPatchFromArgs } from '../../src/cli/settings-args'
import { checkCommandLine, helpText, need } from '../../src/cli/usage'

const usage = (fn: () => unknown) => {
  try {
    fn()
  } catch (err) {
    expect((err as { code: string }).code).toBe('usage')
    return (err as Error).message
  }
  throw new Error('no usage error')
}

describe('CLI command line', () => {
  it('help: the commands, and one command\'s usage', () => {
    expect(checkCommandLine(['--help'])?.help).toMatch(/^ {2}rounds +self-improvement rounds$/m)
    expect(checkCommandLine(['-h'])?.help).toBe(helpText())
    expect(checkCommandLine(['help'])?.help).toBe(helpText())
    expect(checkCommandLine(['help', 'rounds'])?.help).toMatch(/autodidact rounds resume <round-id>/)
    expect(checkCommandLine(['review', '--help'])?.help).toMatch(/autodidact review approve <example-id> \.\.\./)
    expect(checkCommandLine(['rounds', 'start', '--help'])?.help).toBe(helpText('rounds'))
    expect(checkCommandLine(['rounds', 'list'])).toBeNull()
    expect(checkCommandLine(['info'])).toBeNull()
  })
  it('unknown commands and sub-commands, missing arguments: what was wrong and what to type', () => {
    expect(usage(() => checkCommandLine([]))).toMatch(/Give a command[^]*autodidact --help/)
    expect(usage(() => checkCommandLine(['frobnicate']))).toMatch(/Unknown command "frobnicate"\. Commands: info, call, models, chat, settings, rounds, review, experiments, db, help\.[^]*autodidact --help/)
    expect(usage(() => checkCommandLine(['help', 'nope']))).toMatch(/There is no command "nope"/)
    expect(usage(() => checkCommandLine(['rounds']))).toMatch(/"rounds" needs one of: list, show, start, resume[^]*autodidact rounds show <round-id>/)
    expect(usage(() => checkCommandLine(['models', 'delete']))).toMatch(/Unknown "models" command "delete"[^]*autodidact models import <path\.gguf>/)
    expect(usage(() => need([], 1, 'review', 'the example ids'))).toMatch(/Missing the example ids[^]*autodidact review approve <example-id>/)
    expect(usage(() => need(['model_x'], 2, 'rounds', 'the model id and the query'))).toMatch(/Missing the model id and the query[^]*rounds start <model-id>/)
    expect(need(['a', 'b'], 2, 'rounds', 'x')).toEqual(['a', 'b'])
    expect(usage(() => settingsPatchFromArgs(['tau'], {}))).toMatch(/"tau" is not key=value[^]*autodidact settings set key=value/)
  })
})
