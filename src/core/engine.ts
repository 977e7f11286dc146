import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { z } from 'zod'
import { chatHandlers } from './chat/handlers'
import { methods, type CallContext, type EngineEvent, type Handlers, type Input, type MethodName, type Output } from './contract'
import { removeLeftoverPartials } from './atomic-file'
import { UserError } from './errors'
import { MAX_NESTING, nestingOver } from './input-limits'
import { createEventBus } from './events'
import { experimentsHandlers } from './experiments/handlers'
import { createJobManager } from './jobs/jobs'
import { createModelHost } from './models/host'
import { loadLastModelAtStart } from './models/last-model'
import { modelsHandlers } from './models/handlers'
import { stopRoundEndRetries } from './rounds/end-journal'
import { roundsHandlers, roundsStartup } from './rounds/handlers'
import { fileSecretStore } from './secrets/store'
import { createSettingsStore, moveSecretsOutOfDb } from './settings/settings'
import type { EngineOptions, HandlerFactory, Paths, Services, Trainer } from './services'
import { damagedDbError } from './storage/damaged'
import { acquireDataLock } from './storage/data-lock'
import { openDb } from './storage/db'
import type { Db } from './storage/types'
import { allMigrations } from './storage/migrations'
import { DB_FREE_METHODS, dbHealthHandlers, unavailableDb, type DbHealth } from './system/db-health'
import { systemHandlers } from './system/handlers'
import { runTraining } from './trainer/client'
import { TrainerWorker } from './trainer/worker'

export type { SecretCodec } from './secrets/store'
export type { SaveDialog } from './services'

export interface Engine {
  services: Services
  call<K extends MethodName>(method: K, input: Input<K>, ctx?: CallContext): Promise<Output<K>>
  onEvent(listener: (e: EngineEvent) => void): () => void
  /** Desktop: a path the user chose in a save dialog may be written by the next exports (see export/destination.ts) */
  grantExportPath(path: string): void
  close(): Promise<void>
}

export function dataPaths(dataDir: string): Paths {
  const p: Paths = {
    dataDir,
    dbFile: join(dataDir, 'autodidact.db'),
    modelsDir: join(dataDir, 'models'),
    adaptersDir: join(dataDir, 'adapters'),
    tmpDir: join(dataDir, 'tmp'),
    exportsDir: join(dataDir, 'exports')
  }
  for (const d of [p.dataDir, p.modelsDir, p.adaptersDir, p.tmpDir, p.exportsDir]) mkdirSync(d, { recursive: true })
  return p
}

const FEATURES: HandlerFactory[] = [systemHandlers, modelsHandlers, chatHandlers, roundsHandlers, experimentsHandlers]

function formatZodError(method: string, err: z.ZodError): string {
  const fields = err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ')
  return `Invalid input for ${method}: ${fields}`
}

function createTrainer(options: EngineOptions): Trainer {
  const warm = options.trainerWorker ?? process.env.AUTODIDACT_TRAINER_WORKER !== '0'
  if (!warm) return { run: runTraining, release: async () => undefined, dispose: async () => undefined }
  const worker = new TrainerWorker({ trainerPath: options.trainerPath, idleMs: options.trainerIdleMs })
  return { run: (job, opts) => worker.run(job, opts), release: () => worker.release(), dispose: () => worker.dispose() }
}

/**
 * Builds the engine: storage, model host, jobs, settings and every feature's handlers. A damaged database does not
 * stop it: it starts degraded (system/db-health.ts) until the user moves the file aside.
 */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const paths = dataPaths(options.dataDir)
  // one engine per data folder: a second one would mark the first one's live rounds interrupted
  const lock = acquireDataLock(paths.dataDir, options.shell ?? 'web')
  const events = createEventBus()
  const health: DbHealth = { damage: null, movedAsideTo: null }
  let db: Db | null = null
  try {
    db = await openDb(paths.dbFile, allMigrations)
  } catch (err) {
    if ((err as { code?: string }).code !== 'db_corrupt') {
      lock.release()
      throw err
    }
    health.damage = damagedDbError(paths.dbFile, (err as { cause?: unknown }).cause ?? err)
  }
  removeLeftoverPartials([paths.modelsDir, paths.adaptersDir, paths.exportsDir]) // a crash or full disk mid-write
  const secrets = fileSecretStore(join(paths.dataDir, options.secretCodec ? 'secrets.keychain.json' : 'secrets.json'), options.secretCodec)
  const host = createModelHost({ gpu: options.gpu ?? 'auto', threads: options.threads, defaultContextSize: async () => (await services.settings.get()).contextSize })
  const trainer = createTrainer(options)
  const unopened = unavailableDb(health)
  const services: Services = {
    paths, db: unopened, events, jobs: createJobManager(events), host, settings: createSettingsStore(unopened, events, secrets), trainer,
    shell: options.shell ?? 'web', exportGrants: new Set(), options
  }
  const handlers: Partial<Handlers> = {}
  // the model used last loads in the background (a job with progress); a CLI command does not wait for a model
  const starting = new AbortController()
  let lastModel: { loaded: Promise<void> } = { loaded: Promise.resolve() }
  /** every feature on an open database */
  const start = async (open: Db) => {
    await moveSecretsOutOfDb(open, secrets)
    services.db = open
    services.settings = createSettingsStore(open, events, secrets)
    for (const f of FEATURES) Object.assign(handlers, f(services))
    await roundsStartup(services)
    lastModel = await loadLastModelAtStart(services, options.loadLastModel ?? services.shell !== 'cli', starting.signal)
  }
  Object.assign(handlers, dbHealthHandlers(paths, events, health, async () => start(await openDb(paths.dbFile, allMigrations))))
  if (db) await start(db)

  return {
    services,
    async call(method, input, _ctx = { origin: 'internal' }) {
      // own properties only: "__proto__", "constructor" or "toString" must not reach Object.prototype
      const name = typeof method === 'string' ? method : ''
      const def = Object.hasOwn(methods, name) ? (methods as Record<string, { input: z.ZodType }>)[name] : undefined
      if (!def) throw new UserError(`Unknown method "${String(method).slice(0, 80)}": see src/core/contract for the methods.`, 'unknown_method')
      if (nestingOver(input) !== null) {
        throw new UserError(`Invalid input for ${name}: it is nested more than ${MAX_NESTING} levels deep. Simplify it (tool schemas and arguments are a few levels deep).`, 'too_deep')
      }
      const parsed = def.input.safeParse(input ?? {})
      if (!parsed.success) throw new UserError(formatZodError(String(method), parsed.error), 'invalid_input')
      if (health.damage && !DB_FREE_METHODS.has(name)) throw health.damage
      const handler = (Object.hasOwn(handlers, name) ? handlers[method] : undefined) as ((i: unknown, c: CallContext) => Promise<Output<typeof method>>) | undefined
      if (!handler) throw new UserError(`"${String(method)}" is not implemented yet.`, 'not_implemented')
      return handler(parsed.data, _ctx)
    },
    onEvent: (listener) => events.on(listener),
    grantExportPath: (path) => void services.exportGrants.add(resolve(path)),
    async close() {
      starting.abort()
      for (const j of services.jobs.list()) if (j.status === 'running') services.jobs.cancel(j.id)
      await lastModel.loaded
      await trainer.dispose()
      stopRoundEndRetries(services)
      await host.dispose()
      await services.db.close()
      lock.release()
    }
  }
}

