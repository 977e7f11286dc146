import type { Handlers } from '../contract'
import type { Services } from '../services'

export function roundsHandlers(_s: Services): Partial<Handlers> {
  return {}
}
