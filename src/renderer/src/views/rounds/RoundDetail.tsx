import { useState } from 'react'
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { AnswerRecord, Example, Round } from '../../../../core/contract'
import { ms } from '../../../../shared/format'
import { useAction, useEvent } from '../../hooks'
import { engine } from '../../rpc'
import { Badge } from '../../ui/Badge'
import { Button } from '../../ui/Button'
import { Card } from '../../ui/Card'
import { useConfirm } from '../../ui/Dialog'
import { ErrorNote, Progress } from '../../ui/States'
import { TokenStrip } from '../chat/TokenTrace'
import { wordDiff } from './diff'
import { promptLabel } from './prompt-label'

function Answer({ label, a, other, testId }: { label: string; a: AnswerRecord | null; other: AnswerRecord | null; testId: string }) {
  const segs = a && other ? wordDiff(other.text, a.text) : null
  return (
    <div className="min-w-0 flex-1 rounded-md border border-line p-3" data-testid={testId}>
      <div className="mb-2 text-xs font-semibold text-muted uppercase">{label}</div>
      {!a ? (
        <p className="text-sm text-muted italic">not yet</p>
      ) : (
        <>
          <p className="font-mono text-xs break-words whitespace-pre-wrap">
            {segs && label === 'After'
              ? segs.filter((s) => s.kind !== 'del').map((s, i) => <span key={i} className={s.kind === 'add' ? 'bg-ok/25' : ''}>{s.text}</span>)
              : segs
                ? segs.filter((s) => s.kind !== 'add').map((s, i) => <span key={i} className={s.kind === 'del' ? 'bg-bad/20 line-through' : ''}>{s.text}</span>)
                : a.text}
          </p>
          {a.tokens && a.tokens.length > 0 && (
            <details className="mt-2">
              <summary className="cursor-pointer text-xs text-muted">Token probabilities</summary>
              <TokenStrip tokens={a.tokens} />
            </details>
          )}
        </>
      )}
    </div>
  )
}

const tone = (s: Example['status']) => (s === 'approved' ? 'ok' : s === 'pending' ? 'accent' : s === 'invalid' ? 'bad' : 'neutral')

