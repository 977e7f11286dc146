import type { AnswerRecord } from '../../../../core/contract'
import { TokenStrip } from '../chat/TokenTrace'
import { wordDiff } from './diff'

/** One side of a before/after pair: removed words struck through on the before side, added ones marked after. */
export function Answer({ label, side, a, other, testId }: { label: string; side: 'before' | 'after'; a: AnswerRecord | null; other: AnswerRecord | null; testId: string }) {
  const segs = a && other ? wordDiff(side === 'after' ? other.text : a.text, side === 'after' ? a.text : other.text) : null
  return (
    <div className="min-w-0 flex-1 rounded-md border border-line p-3" data-testid={testId}>
      <div className="mb-2 text-xs font-semibold text-muted uppercase">{label}</div>
      {!a ? (
        <p className="text-sm text-muted italic">not yet</p>
      ) : (
        <>
          <p className="font-mono text-xs break-words whitespace-pre-wrap">
            {segs && side === 'after'
              ? segs.filter((s) => s.kind !== 'del').map((s, i) => <span key={i} className={s.kind === 'add' ? 'bg-ok/25' : ''} data-diff={s.kind}>{s.text}</span>)
              : segs
                ? segs.filter((s) => s.kind !== 'add').map((s, i) => <span key={i} className={s.kind === 'del' ? 'bg-bad/20 line-through' : ''} data-diff={s.kind}>{s.text}</span>)
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

/** Before and after side by side (stacked when narrow), with the word diff between them. */
export function BeforeAfter({ before, after, testIds = ['answer-before', 'answer-after'] }: { before: AnswerRecord | null; after: AnswerRecord | null; testIds?: [string, string] }) {
  return (
    <div className="flex flex-col gap-3 sm:flex-row">
      <Answer label="Before" side="before" a={before} other={after} testId={testIds[0]} />
      <Answer label="After" side="after" a={after} other={before} testId={testIds[1]} />
    </div>
  )
}
