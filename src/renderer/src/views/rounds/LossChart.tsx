import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { sig } from '../../../../shared/format'
import { lossAxis } from './loss-axis'

const tick = { fill: 'var(--color-muted)', fontSize: 11 }
const axisLabel = { fill: 'var(--color-muted)', fontSize: 11 }

/** Training loss per step: the y axis fits the data, both axes are named, the tooltip reads "step 3 · loss 5.87". */
export function LossChart({ points }: { points: { step: number; loss: number }[] }) {
  const y = lossAxis(points.map((p) => p.loss))
  return (
    <div className="h-52" data-testid="loss-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 5, right: 12, bottom: 18, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
          <XAxis dataKey="step" stroke="var(--color-muted)" tick={tick} label={{ value: 'step', position: 'insideBottom', offset: -12, ...axisLabel }} />
          <YAxis
            domain={y.domain}
            ticks={y.ticks}
            allowDataOverflow
            stroke="var(--color-muted)"
            tick={tick}
            width={52}
            tickFormatter={(v: number) => v.toFixed(y.decimals)}
            label={{ value: 'loss', angle: -90, position: 'insideLeft', offset: 6, ...axisLabel }}
          />
          <Tooltip
            formatter={(v) => [sig(Number(v)), 'loss']}
            labelFormatter={(s) => `step ${s}`}
            contentStyle={{ background: 'var(--color-panel)', border: '1px solid var(--color-line)', borderRadius: 6, fontSize: 12, color: 'var(--color-fg)' }}
            itemStyle={{ color: 'var(--color-accent)' }}
          />
          <Line type="monotone" dataKey="loss" stroke="var(--color-accent)" dot={points.length <= 40} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  )
}
