import { useRef, useState } from 'react'
import type { AgentProfile } from '../../../../core/contract'
import { useAction } from '../../hooks'
import { engine } from '../../rpc'
import { Button } from '../../ui/Button'
import { Field, Input, Select, Textarea } from '../../ui/Field'
import { ErrorNote } from '../../ui/States'
import { useLeaveGuard, useUnsavedWork } from '../../unsaved'

/** The editor's fields for a profile (a new one when `p` is undefined). */
const fieldsOf = (p: AgentProfile | undefined) => ({ name: p?.name ?? 'New profile', system: p?.systemPrompt ?? '', tools: JSON.stringify(p?.tools ?? [], null, 2), allowText: p?.allowText ?? false })

/** Edit an agent profile: name, system prompt, tools as JSON-schema functions, and whether text answers are allowed. */
export function ProfileEditor({ profiles, onSaved }: { profiles: AgentProfile[]; onSaved: () => void }) {
  const [id, setId] = useState<string>(profiles[0]?.id ?? '')
  const current = profiles.find((p) => p.id === id)
  const initial = fieldsOf(current)
  const [name, setNameNow] = useState(initial.name)
  const [system, setSystemNow] = useState(initial.system)
  const [tools, setToolsNow] = useState(initial.tools)
  const [allowText, setAllowTextNow] = useState(initial.allowText)
  // the latest save, until the next edit: leaving right after clicking Save waits for it instead of asking
  const saving = useRef<Promise<boolean> | null>(null)
  const edit = <T,>(setter: (v: T) => void) => (v: T) => {
    saving.current = null
    setter(v)
  }
  const [setName, setSystem, setTools, setAllowText] = [edit(setNameNow), edit(setSystemNow), edit(setToolsNow), edit(setAllowTextNow)]
  const [jsonError, setJsonError] = useState<string | null>(null)
  const action = useAction()
  const guard = useLeaveGuard()
  const show = (pid: string) => {
    const f = fieldsOf(profiles.find((x) => x.id === pid))
    setId(pid)
    setName(f.name)
    setSystem(f.system)
    setTools(f.tools)
    setAllowText(f.allowText)
    setJsonError(null)
  }
  // another profile, another view or closing the tab with unsaved edits asks first
  const pick = (pid: string) => guard.leave(() => show(pid))
  const saved = fieldsOf(current)
  const dirty = name !== saved.name || system !== saved.system || tools !== saved.tools || allowText !== saved.allowText
  const save = (): Promise<boolean> => (saving.current = saveNow())
  const saveNow = async (): Promise<boolean> => {
    let parsed: unknown
    try {
      parsed = JSON.parse(tools)
      if (!Array.isArray(parsed)) throw new Error('tools must be a JSON array of {name, description, parameters}')
      setJsonError(null)
    } catch (err) {
      setJsonError((err as Error).message)
      return false
    }
    const ok = await action.run(async () => {
      const stored = await engine.call('profiles.save', { id: id || undefined, name, systemPrompt: system, tools: parsed as never, allowText })
      setId(stored.id)
      onSaved()
      return true
    })
    return ok === true
  }
  useUnsavedWork({ where: `the profile "${name || 'New profile'}"`, dirty, invalid: name.trim() ? null : 'the profile has no name', save, discard: () => show(id), saving: () => saving.current })
  return (
    <div className="grid gap-3 border-b border-line bg-sunken p-4 md:grid-cols-2" data-testid="profile-editor">
      <div className="space-y-3">
        <Field label="Profile">
          <Select value={id} onChange={(e) => pick(e.target.value)}>
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            <option value="">+ New profile</option>
          </Select>
        </Field>
        <Field label="Name">
          <Input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="System prompt">
          <Textarea rows={4} value={system} onChange={(e) => setSystem(e.target.value)} />
        </Field>
      </div>
      <div className="space-y-2">
        <Field label="Tools (JSON-schema functions)" hint='[{"name": "...", "description": "...", "parameters": {"type": "object", ...}}]'>
          <Textarea rows={11} className="font-mono text-xs" value={tools} onChange={(e) => setTools(e.target.value)} />
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={allowText} onChange={(e) => setAllowText(e.target.checked)} data-testid="profile-allow-text" />
          May answer in plain text when no tool fits
        </label>
        <ErrorNote error={jsonError ?? action.error} />
        <Button variant="primary" onClick={() => void save()} disabled={action.busy || !name.trim()}>
          Save profile
        </Button>
        {guard.dialog}
      </div>
    </div>
  )
}
