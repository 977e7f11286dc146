import { PageHeader } from '../../ui/Card'
import { EmptyState } from '../../ui/States'

export function ReviewView() {
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader title="Review" />
      <EmptyState title="Coming with the TT-SI engine" />
    </div>
  )
}
