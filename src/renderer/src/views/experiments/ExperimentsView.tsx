import { useEffect, useState } from 'react'
import type { ExperimentMethod, RunInfo } from '../../../../core/contract'
import { ms, pct, when, words } from '../../../../shared/format'
import { useAction, useCall, useEvent } from '../../hooks'
import { engine } from '../../rpc'
import { Badge } from '../../ui/Badge'
import { Button } from '../../ui/Button'
import { Card, PageHeader } from '../../ui/Card'
import { Field, Input, Select } from '../../ui/Field'
import { EmptyState, ErrorNote, Progress } from '../../ui/States'
import { FoldToggle, useFoldable } from '../../ui/Fold'
import { methodName } from '../../labels'
import { CompareRuns } from './CompareRuns'
import { ResultsCharts } from './ResultsCharts'

const METHODS: ExperimentMethod[] = ['baseline', 'tt-icl', 'tt-si', 'tt-d']

function NewRun({ onStarted }: { onStarted: (id: string) => void }) {
  const datasets = useCall('datasets.list', {})
  const models = useCall('models.list', {})
  const [path, setPath] = useState('')
  const [datasetId, setDatasetId] = useState('')
  const [methods, setMethods] = useState<ExperimentMethod[]>(['baseline', 'tt-icl', 'tt-si'])
  const [taus, setTaus] = useState('0.5, 0.8, 0.95')
  const [seeds, setSeeds] = useState('0')
  const [limit, setLimit] = useState('20')
  const action = useAction()
  const modelId = models.data?.find((m) => m.loaded)?.id ?? models.data?.[0]?.id ?? ''
  useEffect(() => {
    if (!datasetId && datasets.data?.length) setDatasetId(datasets.data[0].id)
  }, [datasets.data, datasetId])
  const ds = datasets.data?.find((d) => d.id === datasetId)
  return (
    <Card title="New run" testId="new-run">
      <div className="grid gap-3 md:grid-cols-2">
        <div className="space-y-2">
          <Field label="Import a dataset (JSONL in the tool-calling format)">
            <div className="flex gap-2">
              <Input placeholder="/path/to/bfcl.jsonl" value={path} onChange={(e) => setPath(e.target.value)} data-testid="dataset-path" />
              <Button onClick={() => void action.run(async () => { const d = await engine.call('datasets.import', { path: path.trim() }); setDatasetId(d.id); setPath(''); await datasets.reload() })} disabled={!path.trim()}>
                Import
              </Button>
            </div>
          </Field>
          <Field label="Dataset">
            <Select value={datasetId} onChange={(e) => setDatasetId(e.target.value)}>
              {datasets.data?.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.items} items)
                </option>
              ))}
            </Select>
          </Field>
          {ds && ds.errors.length > 0 && (
            <details className="text-xs text-warn">
              <summary>{ds.errors.length} lines were rejected</summary>
              <ul className="mt-1 max-h-32 overflow-auto">
                {ds.errors.slice(0, 50).map((e, i) => (
                  <li key={i}>
                    line {e.line}: {e.message}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
        <div className="space-y-2">
          <Field label="Methods">
            <div className="flex flex-wrap gap-3 text-sm">
              {METHODS.map((m) => (
                <label key={m} className="flex items-center gap-1.5">
                  <input type="checkbox" checked={methods.includes(m)} onChange={(e) => setMethods(e.target.checked ? [...methods, m] : methods.filter((x) => x !== m))} />
                  {methodName(m)}
                </label>
              ))}
            </div>
          </Field>
          <div className="grid grid-cols-3 gap-2">
            <Field label="τ values">
              <Input value={taus} onChange={(e) => setTaus(e.target.value)} />
            </Field>
            <Field label="Seeds">
              <Input value={seeds} onChange={(e) => setSeeds(e.target.value)} />
            </Field>
            <Field label="Items (limit)">
              <Input type="number" value={limit} onChange={(e) => setLimit(e.target.value)} />
            </Field>
          </div>
          <Button
            variant="primary"
            disabled={!datasetId || !modelId || !methods.length || action.busy}
            onClick={() =>
              void action.run(async () => {
                const list = (s: string) => s.split(',').map((x) => Number(x.trim())).filter((x) => Number.isFinite(x))
                const r = await engine.call('experiments.start', { datasetId, modelId, methods, taus: list(taus), seeds: list(seeds), limit: limit ? Number(limit) : null })
                onStarted(r.runId)
              })
            }
          >
            Start run on {models.data?.find((m) => m.id === modelId)?.name ?? 'no model'}
          </Button>
        </div>
      </div>
      <div className="mt-2">
        <ErrorNote error={action.error ?? datasets.error} />
      </div>
    </Card>
  )
}

function RunView({ run }: { run: RunInfo }) {
  const action = useAction()
  return (
    <Card
      title={<span className="[overflow-wrap:anywhere]">Run {run.id}</span>}
      testId="run-detail"
      actions={
        <>
          <Badge tone={run.status === 'done' ? 'ok' : run.status === 'failed' ? 'bad' : 'accent'}>{words(run.status)}</Badge>
          {['interrupted', 'cancelled', 'failed'].includes(run.status) && (
            <Button size="sm" onClick={() => void action.run(() => engine.call('experiments.resume', { id: run.id }))}>
              Resume
            </Button>
          )}
        </>
      }
    >
      <ErrorNote error={action.error ?? run.error} />
      {run.status === 'running' && (
        <div className="mb-3">
          <Progress value={run.total ? run.done / run.total : null} label="Experiment progress" />
          <p className="mt-1 text-xs text-muted">
            {run.done} of {run.total} evaluations
          </p>
        </div>
      )}
      <div className="mb-4 overflow-x-auto">
        <table className="w-full text-sm" data-testid="results-table">
          <thead className="text-left text-xs text-muted">
            <tr>
              <th className="py-1">method</th>
              <th>τ</th>
              <th>seed</th>
              <th>items</th>
              <th>exact</th>
              <th>name only</th>
              <th>flagged</th>
              <th>time / item</th>
            </tr>
          </thead>
          <tbody>
            {run.metrics.map((m, i) => (
              <tr key={i} className="border-t border-line">
                <td className="py-1 font-medium">{methodName(m.method)}</td>
                <td>{m.tau}</td>
                <td>{m.seed}</td>
                <td>{m.items}</td>
                <td>{pct(m.exact, 1)}</td>
                <td>{pct(m.nameOnly, 1)}</td>
                <td>{pct(m.flaggedShare, 0)}</td>
                <td>{ms(m.msPerItem)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {run.metrics.length > 0 && <ResultsCharts metrics={run.metrics} />}
    </Card>
  )
}

export function ExperimentsView() {
  const runs = useCall('experiments.list', {})
  const datasets = useCall('datasets.list', {})
  const [selected, setSelected] = useState<string | null>(null)
  const [compare, setCompare] = useState<string[]>([])
  const comparing = compare.map((id) => runs.data?.find((r) => r.id === id)).filter((r): r is RunInfo => Boolean(r))
  const [run, setRun] = useState<RunInfo | null>(null)
  const [error, setError] = useState<string | null>(null)
  const runList = useFoldable()
  const load = (id: string) => engine.call('experiments.get', { id }).then(setRun, (e: Error) => setError(e.message))
  useEffect(() => {
    if (!selected && runs.data?.length) setSelected(runs.data[0].id)
  }, [runs.data, selected])
  useEffect(() => {
    if (selected) void load(selected)
  }, [selected])
  useEvent((e) => {
    if (e.type === 'experiment.progress' || (e.type === 'job.update' && e.job.kind === 'experiment')) {
      void runs.reload()
      if (selected) void load(selected)
    }
  })
  return (
    <div className="mx-auto max-w-6xl space-y-4">
      <PageHeader title="Experiments" subtitle="Measure whether self-improvement helps your model on tool-calling benchmarks: baseline, TT-ICL, TT-SI and TT-D over a τ sweep." />
      <NewRun onStarted={(id) => { setSelected(id); void runs.reload() }} />
      {Boolean(runs.data?.length) && <FoldToggle open={runList.open} onToggle={runList.toggle} label="Runs" testId="runs-toggle" />}
      <ErrorNote error={runs.error ?? error} />
      {runs.data?.length === 0 ? (
        <EmptyState title="No runs yet">Import a dataset (for example shared/data/toolcall/bfcl.jsonl), load a model, and start a run.</EmptyState>
      ) : (
        <div className="flex gap-4">
          {runList.open && (
            <Card className="w-72 shrink-0" title="Runs" testId="run-list">
              <ul className="-m-2 space-y-0.5">
                {runs.data?.map((r) => (
                  <li key={r.id} className="flex items-start gap-1.5">
                    <input
                      type="checkbox"
                      className="mt-3 ml-1"
                      aria-label={`Compare run ${r.id}`}
                      data-testid="compare-run"
                      checked={compare.includes(r.id)}
                      onChange={(e) => setCompare((c) => (e.target.checked ? [...c, r.id] : c.filter((x) => x !== r.id)))}
                    />
                    <button data-testid="run-row" onClick={() => (setSelected(r.id), runList.foldIfNarrow())} className={`min-w-0 flex-1 rounded-md p-2 text-left text-sm ${selected === r.id ? 'bg-sunken' : 'hover:bg-sunken'}`}>
                      <div className="flex items-center justify-between">
                        <span className="min-w-0 [overflow-wrap:anywhere]">{r.config.methods.map(methodName).join(', ')}</span>
                        <Badge tone={r.status === 'done' ? 'ok' : r.status === 'failed' ? 'bad' : 'accent'}>{words(r.status)}</Badge>
                      </div>
                      <div className="text-xs text-muted">
                        {r.done}/{r.total} · {when(r.createdAt)}
                      </div>
                    </button>
                  </li>
                ))}
              </ul>
            </Card>
          )}
          <div className="min-w-0 flex-1 space-y-4">
            {comparing.length >= 2 && <CompareRuns runs={comparing} datasetName={(id) => datasets.data?.find((d) => d.id === id)?.name ?? id} />}
            {comparing.length === 1 && <p className="text-xs text-muted">Tick a second run to compare.</p>}
            {run && <RunView run={run} />}
          </div>
        </div>
      )}
    </div>
  )
}
