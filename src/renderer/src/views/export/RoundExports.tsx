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

/** A round's approved pairs (JSONL, OpenAI format) and its adapter (GGUF with a model card), written to files. */
export function RoundExports({ round }: { round: Round & { examples: Example[] } }) {
  const action = useAction()
  const run = (fn: () => Promise<void>) => void action.run(() => fn().catch((err: unknown) => void toast('Export failed', (err as Error).message)))
  return (
    <>
      {round.examples.some((e) => e.status === 'approved') && (
        <Button
          size="sm"
          data-testid="export-pairs"
          disabled={action.busy}
          title="The approved pairs of this round, one JSON line each (OpenAI fine-tuning format)"
          onClick={() =>
            run(() =>
              exportToChosenPath(`pairs-${round.id}.jsonl`, { name: 'JSON lines', extensions: ['jsonl'] }, async (path) => {
                const r = await engine.call('export.pairs', { format: 'openai', path, roundIds: [round.id] })
                return `${r.count} pair${r.count === 1 ? '' : 's'} to ${r.path}`
              })
            )
          }
        >
          Export pairs
        </Button>
      )}
      {round.training?.adapterPath && (
        <Button
          size="sm"
          data-testid="export-adapter"
          disabled={action.busy}
          title="This round's LoRA adapter (GGUF) and a model card beside it"
          onClick={() =>
            run(() =>
              exportToChosenPath(`adapter-${round.id}.gguf`, { name: 'GGUF LoRA adapter', extensions: ['gguf'] }, async (path) => {
                const r = await engine.call('export.adapter', { roundId: round.id, path })
                return `the adapter to ${r.path}, its card to ${r.cardPath}`
              })
            )
          }
        >
          Export adapter
        </Button>
      )}
    </>
  )
}
