import type { EngineEvent } from './contract'
import type { EventBus } from './services'

export function createEventBus(): EventBus {
  const listeners = new Set<(e: EngineEvent) => void>()
  return {
    emit(event) {
      for (const l of listeners) {
        try {
          l(event)
        } catch (err) {
          console.error('event listener failed:', err)
        }
      }
    },
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
}
