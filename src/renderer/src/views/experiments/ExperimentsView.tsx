import { PageHeader } from '../../ui/Card'
import { EmptyState } from '../../ui/States'

export function ExperimentsView() {
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader title="Experiments" />
      <EmptyState title="Coming with the TT-SI engine" />
    </div>
  )
}