export function RoundDetail({ round, onChanged }: { round: Round & { examples: Example[] }; onChanged: () => void }) {
  const [live, setLive] = useState<{ step: number; steps: number; loss: number; etaSec: number; jobId: string; points: { step: number; loss: number }[] } | null>(null)
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  useEvent((e) => {
    if (e.type === 'train.progress' && e.roundId === round.id) {
      setLive((l) => ({ step: e.step, steps: e.steps, loss: e.loss, etaSec: e.etaSec, jobId: e.jobId, points: [...(l?.points ?? []), { step: e.step, loss: e.loss }] }))
    }
  })
  const losses = round.training?.losses.length ? round.training.losses : (live?.points ?? [])
  const t = round.training
  return (
    <div className="space-y-4" data-testid="round-detail">
      {dialog}
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={round.status === 'done' ? 'ok' : round.status === 'failed' ? 'bad' : 'accent'}>{round.status}</Badge>
        <span className="text-xs text-muted">
          stage {round.stage} · mode {round.mode} · margin {round.uncertainty?.margin.toFixed(3) ?? '–'} vs τ {round.uncertainty?.tau ?? '–'}
        </span>
        <span className="ml-auto flex gap-2">
          {['interrupted', 'failed'].includes(round.status) && (
            <Button size="sm" onClick={() => void action.run(async () => { await engine.call('rounds.resume', { id: round.id }); onChanged() })}>
              Resume
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
            Export
          </Button>
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
      {round.error && <ErrorNote error={round.status === 'done' ? null : round.error} />}
      {round.status === 'done' && round.error && <p className="text-sm text-muted">{round.error}</p>}
      <p className="text-sm">
        <span className="text-muted">Query:</span> {round.query}
      </p>
      <div className="flex gap-3">
        <Answer label="Before" a={round.before} other={round.after} testId="answer-before" />
        <Answer label="After" a={round.after} other={round.before} testId="answer-after" />
      </div>
      {(round.status === 'training' || live) && round.status !== 'done' && live && (
        <Card title="Training" testId="training-progress" actions={<Button size="sm" variant="danger" onClick={() => void engine.call('jobs.cancel', { jobId: live.jobId })}>Cancel</Button>}>
          <Progress value={live.step / live.steps} label="Training progress" />
          <p className="mt-1 text-xs text-muted">
            step {live.step}/{live.steps} · loss {live.loss.toFixed(3)} · {Math.round(live.etaSec)} s left
          </p>
        </Card>
      )}
      <div className="grid gap-4 md:grid-cols-2">
        <Card title="Loss" testId="loss-curve">
          {losses.length ? (
            <div className="h-48">
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={losses} margin={{ top: 5, right: 10, bottom: 5, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
                  <XAxis dataKey="step" stroke="var(--color-muted)" fontSize={11} />
                  <YAxis stroke="var(--color-muted)" fontSize={11} width={40} />
                  <Tooltip />
                  <Line type="monotone" dataKey="loss" stroke="var(--color-accent)" dot={false} isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </div>
          ) : (
            <p className="text-sm text-muted">{round.mode === 'tt-icl' ? 'TT-ICL: no training, the examples are used as demonstrations.' : 'No training yet.'}</p>
          )}
        </Card>
        <Card title="Adapter and timings">
          <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
            <dt className="text-muted">Adapter</dt>
            <dd className="truncate" title={t?.adapterPath ?? ''}>{t?.adapterPath ? `${t.adapterPath.split('/').pop()}${t.adapterKept ? ' (kept)' : ''}` : '–'}</dd>
            <dt className="text-muted">LoRA</dt>
            <dd>{t ? JSON.stringify((t.config as { lora?: unknown }).lora) : '–'}</dd>
            <dt className="text-muted">Final loss</dt>
            <dd>{t?.finalLoss?.toFixed(4) ?? '–'}</dd>
            <dt className="text-muted">Tokens/s</dt>
            <dd>{t?.tokensPerSec ? Math.round(t.tokensPerSec) : '–'}</dd>
            {t?.error && (
              <>
                <dt className="text-muted">Trainer error</dt>
                <dd className="text-bad">{t.error}</dd>
              </>
            )}
            {Object.entries(round.timings).map(([k, v]) => (
              <span key={k} className="contents">
                <dt className="text-muted">{k}</dt>
                <dd>{ms(v)}</dd>
              </span>
            ))}
          </dl>
        </Card>
      </div>
      <Card title="Decision trail" testId="decision-trail">
        <ol className="space-y-1.5 text-xs">
          {round.examples.map((e) => (
            <li key={e.id} className="flex items-start gap-2">
              <Badge tone={tone(e.status)}>{e.status}</Badge>
              <span className="min-w-0 flex-1">
                {e.input || <em className="text-muted">(unparsed output)</em>} {e.call && <code className="text-muted">{JSON.stringify(e.call)}</code>}
                {e.reason && <span className="block text-muted">{e.reason}</span>}
              </span>
              <span className="text-muted">{e.provenance}</span>
            </li>
          ))}
        </ol>
      </Card>
      {round.prompts.length > 0 && (
        <Card title="Prompts sent" testId="round-prompts">
          {round.prompts.map((p, i) => (
            <details key={i} data-testid={`round-prompt-${p.stage}`}>
              <summary className="cursor-pointer text-xs font-semibold text-muted">{promptLabel(p.stage, round.teacher)}</summary>
              <pre className="max-h-64 overflow-auto rounded bg-sunken p-2 font-mono text-xs whitespace-pre-wrap">{p.prompt}</pre>
            </details>
          ))}
        </Card>
      )}
    </div>
  )
}
