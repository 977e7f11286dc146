import { useRef, useState } from 'react'
import type { Message, TokenTrace as Trace } from '../../../../core/contract'
import { ms, pct } from '../../../../shared/format'
import { estimatorName } from '../../labels'

/** Colour from probability: low = red, mid = amber, high = neutral. */
function tokenClass(p: number): string {
  if (p < 0.3) return 'bg-bad/25'
  if (p < 0.6) return 'bg-warn/25'
  if (p < 0.9) return 'bg-warn/10'
  return ''
}

const TIP_WIDTH = 224 // px

/** A token's alternatives: one popover for the strip, placed under the token and kept inside the strip's width. */
function TokenTip({ t, left, top, width }: { t: Trace; left: number; top: number; width: number }) {
  return (
    <span
      className="pointer-events-none absolute z-20 block rounded-md border border-line bg-panel p-2 text-xs shadow-lg"
      style={{ left, top, width }}
      data-testid="token-tip"
    >
      <span className="mb-1 block font-semibold [overflow-wrap:anywhere]">
        {JSON.stringify(t.text)} · {pct(t.prob, 1)}
      </span>
      {t.top.map((a, j) => (
        <span key={j} className="flex justify-between gap-2">
          <span className="truncate">{JSON.stringify(a.text)}</span>
          <span>{pct(a.prob, 1)}</span>
        </span>
      ))}
      {t.entropy !== undefined && <span className="mt-1 block text-muted">entropy {t.entropy.toFixed(2)} nats</span>}
    </span>
  )
}

export function TokenStrip({ tokens }: { tokens: Trace[] }) {
  const strip = useRef<HTMLDivElement>(null)
  const [tip, setTip] = useState<{ i: number; left: number; top: number; width: number } | null>(null)
  const show = (i: number, token: HTMLElement) => {
    if (!strip.current) return
    const box = strip.current.getBoundingClientRect()
    const r = token.getBoundingClientRect()
    const width = Math.min(TIP_WIDTH, box.width)
    // under the token, moved left as far as needed to end at the strip's right edge (a token near the edge)
    setTip({ i, width, left: Math.max(0, Math.min(r.left - box.left, box.width - width)), top: r.bottom - box.top + 4 })
  }
  return (
    <div ref={strip} className="relative font-mono text-xs leading-6 [overflow-wrap:anywhere]" data-testid="token-strip" onMouseLeave={() => setTip(null)}>
      {tokens.map((t, i) => (
        <span
          key={i}
          tabIndex={0}
          data-testid="token"
          data-prob={t.prob.toFixed(4)}
          className={`whitespace-pre-wrap rounded-sm ${tokenClass(t.prob)}`}
          aria-label={`token ${JSON.stringify(t.text)} probability ${pct(t.prob, 1)}`}
          onMouseEnter={(e) => show(i, e.currentTarget)}
          onFocus={(e) => show(i, e.currentTarget)}
          onBlur={() => setTip(null)}
        >
          {t.text}
        </span>
      ))}
      {tip && tokens[tip.i] && <TokenTip t={tokens[tip.i]} left={tip.left} top={tip.top} width={tip.width} />}
    </div>
  )
}

/** Trace review for one answer: coloured tokens, every candidate's score, the exact prompt. */
export function TracePanel({ message }: { message: Message }) {
  const u = message.uncertainty
  return (
    <div className="mt-3 space-y-3 rounded-md border border-line bg-sunken p-3" data-testid="trace-panel">
      {message.tokens && message.tokens.length > 0 && (
        <div>
          <h4 className="mb-1 text-xs font-semibold text-muted">Tokens (coloured by probability; hover or focus for alternatives)</h4>
          <TokenStrip tokens={message.tokens} />
        </div>
      )}
      {u && (
        <div>
          <h4 className="mb-1 text-xs font-semibold text-muted">
            Candidate actions · {estimatorName(u.estimator)} · margin {u.margin.toFixed(3)} vs τ {u.tau} · {ms(u.ms)}
          </h4>
          <table className="w-full text-xs" data-testid="candidates">
            <tbody>
              {u.candidates.map((c) => (
                <tr key={c.label} className="border-t border-line">
                  <td className="py-1 font-mono [overflow-wrap:anywhere]">{c.label}</td>
                  <td className="py-1 text-right">{c.logProb.toFixed(3)}</td>
                  <td className="w-40 py-1 pl-2">
                    <div className="h-1.5 rounded-full bg-panel">
                      <div className="h-full rounded-full bg-accent" style={{ width: `${Math.min(100, c.score * 100)}%` }} />
                    </div>
                  </td>
                  <td className="w-14 py-1 text-right">{pct(c.score, 1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {u.reason && <p className="mt-1 text-xs text-muted" data-testid="uncertainty-reason">{u.reason}</p>}
        </div>
      )}
      {message.prompt && (
        <details>
          <summary className="cursor-pointer text-xs font-semibold text-muted">Exact prompt sent</summary>
          <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap rounded bg-panel p-2 font-mono text-xs [overflow-wrap:anywhere]" data-testid="prompt">
            {message.prompt}
          </pre>
        </details>
      )}
    </div>
  )
}
