import { useEffect, useRef, useState } from 'react'
import type { Settings, SystemInfo } from '../../../../core/contract'
import { useAction, useCall } from '../../hooks'
import { engine } from '../../rpc'
import { Button } from '../../ui/Button'
import { Card, PageHeader } from '../../ui/Card'
import { Field, Input, Select } from '../../ui/Field'
import { ErrorNote } from '../../ui/States'
import { TEACHER_HTTP_LIMITS as LIMITS } from '../../../../shared/teacher'
import { useUnsavedWork } from '../../unsaved'
import { boundOf, numberError } from './bounds'
import { NumberField } from './NumberField'

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
  // each numeric field checked against the engine's own bounds: the error stands under its field, saving waits
  const values: [string, number][] = s
    ? [['tau', s.tau], ['k', s.k], ['rssSamples', s.rssSamples], ['lora.rank', s.lora.rank], ['lora.alpha', s.lora.alpha], ['optim.lr', s.optim.lr], ['optim.epochs', s.optim.epochs], ['optim.warmup', s.optim.warmup], ['optim.weightDecay', s.optim.weightDecay], ['contextSize', s.contextSize], ['maxAnswerTokens', s.maxAnswerTokens],
      ...(s.teacher.kind === 'http' ? ([['teacher.timeoutSec', s.teacher.timeoutSec], ['teacher.maxResponseMb', s.teacher.maxResponseMb]] as [string, number][]) : [])]
    : []
  const errors: Record<string, string> = bounds.data ? Object.fromEntries(values.flatMap(([path, v]) => {
    const e = numberError(v, boundOf(bounds.data, path))
    return e ? [[path, e]] : []
  })) : {}
  const invalid = Object.keys(errors).length
  const invalidText = invalid ? `${invalid} field${invalid > 1 ? 's have' : ' has'} a value the engine does not accept (marked in red)` : null
  // the latest save, until the next edit: leaving right after clicking Save waits for it instead of asking
  const saving = useRef<Promise<boolean> | null>(null)
  const save = (): Promise<boolean> => (saving.current = saveNow())
  const saveNow = async (): Promise<boolean> => {
    if (!s || invalid) return false
    const ok = await action.run(async () => {
      const teacher = s.teacher.kind === 'http' ? { kind: 'http' as const, baseUrl: s.teacher.baseUrl, model: s.teacher.model, timeoutSec: s.teacher.timeoutSec, maxResponseMb: s.teacher.maxResponseMb, ...(apiKey ? { apiKey } : {}) } : s.teacher
      const next = await engine.call('settings.update', { ...s, teacher })
      current.setData(next)
      setS(next)
      setApiKey('')
      setSaved(true)
      return true
    })
    return ok === true
  }
  const discard = () => {
    saving.current = null
    setS(current.data)
    setApiKey('')
  }
  // leaving (another view, closing the tab) with unsaved edits asks first: save, discard or stay
  useUnsavedWork({ where: 'Settings', dirty, invalid: invalidText, save, discard, saving: () => saving.current })
  if (!s) return <ErrorNote error={current.error} onRetry={() => void current.reload()} />
  const set = (patch: Partial<Settings>) => {
    saving.current = null
    setSaved(false)
    setS({ ...s, ...patch })
  }
  const num = (path: string) => ({ bound: boundOf(bounds.data, path), error: errors[path] ?? null })
  return (
    <div className="mx-auto max-w-3xl space-y-5">
      <PageHeader title="Settings" subtitle="Defaults for uncertainty, self-augmentation, review and training." actions={<Button variant="primary" onClick={() => void save()} disabled={action.busy || invalid > 0} title={invalidText ?? undefined} data-testid="save-settings">Save</Button>} />
      <ErrorNote error={action.error} />
      {saved && !dirty && <p className="text-sm text-ok">Saved.</p>}
      {dirty && (
        <div role="status" data-testid="unsaved-bar" className="sticky top-0 z-10 flex items-center gap-3 rounded-md border border-warn bg-panel px-3 py-2 text-sm shadow">
          <span className="font-medium text-warn">Unsaved changes</span>
          <span className={invalid ? 'text-bad' : 'text-muted'} data-testid="unsaved-note">{invalidText ? `${invalidText}: fix it to save.` : 'They apply only once saved.'}</span>
          <span className="ml-auto flex gap-2">
            <Button size="sm" variant="ghost" onClick={discard} data-testid="discard-settings">
              Discard
            </Button>
            <Button size="sm" variant="primary" onClick={() => void save()} disabled={action.busy || invalid > 0}>
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
          <NumberField label="Threshold τ" hint="Uncertain when the margin is below τ (paper: 0.95)" {...num('tau')} value={s.tau} onChange={(v) => set({ tau: v })} testId="tau" />
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
          <NumberField label="Sampled calls (N)" hint="Temperature-1 samples scored beside the greedy answer's call" {...num('rssSamples')} value={s.rssSamples} disabled={s.rssCandidates === 'tools'} onChange={(v) => set({ rssSamples: v })} testId="rss-samples" />
        </div>
      </Card>
      <Card title="Self-augmentation and review">
        <div className="grid gap-3 md:grid-cols-3">
          <NumberField label="Examples per round (K)" {...num('k')} value={s.k} onChange={(v) => set({ k: v })} testId="k" />
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
                <Input type="password" autoComplete="off" value={apiKey} onChange={(e) => ((saving.current = null), setApiKey(e.target.value))} />
              </Field>
              <NumberField label="Timeout (s)" hint={`The whole answer must arrive within this time (${LIMITS.timeoutSec.min} to ${LIMITS.timeoutSec.max}).`} {...num('teacher.timeoutSec')} value={s.teacher.timeoutSec} onChange={(v) => set({ teacher: { ...(s.teacher as HttpTeacher), timeoutSec: v } })} testId="teacher-timeout" />
              <NumberField label="Largest answer (MB)" hint={`Longer answers are refused (${LIMITS.maxResponseMb.min} to ${LIMITS.maxResponseMb.max}).`} {...num('teacher.maxResponseMb')} value={s.teacher.maxResponseMb} onChange={(v) => set({ teacher: { ...(s.teacher as HttpTeacher), maxResponseMb: v } })} testId="teacher-max-response" />
            </>
          )}
        </div>
      </Card>
      <Card title="LoRA training defaults">
        <div className="grid gap-3 md:grid-cols-4">
          <NumberField label="Rank" {...num('lora.rank')} value={s.lora.rank} onChange={(v) => set({ lora: { ...s.lora, rank: v } })} testId="lora-rank" />
          <NumberField label="Alpha" {...num('lora.alpha')} value={s.lora.alpha} onChange={(v) => set({ lora: { ...s.lora, alpha: v } })} testId="lora-alpha" />
          <NumberField label="Learning rate" {...num('optim.lr')} value={s.optim.lr} onChange={(v) => set({ optim: { ...s.optim, lr: v } })} testId="optim-lr" />
          <NumberField label="Epochs" {...num('optim.epochs')} value={s.optim.epochs} onChange={(v) => set({ optim: { ...s.optim, epochs: v } })} testId="optim-epochs" />
          <NumberField label="Warmup (fraction)" {...num('optim.warmup')} value={s.optim.warmup} onChange={(v) => set({ optim: { ...s.optim, warmup: v } })} testId="optim-warmup" />
          <Field label="Schedule">
            <Select value={s.optim.schedule} onChange={(e) => set({ optim: { ...s.optim, schedule: e.target.value as Settings['optim']['schedule'] } })}>
              <option value="cosine">Cosine</option>
              <option value="linear">Linear</option>
              <option value="constant">Constant</option>
            </Select>
          </Field>
          <NumberField label="Weight decay" {...num('optim.weightDecay')} value={s.optim.weightDecay} onChange={(v) => set({ optim: { ...s.optim, weightDecay: v } })} testId="optim-weight-decay" />
          <Field label="Targets" hint="comma-separated: attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up, ffn_down">
            <Input value={s.lora.targets.join(',')} onChange={(e) => set({ lora: { ...s.lora, targets: e.target.value.split(',').map((t) => t.trim()).filter(Boolean) } })} />
          </Field>
        </div>
      </Card>
      <Card title="Model and storage">
        <Field label="Data directory" hint="Set with --data-dir or AUTODIDACT_DATA_DIR when starting the web shell; the desktop app uses its user-data folder.">
          <Input readOnly value={info?.dataDir ?? ''} />
        </Field>
        <div className="mt-3">
          <NumberField label="Context size (tokens)" {...num('contextSize')} value={s.contextSize} onChange={(v) => set({ contextSize: v })} testId="context-size" />
        </div>
        <div className="mt-3">
          <NumberField label="Answer length limit (tokens)" hint="Chat answers and a round's answers before and after adapting stop here; an experiment sets its own limit, the same for every method." {...num('maxAnswerTokens')} value={s.maxAnswerTokens} onChange={(v) => set({ maxAnswerTokens: v })} testId="max-answer-tokens" />
        </div>
        <label className="mt-3 flex items-start gap-2 text-sm">
          <input type="checkbox" className="mt-0.5" checked={s.loadLastModel} onChange={(e) => set({ loadLastModel: e.target.checked })} data-testid="load-last-model" />
          <span>
            Load the last model used when the app starts
            <span className="block text-xs text-muted">In the background, with its progress in the status bar; if its file is gone or damaged the app starts without it and says so.</span>
          </span>
        </label>
      </Card>
    </div>
  )
}
