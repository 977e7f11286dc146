import type { Handlers, SystemStatus } from '../contract'
import { toUserMessage, UserError } from '../errors'
import type { EventBus, Paths } from '../services'
import { moveDbAside } from '../storage/damaged'
import type { Db } from '../storage/types'

/**
 * A damaged database does not stop the engine: it starts in a degraded mode (no database work) where these two
 * methods work and every other one answers the damage (db_corrupt), so each client says what is wrong and where.
 * The user moves the file aside from the app (never silently); a fresh database is opened in the same process.
 */
export const DB_FREE_METHODS: ReadonlySet<string> = new Set(['system.status', 'system.moveDamagedDbAside'])

export interface DbHealth {
  /** what every other method answers while the database cannot be used */
  damage: UserError | null
  movedAsideTo: string | null
}

/** Stands in for the database while it is damaged: every statement fails with the damage. */
export function unavailableDb(health: DbHealth): Db {
  const refuse = async (): Promise<never> => {
    throw health.damage ?? new UserError('The database is not open.', 'db_unavailable')
  }
  return { run: refuse, get: refuse, all: refuse, exec: refuse, transaction: refuse, close: async () => undefined }
}

/** system.status and system.moveDamagedDbAside; `reopen` opens a fresh database and starts every feature on it. */
export function dbHealthHandlers(paths: Paths, events: EventBus, health: DbHealth, reopen: () => Promise<void>): Pick<Handlers, 'system.status' | 'system.moveDamagedDbAside'> {
  const status = (): SystemStatus => ({ database: health.damage ? 'damaged' : 'ok', dbFile: paths.dbFile, problem: health.damage?.message ?? null, movedAsideTo: health.movedAsideTo })
  let moving = false
  return {
    'system.status': async () => status(),
    'system.moveDamagedDbAside': async () => {
      if (!health.damage) throw new UserError(`The database ${paths.dbFile} is not damaged: there is nothing to move aside.`, 'invalid_state')
      if (moving) throw new UserError('The database is being moved aside already.', 'busy')
      moving = true
      try {
        const movedTo = moveDbAside(paths.dbFile)
        health.movedAsideTo = movedTo
        try {
          await reopen()
          health.damage = null
        } catch (err) {
          health.damage = new UserError(
            `The damaged database was moved to ${movedTo}, but a fresh one could not be created at ${paths.dbFile}: ${toUserMessage(err)} Fix that, then start Autodidact again.`,
            'db_unavailable'
          )
          throw health.damage
        } finally {
          events.emit({ type: 'system.status', status: status() })
        }
        return { movedTo, status: status() }
      } finally {
        moving = false
      }
    }
  }
}
