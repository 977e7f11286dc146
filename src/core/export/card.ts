import type { Example, ModelInfo, Round } from '../contract'

/** A model card (markdown) for an adapter exported from a round: base model, data, config, scores. */
export function modelCard(opts: { round: Round; examples: Example[]; model: ModelInfo | null; adapterFile: string; experiment?: { runId: string; method: string; exact: boolean; baselineExact: boolean | null } | null }): string {
  const { round, examples, model, adapterFile } = opts
  const approved = examples.filter((e) => e.status === 'approved')
  const t = round.training
  const call = (c: Round['before']) => (c?.call ? `\`${JSON.stringify(c.call)}\`` : c?.text ? `text: ${c.text.slice(0, 200)}` : '(none)')
  const losses = t?.losses ?? []
  const lines = [
    `# LoRA adapter ${adapterFile}`,
    '',
    `Trained by Autodidact at test time (TT-SI round \`${round.id}\`, ${new Date(round.updatedAt).toISOString()}).`,
    '',
    '## Base model',
    '',
    `- id: \`${round.modelId}\``,
    `- name: ${model?.name ?? '(not in the library any more)'}`,
    `- architecture: ${model?.architecture ?? 'unknown'}`,
    `- file: ${model ? model.path.split(/[\\/]/).pop() : 'unknown'}`,
    '',
    'The adapter only fits this base model (same architecture and tensor shapes).',
    '',
    '## Data',
    '',
    `- the uncertain query: ${JSON.stringify(round.query)}`,
    `- approved training pairs: ${approved.length} (of ${examples.length} generated; provenance: ${[...new Set(approved.map((e) => e.provenance))].join(', ') || 'none'})`,
    ...approved.map((e) => `  - ${JSON.stringify(e.input)} -> ${e.call ? `\`${JSON.stringify(e.call)}\`` : JSON.stringify(e.text)}`),
    '',
    '## Training config',
    '',
    '```json',
    JSON.stringify(t?.config ?? {}, null, 2),
    '```',
    '',
    '## Scores',
    '',
    `- uncertainty before (${round.uncertainty?.estimator ?? 'n/a'}): margin ${round.uncertainty ? round.uncertainty.margin.toFixed(4) : 'n/a'} (tau ${round.uncertainty?.tau ?? 'n/a'})`,
    `- training loss: ${losses.length ? `${losses[0].loss.toFixed(4)} (first step) -> ${(t?.finalLoss ?? losses[losses.length - 1].loss).toFixed(4)} (final), ${losses.length} steps` : 'n/a'}`,
    `- training speed: ${t?.tokensPerSec ? `${Math.round(t.tokensPerSec)} tokens/s` : 'n/a'}`,
    `- answer before: ${call(round.before)}`,
    `- answer after: ${call(round.after)}`
  ]
  if (opts.experiment) {
    const x = opts.experiment
    lines.push(`- offline experiment run \`${x.runId}\` (${x.method}): exact match ${x.exact ? 'yes' : 'no'}${x.baselineExact === null ? '' : ` (baseline: ${x.baselineExact ? 'yes' : 'no'})`}`)
  }
  lines.push('', 'Scores from one query are anecdotal; use an offline experiment run for accuracy.', '')
  return lines.join('\n')
}
