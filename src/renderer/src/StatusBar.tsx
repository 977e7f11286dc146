import type { SystemInfo } from '../../core/contract'
import { useJobs } from './hooks'
import { engine } from './rpc'
import { formatBytes } from '../../shared/format'
import { useLastModel } from './views/models/useLastModel'

/** Always visible: which backend runs the model (said honestly), the trainer, and running jobs. */
export function StatusBar({ info, connected }: { info: SystemInfo | null; connected: 'connecting' | 'connected' | 'disconnected' }) {
  const jobs = Object.values(useJobs()).filter((j) => j.status === 'running')
  const last = useLastModel()
  // every load is remembered, so the loaded model is the last one used
  const model = !info ? '…' : info.loadedModelId ? (last?.model?.id === info.loadedModelId ? last.model.name : 'loaded') : 'none loaded'
  const gpu = info?.gpu
  const backend = connected === 'disconnected'
    ? 'Disconnected'
    : !gpu
    ? 'Connecting…'
    : gpu.backend === 'cpu'
      ? `CPU only — ${gpu.cpuReason ?? ''}`
      : `${gpu.backend.toUpperCase()} · ${gpu.deviceNames.join(', ')} · ${formatBytes(gpu.vramFreeBytes ?? 0)} free of ${formatBytes(gpu.vramTotalBytes ?? 0)}`
  const trainer = `Trainer: ${info ? (info.trainer.available ? `ready (${info.trainer.backend ?? '?'})` : `unavailable — ${info.trainer.reason}`) : '…'}`
  return (
    <footer className="flex min-w-0 items-center gap-4 overflow-hidden border-t border-line bg-panel px-4 py-1.5 text-xs text-muted" data-testid="status-bar">
      <span data-testid="backend" className={`min-w-0 truncate ${connected === 'disconnected' ? 'font-medium text-bad' : gpu?.backend === 'cpu' ? 'text-warn' : ''}`} title={backend}>
        {backend.length > 110 ? `${backend.slice(0, 110)}…` : backend}
      </span>
      <span data-testid="loaded-model" className="max-w-64 min-w-0 truncate" title={model}>
        Model: {model}
      </span>
      <span className="min-w-0 truncate" title={trainer}>{trainer}</span>
      <span className="ml-auto flex shrink-0 items-center gap-3">
        {jobs.map((j) => (
          <span key={j.id} className="flex items-center gap-1.5">
            {j.label}
            {j.progress !== null ? ` ${Math.round(j.progress * 100)}%` : ''}
            <button className="underline" onClick={() => void engine.call('jobs.cancel', { jobId: j.id })} aria-label={`Cancel ${j.label}`}>
              cancel
            </button>
          </span>
        ))}
      </span>
    </footer>
  )
}
