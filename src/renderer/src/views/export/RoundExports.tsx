import type { Example, Round } from '../../../../core/contract'
import { useAction } from '../../hooks'
import { engine } from '../../rpc'
import { Button } from '../../ui/Button'
import { toast } from '../../ui/Toast'

/**
 * Asks where first (the desktop's save dialog; the web shell proposes a new name in its exports folder), then
 * writes there; says where it went. Cancelling the dialog writes nothing. An existing file is never replaced
 * without the dialog having asked.
 */
async function exportToChosenPath(suggestedName: string, filter: { name: string; extensions: string[] }, write: (path: string) => Promise<string>) {
  const choice = await engine.call('system.chooseExportPath', { suggestedName, filter })
  if (!choice.path) return
  toast('Exported', await write(choice.path), 'info')
}

interface ExportKind {
  id: string
  label: string
  title: string
  suggestedName: string
  filter: { name: string; extensions: string[] }
  write: (path: string) => Promise<string>
}

/** A round's approved pairs (JSONL, OpenAI format) and its adapter (GGUF with a model card), written to files. */
export function RoundExports({ round }: { round: Round & { examples: Example[] } }) {
  const action = useAction()
  const kinds: ExportKind[] = []
  if (round.examples.some((e) => e.status === 'approved')) {
    kinds.push({
      id: 'export-pairs',
      label: 'Export pairs',
      title: 'The approved pairs of this round, one JSON line each (OpenAI fine-tuning format)',
      suggestedName: `pairs-${round.id}.jsonl`,
      filter: { name: 'JSON lines', extensions: ['jsonl'] },
      write: async (path) => {
        const r = await engine.call('export.pairs', { format: 'openai', path, roundIds: [round.id] })
        return `${r.count} pair${r.count === 1 ? '' : 's'} to ${r.path}`
      }
    })
  }
  if (round.training?.adapterPath) {
    kinds.push({
      id: 'export-adapter',
      label: 'Export adapter',
      title: "This round's LoRA adapter (GGUF) and a model card beside it",
      suggestedName: `adapter-${round.id}.gguf`,
      filter: { name: 'GGUF LoRA adapter', extensions: ['gguf'] },
      write: async (path) => {
        const r = await engine.call('export.adapter', { roundId: round.id, path })
        return `the adapter to ${r.path}, its card to ${r.cardPath}`
      }
    })
  }
  const run = (k: ExportKind) =>
    void action.run(() => exportToChosenPath(k.suggestedName, k.filter, k.write).catch((err: unknown) => void toast('Export failed', (err as Error).message)))
  return (
    <>
      {kinds.map((k) => (
        <Button key={k.id} size="sm" data-testid={k.id} disabled={action.busy} title={k.title} onClick={() => run(k)}>
          {k.label}
        </Button>
      ))}
    </>
  )
}
