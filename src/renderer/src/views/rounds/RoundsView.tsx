import { PageHeader } from '../../ui/Card'
import { EmptyState } from '../../ui/States'

export function RoundsView() {
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader title="Rounds" />
      <EmptyState title="Coming with the TT-SI engine" />
    </div>
  )
}
