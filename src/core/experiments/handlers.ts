import type { Handlers } from '../contract'
import type { Services } from '../services'

export function experimentsHandlers(_s: Services): Partial<Handlers> {
  return {}
}
