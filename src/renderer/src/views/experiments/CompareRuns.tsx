import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { ExperimentMethod, RunInfo } from '../../../../core/contract'
import { ms, pct, when, words } from '../../../../shared/format'
import { methodName } from '../../labels'
import { Card } from '../../ui/Card'
import { compareRuns } from './compare'

const PALETTE = ['#6366f1', '#0ea5e9', '#f59e0b', '#10b981', '#ef4444', '#a855f7']

/** Side-by-side comparison of the runs ticked in the run list: best accuracy per method, its τ, cost. */
export function CompareRuns({ runs, datasetName }: { runs: RunInfo[]; datasetName: (id: string) => string }) {
  const c = compareRuns(runs)
  const label = (r: RunInfo, i: number) => `#${i + 1} ${datasetName(r.config.datasetId)}`
  const chart = c.methods.map((method) => {
    const row: Record<string, string | number> = { method }
    runs.forEach((r, i) => {
      const cell = c.cells[method][r.id]
      if (cell) row[label(r, i)] = Math.round(cell.exact * 1000) / 10
    })
    return row
  })
  const axis = { stroke: 'var(--color-muted)', fontSize: 11 }
  return (
    <Card title={`Comparing ${runs.length} runs`} testId="compare-runs">
      <ol className="mb-3 space-y-0.5 text-xs text-muted">
        {runs.map((r, i) => (
          <li key={r.id} className="[overflow-wrap:anywhere]">
            <span className="font-medium text-fg">{label(r, i)}</span> · {r.id} · {r.config.methods.map(methodName).join(', ')} · τ {r.config.taus.join(', ')} · {r.config.seeds.length} seed(s) ·{' '}
            {r.config.limit ?? 'all'} items · {when(r.createdAt)} {r.status !== 'done' && `· ${words(r.status)}`}
          </li>
        ))}
      </ol>
      <div className="mb-4 overflow-x-auto">
        <table className="w-full text-sm" data-testid="compare-table">
          <thead className="text-left text-xs text-muted">
            <tr>
              <th className="py-1">method</th>
              {runs.map((r, i) => (
                <th key={r.id} className="[overflow-wrap:anywhere]">{label(r, i)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {c.methods.map((method) => (
              <tr key={method} className="border-t border-line align-top">
                <td className="py-1.5 font-medium">{methodName(method as ExperimentMethod)}</td>
                {runs.map((r) => {
                  const cell = c.cells[method][r.id]
                  const best = c.winner[method] === r.id
                  return (
                    <td key={r.id} className="py-1.5" data-testid="compare-cell">
                      {cell ? (
                        <>
                          <span className={best ? 'font-semibold text-ok' : ''}>{pct(cell.exact, 1)}</span>
                          {best && <span className="sr-only"> (best)</span>}
                          <span className="block text-xs text-muted">
                            at τ {cell.tau} · flagged {pct(cell.flaggedShare)} · {ms(cell.msPerItem)}/item
                          </span>
                        </>
                      ) : (
                        <span className="text-muted">not run</span>
                      )}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {c.methods.length > 0 && (
        <div className="h-56">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={chart}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
              <XAxis dataKey="method" {...axis} tickFormatter={(m: ExperimentMethod) => methodName(m)} />
              <YAxis {...axis} width={36} domain={[0, 100]} unit="%" />
              <Tooltip />
              <Legend />
              {runs.map((r, i) => (
                <Bar key={r.id} dataKey={label(r, i)} fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <p className="mt-2 text-xs text-muted">Best exact-match accuracy of each method over its τ sweep, averaged over seeds. Green marks the strictly best run.</p>
    </Card>
  )
}
