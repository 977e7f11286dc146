import { useState } from 'react'
import type { Example, Round, RoundStage, TrainingDevice } from '../../../../core/contract'
import { ms, words } from '../../../../shared/format'
import { useAction, useCall, useEvent } from '../../hooks'
import { engine } from '../../rpc'
import { Badge } from '../../ui/Badge'
import { Button } from '../../ui/Button'
import { Card } from '../../ui/Card'
import { useConfirm } from '../../ui/Dialog'
import { ErrorNote, Progress } from '../../ui/States'
import { RoundExports } from '../export/RoundExports'
import { ExampleEditor } from '../review/ExampleEditor'
import { BeforeAfter } from './AnswerDiff'
import { LossChart } from './LossChart'
import { TrainingConfig } from './TrainingConfig'
import { modeName, provenanceName, stageName } from '../../labels'
import { promptLabel } from './prompt-label'
import { roundState, type LiveProgress } from './stage'

const tone = (s: Example['status']) => (s === 'approved' ? 'ok' : s === 'pending' ? 'accent' : s === 'invalid' ? 'bad' : 'neutral')

export function RoundDetail({ round, onChanged }: { round: Round & { examples: Example[] }; onChanged: () => void }) {
  const [live, setLive] = useState<{ step: number; steps: number; loss: number; etaSec: number; jobId: string; points: { step: number; loss: number }[] } | null>(null)
  const [stageLive, setStageLive] = useState<LiveProgress | null>(null)
  const [editing, setEditing] = useState<string | null>(null)
  const profiles = useCall('profiles.list', {})
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  useEvent((e) => {
    if (e.type === 'train.progress' && e.roundId === round.id) {
      setLive((l) => ({ step: e.step, steps: e.steps, loss: e.loss, etaSec: e.etaSec, jobId: e.jobId, points: [...(l?.points ?? []), { step: e.step, loss: e.loss }] }))
    }
    if (e.type === 'round.progress' && e.roundId === round.id) setStageLive({ jobId: e.jobId, stage: e.stage, progress: e.progress, detail: e.detail })
  })
  const state = roundState(round, stageLive)
  const tools = profiles.data?.find((p) => p.id === round.profileId)?.tools ?? []
  const approved = round.examples.some((e) => e.status === 'approved')
  const losses = round.training?.losses.length ? round.training.losses : (live?.points ?? [])
  const t = round.training
  return (
    <div className="space-y-4" data-testid="round-detail">
      {dialog}
      <div className="flex flex-wrap items-center gap-2">
        <span data-testid="round-status"><Badge tone={state.tone}>{words(round.status)}</Badge></span>
        <span className="text-xs text-muted" data-testid="round-meta">
          stage: {stageName(round.stage)} · {modeName(round.mode)} · margin {round.uncertainty?.margin.toFixed(3) ?? '–'} vs τ {round.uncertainty?.tau ?? '–'}
        </span>
        <span className="ml-auto flex flex-wrap gap-2">
          {['interrupted', 'failed', 'no_valid_examples'].includes(round.status) && (
            <Button size="sm" data-testid="resume-round" onClick={() => void action.run(async () => { await engine.call('rounds.resume', { id: round.id }); onChanged() })}>
              {round.status !== 'no_valid_examples' ? 'Resume' : approved ? 'Train on the approved pairs' : 'Retry: write new examples'}
            </Button>
          )}
          {t?.adapterPath && (
            <Button size="sm" onClick={() => void action.run(async () => { await engine.call('rounds.keepAdapter', { id: round.id, keep: !t.adapterKept }); onChanged() })}>
              {t.adapterKept ? 'Discard adapter' : 'Keep adapter'}
            </Button>
          )}
          <Button
            size="sm"
            onClick={() =>
              void action.run(async () => {
                const { json } = await engine.call('rounds.export', { id: round.id })
                const a = document.createElement('a')
                a.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }))
                a.download = `${round.id}.json`
                a.click()
              })
            }
          >
            Export record
          </Button>
          <RoundExports round={round} />
          {round.status !== 'discarded' && (
            <Button
              size="sm"
              variant="danger"
              data-testid="discard-round"
              onClick={() =>
                void confirm({ title: 'Discard this round?', body: <>Its pending examples are rejected and its adapter file{t?.adapterPath ? ` (${t.adapterPath.split('/').pop()})` : ''} is deleted. The record stays in the history.</>, confirmLabel: 'Discard round', danger: true }).then(
                  (ok) => void (ok && action.run(async () => { await engine.call('rounds.discard', { id: round.id }); onChanged() }))
                )
              }
            >
              Discard round
            </Button>
          )}
        </span>
      </div>
      <ErrorNote error={action.error} />
      {round.status === 'no_valid_examples' && round.error && (
        <p role="status" className="rounded-md border border-warn/40 bg-warn/10 px-3 py-2 text-sm text-warn" data-testid="round-outcome">
          {round.error}
        </p>
      )}
      {round.error && round.status !== 'no_valid_examples' && <ErrorNote error={round.status === 'done' ? null : round.error} />}
      {round.status === 'done' && round.error && <p className="text-sm text-muted">{round.error}</p>}
      {state.active && (
        <Card title={`Now: ${state.label}`} testId="stage-progress" actions={stageLive && <Button size="sm" variant="danger" onClick={() => void engine.call('jobs.cancel', { jobId: stageLive.jobId })}>Cancel</Button>}>
          <Progress value={state.progress} label={`${state.label} progress`} />
          <p className="mt-1 text-xs text-muted" data-testid="stage-detail">
            {state.progress !== null && `${Math.round(state.progress * 100)}% · `}
            {state.detail ?? 'starting…'}
          </p>
        </Card>
      )}
      <p className="text-sm [overflow-wrap:anywhere]" data-testid="round-query">
        <span className="text-muted">Query:</span> {round.query}
      </p>
      <BeforeAfter before={round.before} after={round.after} />
      {round.status === 'training' && live && (
        <p className="text-xs text-muted" data-testid="training-progress">
          step {live.step}/{live.steps} · loss {live.loss.toFixed(3)} · {Math.round(live.etaSec)} s left
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-2">
        <Card title="Loss" testId="loss-curve" className="min-w-0">
          {losses.length ? (
            <LossChart points={losses} />
          ) : (
            <p className="text-sm text-muted">{round.mode === 'tt-icl' ? 'TT-ICL: no training, the examples are used as demonstrations.' : 'No training yet.'}</p>
          )}
        </Card>
        <Card title="Adapter and timings" testId="adapter-card" className="min-w-0">
          <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-1 text-xs [&>dd]:[overflow-wrap:anywhere]">
            <dt className="text-muted">Adapter</dt>
            <dd className="truncate" title={t?.adapterPath ?? ''}>{t?.adapterPath ? `${t.adapterPath.split('/').pop()}${t.adapterKept ? ' (kept)' : ''}` : '–'}</dd>
            <dt className="text-muted">Final loss</dt>
            <dd>{t?.finalLoss?.toFixed(4) ?? '–'}</dd>
            <dt className="text-muted">Tokens/s</dt>
            <dd>{t?.tokensPerSec ? Math.round(t.tokensPerSec) : '–'}</dd>
            <dt className="text-muted">Trained on</dt>
            <dd data-testid="training-device" title={t?.device?.reason ?? ''}>
              {t?.device ? trainedOn(t.device) : '–'}
            </dd>
            {t?.error && (
              <>
                <dt className="text-muted">Trainer error</dt>
                <dd className="text-bad">{t.error}</dd>
              </>
            )}
            {Object.entries(round.timings).map(([k, v]) => (
              <span key={k} className="contents">
                <dt className="text-muted">{stageName(k as RoundStage)} took</dt>
                <dd>{ms(v)}</dd>
              </span>
            ))}
          </dl>
          {t && <TrainingConfig config={t.config} />}
        </Card>
      </div>
      <Card title="Decision trail" testId="decision-trail">
        <ol className="space-y-1.5 text-xs">
          {round.examples.map((e) => (
            <li key={e.id} className="flex items-start gap-2">
              <Badge tone={tone(e.status)}>{words(e.status)}</Badge>
              <span className="min-w-0 flex-1 [overflow-wrap:anywhere]">
                {e.input || <em className="text-muted">(unparsed output)</em>} {e.call && <code className="text-muted">{JSON.stringify(e.call)}</code>}
                {e.reason && <span className="block text-muted">{e.reason}</span>}
                {editing === e.id && <ExampleEditor example={e} tools={tools} onDone={() => { setEditing(null); onChanged() }} />}
              </span>
              {e.status === 'invalid' && round.status === 'no_valid_examples' && editing !== e.id && (
                <Button size="sm" onClick={() => setEditing(e.id)} data-testid="edit-invalid">
                  Edit
                </Button>
              )}
              <span className="max-w-[40%] text-muted [overflow-wrap:anywhere]">{provenanceName(e.provenance)}</span>
            </li>
          ))}
        </ol>
      </Card>
      {round.prompts.length > 0 && (
        <Card title="Prompts sent" testId="round-prompts">
          {round.prompts.map((p, i) => (
            <details key={i} data-testid={`round-prompt-${p.stage}`}>
              <summary className="cursor-pointer text-xs font-semibold text-muted">{promptLabel(p.stage, round.teacher)}</summary>
              <pre className="max-h-64 overflow-auto rounded bg-sunken p-2 font-mono text-xs whitespace-pre-wrap [overflow-wrap:anywhere]">{p.prompt}</pre>
            </details>
          ))}
        </Card>
      )}
    </div>
  )
}

/** "CPU", "CUDA0 (NVIDIA ...) · CUDA", "Metal ... · OUT_PROD on the CPU", with the reason when not plain GPU training. */
function trainedOn(d: TrainingDevice): string {
  const where = d.placement === 'gpu' ? `${d.device} · ${d.backend}` : 'CPU'
  const parts = [where, d.cpuOps.length ? `${d.cpuOps.join(', ')} on the CPU` : '', d.f32Copy ? 'F32 copy of the base' : '', d.reason && d.placement === 'cpu' ? d.reason : '']
  return parts.filter(Boolean).join(' · ')
}
