import { writeFileSync } from 'node:fs'
import type { CliEngine as Engine } from './remote'
import { need, usageError } from './usage'

/**
 * `experiments run <dataset.jsonl|folder> <model-id> [methods=baseline,tt-icl,tt-si] [limit|all] [taus=0.5,0.95] [seeds=0,1]
 *  [k=1] [maxTokens=384] [keepAdapters=true] [teacher=<model-id>] [out=report.json]` and `experiments show <run-id>`.
 */
function runOptions(args: string[]): { input: Record<string, unknown>; out: string | null } {
  const input: Record<string, unknown> = {}
  let out: string | null = null
  const nums = (v: string) => v.split(',').map(Number)
  for (const a of args) {
    const [k, v = ''] = a.split('=')
    if (k === 'taus' || k === 'seeds') input[k] = nums(v)
    else if (k === 'k' || k === 'maxTokens') input[k] = Number(v)
    else if (k === 'keepAdapters') input[k] = v === 'true'
    else if (k === 'teacher') input.teacherModelId = v
    else if (k === 'out') out = v
    else throw usageError('experiments', `Unknown option "${a}" (taus=, seeds=, k=, maxTokens=, keepAdapters=, teacher=, out=)`)
  }
  return { input, out }
}
export async function runExperimentCli(e: Engine, sub: string, rest: string[], print: (v: unknown) => void): Promise<void> {
  if (sub === 'show') return print(await e.call('experiments.get', { id: need(rest, 1, 'experiments', 'the run id')[0] }, { origin: 'cli' }))
  if (sub === 'list') return print(await e.call('experiments.list', {}, { origin: 'cli' }))
  if (sub !== 'run' && sub !== 'resume') throw usageError('experiments', `Unknown "experiments" command "${sub}".`)
  need(rest, sub === 'run' ? 2 : 1, 'experiments', sub === 'run' ? 'the dataset and the model id' : 'the run id')
  let runId: string
  let jobId: string
  let reportPath: string | null = null
  if (sub === 'resume') {
    runId = rest[0]
    jobId = (await e.call('experiments.resume', { id: runId }, { origin: 'cli' })).jobId
  } else {
    const [path, modelId, methods = 'baseline,tt-icl,tt-si', limit, ...more] = rest
    const opts = runOptions(more)
    reportPath = opts.out
    await e.call('models.load', { modelId }, { origin: 'cli' })
    const ds = await e.call('datasets.import', { path }, { origin: 'cli' })
    if (ds.errors.length) console.error(`${ds.errors.length} malformed lines were rejected, e.g. line ${ds.errors[0].line}: ${ds.errors[0].message}`)
    const r = await e.call(
      'experiments.start',
      { datasetId: ds.id, modelId, methods: methods.split(',') as never, limit: limit && limit !== 'all' ? Number(limit) : null, ...opts.input },
      { origin: 'cli' }
    )
    runId = r.runId
    jobId = r.jobId
  }
  console.error(`run ${runId}`)
  await new Promise<void>((resolve, reject) => {
    e.onEvent((ev) => {
      if (ev.type === 'experiment.progress' && ev.runId === runId) process.stderr.write(`\r${ev.done}/${ev.total}`)
      if (ev.type === 'job.update' && ev.job.id === jobId && ev.job.status !== 'running') {
        process.stderr.write('\n')
        if (ev.job.status === 'done') resolve()
        else reject(new Error(ev.job.error ?? ev.job.status))
      }
    })
  })
  const run = await e.call('experiments.get', { id: runId }, { origin: 'cli' })
  if (reportPath) {
    writeFileSync(reportPath, JSON.stringify(run.report, null, 2))
    console.error(`report written to ${reportPath}`)
    const { report: _r, ...summary } = run
    return print(summary)
  }
  print(run)
}
