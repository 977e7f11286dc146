import { useState } from 'react'
import type { SystemInfo } from '../../../../core/contract'
import { formatBytes } from '../../../../shared/format'
import { useAction, useCall, useEvent, useJobs } from '../../hooks'
import { engine } from '../../rpc'
import { Badge } from '../../ui/Badge'
import { Button } from '../../ui/Button'
import { Card, PageHeader } from '../../ui/Card'
import { Input } from '../../ui/Field'
import { useConfirm } from '../../ui/Dialog'
import { EmptyState, ErrorNote, Progress } from '../../ui/States'
import { LastModelNote } from './LastModelNote'
import { useLastModel } from './useLastModel'

function GpuCard({ info }: { info: SystemInfo | null }) {
  const g = info?.gpu
  if (!g) return null
  return (
    <Card title="This machine" testId="gpu-card">
      {g.backend === 'cpu' ? (
        <p className="text-sm">
          <Badge tone="warn">CPU only</Badge> <span className="ml-2 text-muted">{g.cpuReason}</span>
        </p>
      ) : (
        <p className="text-sm">
          <Badge tone="ok">{g.backend.toUpperCase()}</Badge> <span className="ml-2">{g.deviceNames.join(', ')}</span>
          <span className="ml-2 text-muted">
            {formatBytes(g.vramFreeBytes)} free of {formatBytes(g.vramTotalBytes)} GPU memory
          </span>
        </p>
      )}
      <p className="mt-2 text-xs text-muted [overflow-wrap:anywhere]">
        RAM {formatBytes(g.ramFreeBytes)} free of {formatBytes(g.ramTotalBytes)} · LoRA trainer:{' '}
        {info!.trainer.available ? `ready (${info!.trainer.backend})${info!.trainer.reason ? ` — ${info!.trainer.reason}` : ''}` : `unavailable — ${info!.trainer.reason}`}
      </p>
    </Card>
  )
}

