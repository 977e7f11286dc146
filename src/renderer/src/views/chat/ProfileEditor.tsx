import { useState } from 'react'
import type { AgentProfile } from '../../../../core/contract'
import { useAction } from '../../hooks'
import { engine } from '../../rpc'
import { Button } from '../../ui/Button'
import { Field, Input, Select, Textarea } from '../../ui/Field'
import { ErrorNote } from '../../ui/States'

/** Edit an agent profile: name, system prompt, tools as JSON-schema functions, and whether text answers are allowed. */
export function ProfileEditor({ profiles, onSaved }: { profiles: AgentProfile[]; onSaved: () => void }) {
  const [id, setId] = useState<string>(profiles[0]?.id ?? '')
  const current = profiles.find((p) => p.id === id)
  const [name, setName] = useState(current?.name ?? '')
  const [system, setSystem] = useState(current?.systemPrompt ?? '')
  const [tools, setTools] = useState(JSON.stringify(current?.tools ?? [], null, 2))
  const [allowText, setAllowText] = useState(current?.allowText ?? false)
  const [jsonError, setJsonError] = useState<string | null>(null)
  const action = useAction()
  const pick = (pid: string) => {
    const p = profiles.find((x) => x.id === pid)
    setId(pid)
    setName(p?.name ?? 'New profile')
    setSystem(p?.systemPrompt ?? '')
    setTools(JSON.stringify(p?.tools ?? [], null, 2))
    setAllowText(p?.allowText ?? false)
  }
  const save = () => {
    let parsed: unknown
    try {
      parsed = JSON.parse(tools)
      if (!Array.isArray(parsed)) throw new Error('tools must be a JSON array of {name, description, parameters}')
      setJsonError(null)
    } catch (err) {
      setJsonError((err as Error).message)
      return
    }
    void action.run(async () => {
      const saved = await engine.call('profiles.save', { id: id || undefined, name, systemPrompt: system, tools: parsed as never, allowText })
      setId(saved.id)
      onSaved()
    })
  }
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
        <Button variant="primary" onClick={save} disabled={action.busy || !name.trim()}>
          Save profile
        </Button>
      </div>
    </div>
  )
}
