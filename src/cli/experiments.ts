import type { Engine } from '../core/engine'

/** `experiments run <dataset.jsonl> <model-id> [methods=baseline,tt-icl,tt-si] [limit]` and `experiments show <run-id>`. */
export async function runExperimentCli(e: Engine, sub: string, rest: string[], print: (v: unknown) => void): Promise<void> {
  if (sub === 'show') return print(await e.call('experiments.get', { id: rest[0] }, { origin: 'cli' }))
  if (sub === 'list') return print(await e.call('experiments.list', {}, { origin: 'cli' }))
  if (sub !== 'run' && sub !== 'resume') throw new Error('usage: experiments run <dataset.jsonl> <model-id> [methods] [limit] | resume <run-id> | show <run-id> | list')
  let runId: string
  let jobId: string
  if (sub === 'resume') {
    runId = rest[0]
    jobId = (await e.call('experiments.resume', { id: runId }, { origin: 'cli' })).jobId
  } else {
    const [path, modelId, methods = 'baseline,tt-icl,tt-si', limit] = rest
    await e.call('models.load', { modelId }, { origin: 'cli' })
    const ds = await e.call('datasets.import', { path }, { origin: 'cli' })
    if (ds.errors.length) console.error(`${ds.errors.length} malformed lines were rejected, e.g. line ${ds.errors[0].line}: ${ds.errors[0].message}`)
    const r = await e.call(
      'experiments.start',
      { datasetId: ds.id, modelId, methods: methods.split(',') as never, limit: limit ? Number(limit) : null },
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
  print(await e.call('experiments.get', { id: runId }, { origin: 'cli' }))
}
