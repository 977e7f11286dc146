import { useState } from 'react'
import type { Example, ToolDef } from '../../../../core/contract'
import { useAction } from '../../hooks'
import { engine } from '../../rpc'
import { Button } from '../../ui/Button'
import { Input, Textarea } from '../../ui/Field'
import { ErrorNote } from '../../ui/States'
import { checkEdit } from './validate'

/** Edits one example inline, checking the call against the tools and their schemas as you type; saving approves it. */
export function ExampleEditor({ example, tools, onDone }: { example: Example; tools: ToolDef[]; onDone: () => void }) {
  const [input, setInput] = useState(example.input)
  const [answer, setAnswer] = useState(tools.length || example.call ? JSON.stringify(example.call ?? { name: tools[0].name, arguments: {} }, null, 2) : (example.text ?? ''))
  const orphan = example.call !== null && tools.length === 0
  const check: ReturnType<typeof checkEdit> = orphan
    ? { ok: false, problem: "This round's agent profile is not available (deleted, or still loading), so its tools cannot be checked." }
    : checkEdit(input, answer, tools)
  const action = useAction()
  const save = () =>
    void action.run(async () => {
      if (!check.ok) return
      await engine.call('review.edit', { id: example.id, input, call: check.call, ...(check.text !== null ? { text: check.text } : {}) })
      onDone()
    })
  return (
    <div className="mt-2 space-y-2" data-testid="example-editor" onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <Input aria-label="Input" autoFocus value={input} onChange={(e) => setInput(e.target.value)} />
      <Textarea
        aria-label={tools.length ? 'Tool call' : 'Answer'}
        aria-invalid={!check.ok}
        aria-describedby={`check-${example.id}`}
        rows={5}
        className="font-mono text-xs"
        value={answer}
        onChange={(e) => setAnswer(e.target.value)}
      />
      <p id={`check-${example.id}`} data-testid="edit-check" className={`text-xs ${check.ok ? 'text-ok' : 'text-bad'}`}>
        {check.ok ? (tools.length ? `Valid call to ${check.call?.name}.` : 'Valid answer.') : check.problem}
      </p>
      <ErrorNote error={action.error} />
      <div className="flex gap-2">
        <Button size="sm" variant="primary" onClick={save} disabled={action.busy || !check.ok} data-testid="save-edit">
          Save and approve
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </div>
  )
}