export function ModelsView({ info, onChanged }: { info: SystemInfo | null; onChanged: () => void }) {
  const models = useCall('models.list', {})
  const catalog = useCall('models.catalog', {})
  const jobs = useJobs()
  const [path, setPath] = useState('')
  const [downloads, setDownloads] = useState<Record<string, string>>({})
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  useEvent((e) => {
    if (e.type === 'models.changed') {
      void models.reload()
      void catalog.reload()
      onChanged()
    }
  })
  const loadJob = Object.values(jobs).find((j) => j.kind === 'model.load' && j.status === 'running')
  const last = useLastModel()

  return (
    <div className="mx-auto max-w-5xl space-y-5">
      {dialog}
      <PageHeader title="Models" subtitle="GGUF models on this machine, and a catalog of instruct models that suit test-time self-improvement." />
      <GpuCard info={info} />
      <Card title="Library" testId="library">
        <ErrorNote error={action.error ?? models.error} />
        {!info?.loadedModelId && <LastModelNote last={last} />}
        {models.data?.length === 0 && (
          <EmptyState title="No models yet">
            Download one from the catalog below, import a .gguf file you already have, or create the small demo model (random weights: it shows every
            mechanism offline, but its answers are gibberish).
          </EmptyState>
        )}
        <ul className="divide-y divide-line">
          {models.data?.map((m) => (
            <li key={m.id} className="flex items-center gap-3 py-2.5" data-testid="library-model">
              <div className="min-w-0 flex-1">
                <div className="truncate text-sm font-medium">
                  {m.name}
                  {last?.model?.id === m.id && (
                    <span className="ml-2 text-xs font-normal text-muted" data-testid="last-used">
                      last used{last.atStart === 'loaded' ? ' · loaded at start' : ''}
                    </span>
                  )}
                </div>
                <div className="truncate text-xs text-muted">
                  {m.architecture ?? '?'} · {formatBytes(m.sizeBytes)} · {m.path}
                </div>
              </div>
              {m.loaded ? (
                <>
                  <Badge tone="ok">loaded</Badge>
                  <Button size="sm" onClick={() => void action.run(() => engine.call('models.unload', {}))}>
                    Unload
                  </Button>
                </>
              ) : (
                <Button size="sm" variant="primary" disabled={Boolean(loadJob)} onClick={() => void action.run(() => engine.call('models.load', { modelId: m.id, gpuLayers: 'auto' }))} data-testid="load-model">
                  Load
                </Button>
              )}
              <Button
                size="sm"
                variant="danger"
                data-testid="remove-model"
                onClick={() =>
                  void confirm({ title: `Remove ${m.name}?`, body: <>It leaves the library{m.loaded ? ' and is unloaded' : ''}. The file stays on disk at {m.path}; import it again any time.</>, confirmLabel: 'Remove', danger: true }).then(
                    (ok) => void (ok && action.run(() => engine.call('models.remove', { modelId: m.id, deleteFile: false })))
                  )
                }
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
        {loadJob && (
          <div className="mt-3 space-y-1" data-testid="load-progress">
            <div className="text-xs text-muted">
              {loadJob.label} {loadJob.detail}
            </div>
            <Progress value={loadJob.progress} label="Loading model" />
          </div>
        )}
        <div className="mt-4 flex flex-wrap gap-2">
          <Input aria-label="Path of a .gguf file" className="min-w-48 flex-1" placeholder="/path/to/model.gguf" value={path} onChange={(e) => setPath(e.target.value)} data-testid="import-path" />
          <Button onClick={() => void action.run(async () => { await engine.call('models.import', { path: path.trim() }); setPath('') })} disabled={!path.trim()} data-testid="import-model">
            Import file
          </Button>
          <Button onClick={() => void action.run(() => engine.call('models.createDemo', { layers: 2, embd: 64 }))} data-testid="create-demo">
            Create demo model
          </Button>
        </div>
      </Card>
      <Card title="Catalog" testId="catalog">
        <ErrorNote error={catalog.error} />
        <div className="grid gap-3 md:grid-cols-2">
          {catalog.data?.map((e) => {
            const jobId = downloads[e.id]
            const job = jobId ? jobs[jobId] : undefined
            return (
              <div key={e.id} className="min-w-0 rounded-md border border-line p-3 [overflow-wrap:anywhere]" data-testid="catalog-entry">
                <div className="flex items-center justify-between gap-2">
                  <div className="text-sm font-medium">
                    {e.name} <span className="text-muted">{e.quant}</span>
                  </div>
                  <Badge tone={e.fit.where === 'gpu' ? 'ok' : e.fit.fits ? 'warn' : 'bad'}>{e.fit.where === 'gpu' ? 'fits GPU' : e.fit.fits ? 'CPU' : "won't fit"}</Badge>
                </div>
                <div className="mt-1 text-xs text-muted">
                  {formatBytes(e.sizeBytes)} · {e.license} · {e.hfRepo}
                </div>
                <p className="mt-1 text-xs text-muted">{e.fit.reason}</p>
                {e.notes && <p className="mt-1 text-xs">{e.notes}</p>}
                <div className="mt-2">
                  {job?.status === 'running' ? (
                    <div className="space-y-1">
                      <Progress value={job.progress} label={`Downloading ${e.name}`} />
                      <div className="flex items-center justify-between text-xs text-muted">
                        <span>{job.detail ?? 'starting…'}</span>
                        <button className="underline" onClick={() => void engine.call('jobs.cancel', { jobId: job.id })}>
                          Cancel
                        </button>
                      </div>
                    </div>
                  ) : e.downloaded ? (
                    <Badge tone="ok">downloaded</Badge>
                  ) : (
                    <>
                      {job?.status === 'failed' || job?.status === 'cancelled' ? <p className="mb-1 text-xs text-bad">{job.error}</p> : null}
                      <Button size="sm" onClick={() => void action.run(async () => { const r = await engine.call('models.download', { catalogId: e.id }); setDownloads((d) => ({ ...d, [e.id]: r.jobId })) })}>
                        {job ? 'Resume download' : 'Download'}
                      </Button>
                    </>
                  )}
                </div>
              </div>
            )
          })}
        </div>
      </Card>
    </div>
  )
}
