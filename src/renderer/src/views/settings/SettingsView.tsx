import { useEffect, useState } from 'react'
import type { Settings, SystemInfo } from '../../../../core/contract'
import { useAction, useCall } from '../../hooks'
import { engine } from '../../rpc'
import { Button } from '../../ui/Button'
import { Card, PageHeader } from '../../ui/Card'
import { Field, Input, Select } from '../../ui/Field'
import { ErrorNote } from '../../ui/States'
import { TEACHER_HTTP_LIMITS as LIMITS } from '../../../../shared/teacher'
import { boundsOf } from './bounds'

const num = (v: string) => (v === '' ? NaN : Number(v))
type HttpTeacher = Extract<Settings['teacher'], { kind: 'http' }>

export function SettingsView({ info }: { info: SystemInfo | null }) {
  const current = useCall('settings.get', {})
  const bounds = useCall('settings.bounds', {})
  const [s, setS] = useState<Settings | null>(null)
  const [apiKey, setApiKey] = useState('')
  const [saved, setSaved] = useState(false)
  const action = useAction()
  useEffect(() => {
    setS(current.data)
  }, [current.data])
  const dirty = Boolean(s && current.data && (JSON.stringify(s) !== JSON.stringify(current.data) || apiKey !== ''))
  useEffect(() => {
    if (!dirty) return
    // closing or reloading the tab with unsaved settings asks first
    const warn = (e: BeforeUnloadEvent) => e.preventDefault()
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [dirty])
  if (!s) return <ErrorNote error={current.error} onRetry={() => void current.reload()} />
  const set = (patch: Partial<Settings>) => {
    setSaved(false)
    setS({ ...s, ...patch })
  }
  const save = () =>
    void action.run(async () => {
      const teacher = s.teacher.kind === 'http' ? { kind: 'http' as const, baseUrl: s.teacher.baseUrl, model: s.teacher.model, timeoutSec: s.teacher.timeoutSec, maxResponseMb: s.teacher.maxResponseMb, ...(apiKey ? { apiKey } : {}) } : s.teacher
      const next = await engine.call('settings.update', { ...s, teacher })
      current.setData(next)
      setApiKey('')
      setSaved(true)
    })
  return (
    <div className="mx-auto max-w-3xl space-y-5">
      <PageHeader title="Settings" subtitle="Defaults for uncertainty, self-augmentation, review and training." actions={<Button variant="primary" onClick={save} disabled={action.busy} data-testid="save-settings">Save</Button>} />
      <ErrorNote error={action.error} />
      {saved && !dirty && <p className="text-sm text-ok">Saved.</p>}
      {dirty && (
        <div role="status" data-testid="unsaved-bar" className="sticky top-0 z-10 flex items-center gap-3 rounded-md border border-warn bg-panel px-3 py-2 text-sm shadow">
          <span className="font-medium text-warn">Unsaved changes</span>
          <span className="text-muted">They apply only once saved.</span>
          <span className="ml-auto flex gap-2">
            <Button size="sm" variant="ghost" onClick={() => (setS(current.data), setApiKey(''))} data-testid="discard-settings">
              Discard
            </Button>
            <Button size="sm" variant="primary" onClick={save} disabled={action.busy}>
              Save
            </Button>
          </span>
        </div>
      )}
      <Card title="Uncertainty">
        <div className="grid gap-3 md:grid-cols-3">
          <Field label="Estimator">
            <Select value={s.estimator} onChange={(e) => set({ estimator: e.target.value as Settings['estimator'] })}>
              <option value="rss">RSS margin over tool calls</option>
              <option value="token-entropy">Token confidence</option>
              <option value="self-certainty">Self-certainty</option>
            </Select>
          </Field>
          <Field label="Threshold τ" hint="Uncertain when the margin is below τ (paper: 0.95)">
            <Input type="number" step="0.01" {...boundsOf(bounds.data, 'tau')} value={s.tau} onChange={(e) => set({ tau: num(e.target.value) })} data-testid="tau" />
          </Field>
          <Field label="RSS scores">
            <Select value={s.rssNormalize} onChange={(e) => set({ rssNormalize: e.target.value as Settings['rssNormalize'] })}>
              <option value="sum">Summed log-probabilities</option>
              <option value="mean">Length-normalised</option>
            </Select>
          </Field>
          <Field label="RSS candidates" hint="What the margin compares: tool names, or full calls the model samples">
            <Select value={s.rssCandidates} onChange={(e) => set({ rssCandidates: e.target.value as Settings['rssCandidates'] })} data-testid="rss-candidates">
              <option value="tools">Tool names</option>
              <option value="sampled-calls">Sampled full calls</option>
              <option value="tools-and-sampled-calls">Tool names and sampled calls</option>
            </Select>
          </Field>
          <Field label="Sampled calls (N)" hint="Temperature-1 samples scored beside the greedy answer's call">
            <Input
              type="number"
              min={1}
              max={32}
              value={s.rssSamples}
              disabled={s.rssCandidates === 'tools'}
              onChange={(e) => set({ rssSamples: num(e.target.value) })}
              data-testid="rss-samples"
            />
          </Field>
        </div>
      </Card>
      <Card title="Self-augmentation and review">
        <div className="grid gap-3 md:grid-cols-3">
          <Field label="Examples per round (K)">
            <Input type="number" data-testid="k" {...boundsOf(bounds.data, 'k')} value={s.k} onChange={(e) => set({ k: num(e.target.value) })} />
          </Field>
          <Field label="Review policy">
            <Select value={s.reviewPolicy} onChange={(e) => set({ reviewPolicy: e.target.value as Settings['reviewPolicy'] })} data-testid="review-policy">
              <option value="manual">Manual review</option>
              <option value="auto-approve-valid">Auto-approve valid examples</option>
            </Select>
          </Field>
          <Field label="Adaptation">
            <Select value={s.adaptationMode} onChange={(e) => set({ adaptationMode: e.target.value as Settings['adaptationMode'] })}>
              <option value="per-query">Per query (TT-SI)</option>
              <option value="session">Session adapter</option>
              <option value="tt-icl">In-context only (TT-ICL)</option>
            </Select>
          </Field>
        </div>
        <div className="mt-3 grid gap-3 md:grid-cols-3">
          <Field label="Teacher (TT-D)">
            <Select data-testid="teacher-kind" value={s.teacher.kind} onChange={(e) => set({ teacher: e.target.value === 'http' ? { kind: 'http', baseUrl: 'http://127.0.0.1:8080/v1', model: 'teacher', hasApiKey: false, timeoutSec: LIMITS.timeoutSec.default, maxResponseMb: LIMITS.maxResponseMb.default } : e.target.value === 'demo' ? { kind: 'demo' } : { kind: 'none' } })}>
              <option value="none">None: the model teaches itself</option>
              <option value="demo">Demo teacher: built-in templates, not a model (for the demo model)</option>
              <option value="http">OpenAI-compatible endpoint</option>
            </Select>
          </Field>
          {s.teacher.kind === 'http' && (
            <>
              <Field label="Endpoint base URL">
                <Input value={s.teacher.baseUrl} onChange={(e) => set({ teacher: { ...(s.teacher as Extract<Settings['teacher'], { kind: 'http' }>), baseUrl: e.target.value } })} />
              </Field>
              <Field label="Model name">
                <Input value={s.teacher.model} onChange={(e) => set({ teacher: { ...(s.teacher as Extract<Settings['teacher'], { kind: 'http' }>), model: e.target.value } })} />
              </Field>
              <Field label="API key" hint={s.teacher.hasApiKey ? 'A key is stored (write-only). Enter a new one to replace it.' : 'Stored locally, never shown or exported.'}>
                <Input type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
              </Field>
              <Field label="Timeout (s)" hint={`The whole answer must arrive within this time (${LIMITS.timeoutSec.min} to ${LIMITS.timeoutSec.max}).`}>
                <Input data-testid="teacher-timeout" type="number" min={LIMITS.timeoutSec.min} max={LIMITS.timeoutSec.max} value={s.teacher.timeoutSec} onChange={(e) => set({ teacher: { ...(s.teacher as HttpTeacher), timeoutSec: num(e.target.value) } })} />
              </Field>
              <Field label="Largest answer (MB)" hint={`Longer answers are refused (${LIMITS.maxResponseMb.min} to ${LIMITS.maxResponseMb.max}).`}>
                <Input data-testid="teacher-max-response" type="number" min={LIMITS.maxResponseMb.min} max={LIMITS.maxResponseMb.max} value={s.teacher.maxResponseMb} onChange={(e) => set({ teacher: { ...(s.teacher as HttpTeacher), maxResponseMb: num(e.target.value) } })} />
              </Field>
            </>
          )}
        </div>
      </Card>
      <Card title="LoRA training defaults">
        <div className="grid gap-3 md:grid-cols-4">
          <Field label="Rank">
            <Input type="number" data-testid="lora-rank" {...boundsOf(bounds.data, 'lora', 'rank')} value={s.lora.rank} onChange={(e) => set({ lora: { ...s.lora, rank: num(e.target.value) } })} />
          </Field>
          <Field label="Alpha">
            <Input type="number" data-testid="lora-alpha" {...boundsOf(bounds.data, 'lora', 'alpha')} value={s.lora.alpha} onChange={(e) => set({ lora: { ...s.lora, alpha: num(e.target.value) } })} />
          </Field>
          <Field label="Learning rate">
            <Input type="number" step="0.00001" data-testid="optim-lr" {...boundsOf(bounds.data, 'optim', 'lr')} value={s.optim.lr} onChange={(e) => set({ optim: { ...s.optim, lr: num(e.target.value) } })} />
          </Field>
          <Field label="Epochs">
            <Input type="number" data-testid="optim-epochs" {...boundsOf(bounds.data, 'optim', 'epochs')} value={s.optim.epochs} onChange={(e) => set({ optim: { ...s.optim, epochs: num(e.target.value) } })} />
          </Field>
          <Field label="Warmup (fraction)">
            <Input type="number" step="0.01" data-testid="optim-warmup" {...boundsOf(bounds.data, 'optim', 'warmup')} value={s.optim.warmup} onChange={(e) => set({ optim: { ...s.optim, warmup: num(e.target.value) } })} />
          </Field>
          <Field label="Schedule">
            <Select value={s.optim.schedule} onChange={(e) => set({ optim: { ...s.optim, schedule: e.target.value as Settings['optim']['schedule'] } })}>
              <option value="cosine">Cosine</option>
              <option value="linear">Linear</option>
              <option value="constant">Constant</option>
            </Select>
          </Field>
          <Field label="Weight decay">
            <Input type="number" step="0.01" data-testid="optim-weight-decay" {...boundsOf(bounds.data, 'optim', 'weightDecay')} value={s.optim.weightDecay} onChange={(e) => set({ optim: { ...s.optim, weightDecay: num(e.target.value) } })} />
          </Field>
          <Field label="Targets" hint="comma-separated: attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up, ffn_down">
            <Input value={s.lora.targets.join(',')} onChange={(e) => set({ lora: { ...s.lora, targets: e.target.value.split(',').map((t) => t.trim()).filter(Boolean) } })} />
          </Field>
        </div>
      </Card>
      <Card title="Storage">
        <Field label="Data directory" hint="Set with --data-dir or AUTODIDACT_DATA_DIR when starting the web shell; the desktop app uses its user-data folder.">
          <Input readOnly value={info?.dataDir ?? ''} />
        </Field>
        <div className="mt-3">
          <Field label="Context size (tokens)">
            <Input type="number" data-testid="context-size" {...boundsOf(bounds.data, 'contextSize')} value={s.contextSize} onChange={(e) => set({ contextSize: num(e.target.value) })} />
          </Field>
        </div>
      </Card>
    </div>
  )
}
