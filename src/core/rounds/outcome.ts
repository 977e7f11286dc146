import type { Example, Settings } from '../contract'

/**
 * Why a round ended with nothing to train on, and what to do: the counts, the validator's reasons (most
 * frequent first) and the ways on (a teacher, an edited pair, a retry).
 */
export function noValidExamplesMessage(examples: Example[], teacher: Settings['teacher']): string {
  const invalid = examples.filter((e) => e.status === 'invalid')
  const rejected = examples.filter((e) => e.status === 'rejected')
  const counts = new Map<string, number>()
  for (const e of invalid) counts.set(e.reason ?? 'no reason recorded', (counts.get(e.reason ?? 'no reason recorded') ?? 0) + 1)
  const reasons = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([r, n]) => `${n}× ${r}`).join('; ')
  const what: string[] = []
  if (examples.length === 0) what.push('The generator returned no examples at all.')
  else {
    const parts = [invalid.length ? `${invalid.length} invalid (${reasons}${counts.size > 3 ? '; …' : ''})` : null, rejected.length ? `${rejected.length} rejected in review` : null]
    what.push(`${examples.length} example${examples.length === 1 ? '' : 's'} generated, none usable: ${parts.filter(Boolean).join(', ')}.`)
  }
  what.push('Nothing was trained and the answer stands.')
  const fixes = [
    teacher.kind === 'none' ? 'set a teacher in Settings (a larger local model, an OpenAI-compatible endpoint, or the built-in demo teacher for the demo model)' : null,
    invalid.length ? 'edit an invalid pair in the round\'s decision trail' : null,
    'Retry to write new examples'
  ].filter(Boolean) as string[]
  what.push(`What to do: ${fixes.join(', or ')}.`)
  return what.join(' ')
}
