import type { Settings } from '../../../../core/contract'

type Config = { lora?: Partial<Settings['lora']>; optim?: Partial<Settings['optim']>; examples?: number }

/** "rank 8 · alpha 16 · seed 0" from the fields that are there, in the order given. */
function line(parts: [string, unknown][]): string {
  return parts.filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => `${k} ${v}`).join(' · ') || '–'
}

/**
 * What a round's adapter was trained with, read as settings (LoRA and optimiser), and the stored JSON on
 * demand; long target lists and values wrap inside the card instead of widening the page.
 */
export function TrainingConfig({ config }: { config: Record<string, unknown> }) {
  const c = config as Config
  return (
    <div className="mt-3 border-t border-line pt-2 text-xs" data-testid="training-config">
      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-1 [&>dd]:[overflow-wrap:anywhere]">
        <dt className="text-muted">LoRA</dt>
        <dd data-testid="lora-config">{line([['rank', c.lora?.rank], ['alpha', c.lora?.alpha], ['seed', c.lora?.seed]])}</dd>
        <dt className="text-muted">Targets</dt>
        <dd>{c.lora?.targets?.length ? c.lora.targets.join(', ') : '–'}</dd>
        <dt className="text-muted">Optimiser</dt>
        <dd>
          {line([['learning rate', c.optim?.lr], ['epochs', c.optim?.epochs], ['warm-up', c.optim?.warmup], ['schedule', c.optim?.schedule], ['weight decay', c.optim?.weightDecay]])}
        </dd>
        {c.examples !== undefined && (
          <>
            <dt className="text-muted">Examples</dt>
            <dd>{c.examples}</dd>
          </>
        )}
      </dl>
      <details className="mt-2">
        <summary className="cursor-pointer text-muted">Training config as stored (JSON)</summary>
        <pre className="mt-1 max-h-64 overflow-auto rounded bg-sunken p-2 font-mono whitespace-pre-wrap [overflow-wrap:anywhere]" data-testid="training-config-json">
          {JSON.stringify(config, null, 2)}
        </pre>
      </details>
    </div>
  )
}
