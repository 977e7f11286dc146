import { useCall, useEvent } from '../../hooks'

/** The model used last and what this start did with it (`models.last`), kept current. */
export function useLastModel() {
  const last = useCall('models.last', {})
  useEvent((e) => {
    if (e.type === 'models.changed' || e.type === 'model.loaded' || e.type === 'model.unloaded') void last.reload()
  })
  return last.data
}
