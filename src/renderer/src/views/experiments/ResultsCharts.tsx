import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { ExperimentMethod, MethodMetrics } from '../../../../core/contract'
import { methodName } from '../../labels'

const COLORS: Record<string, string> = { baseline: '#64748b', 'tt-icl': '#0ea5e9', 'tt-si': '#6366f1', 'tt-d': '#f59e0b' }

/** Metrics averaged over seeds, one series per method, x = tau. */
function byTau(metrics: MethodMetrics[], key: 'exact' | 'flaggedShare') {
  const taus = [...new Set(metrics.map((m) => m.tau))].sort((a, b) => a - b)
  const methods = [...new Set(metrics.map((m) => m.method))]
  return {
    methods,
    rows: taus.map((tau) => {
      const row: Record<string, number> = { tau }
      for (const method of methods) {
        const ms = metrics.filter((m) => m.tau === tau && m.method === method)
        if (ms.length) row[method] = (ms.reduce((a, m) => a + m[key], 0) / ms.length) * 100
      }
      return row
    })
  }
}

function Chart({ title, children }: { title: string; children: React.ReactElement }) {
  return (
    <div className="rounded-md border border-line p-3">
      <div className="mb-2 text-xs font-semibold text-muted">{title}</div>
      <div className="h-52">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </div>
  )
}

export function ResultsCharts({ metrics }: { metrics: MethodMetrics[] }) {
  const acc = byTau(metrics, 'exact')
  const flagged = byTau(metrics, 'flaggedShare')
  const time = [...new Set(metrics.map((m) => m.method))].map((method) => {
    const ms = metrics.filter((m) => m.method === method)
    return { method, ms: ms.reduce((a, m) => a + m.msPerItem, 0) / ms.length }
  })
  const axis = { stroke: 'var(--color-muted)', fontSize: 11 }
  return (
    <div className="grid gap-3 lg:grid-cols-3" data-testid="experiment-charts">
      <Chart title="Exact-match accuracy (%) vs τ">
        <LineChart data={acc.rows}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
          <XAxis dataKey="tau" {...axis} />
          <YAxis {...axis} width={36} domain={[0, 100]} />
          <Tooltip />
          <Legend />
          {acc.methods.map((m) => (
            <Line key={m} dataKey={m} name={methodName(m)} stroke={COLORS[m] ?? '#888'} isAnimationActive={false} />
          ))}
        </LineChart>
      </Chart>
      <Chart title="Items flagged uncertain (%) vs τ">
        <LineChart data={flagged.rows}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
          <XAxis dataKey="tau" {...axis} />
          <YAxis {...axis} width={36} domain={[0, 100]} />
          <Tooltip />
          {flagged.methods.map((m) => (
            <Line key={m} dataKey={m} name={methodName(m)} stroke={COLORS[m] ?? '#888'} isAnimationActive={false} />
          ))}
        </LineChart>
      </Chart>
      <Chart title="Time per item (ms)">
        <BarChart data={time}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
          <XAxis dataKey="method" {...axis} tickFormatter={(m: ExperimentMethod) => methodName(m)} />
          <YAxis {...axis} width={48} />
          <Tooltip />
          <Bar dataKey="ms" fill="var(--color-accent)" isAnimationActive={false} />
        </BarChart>
      </Chart>
    </div>
  )
}
