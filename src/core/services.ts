import type { EngineEvent, Handlers } from './contract'
import type { SecretCodec } from './secrets/store'
import type { Db } from './storage/types'
import type { JobManager } from './jobs/types'
import type { ModelHost } from './models/types'
import type { SettingsStore } from './settings/types'
import type { RunOptions, TrainJob, TrainResult } from './trainer/client'

/** Where everything lives on disk. All under one data directory. */
export interface Paths {
  dataDir: string
  dbFile: string
  modelsDir: string
  adaptersDir: string
  tmpDir: string
  exportsDir: string
}

export interface EventBus {
  emit(event: EngineEvent): void
  on(listener: (event: EngineEvent) => void): () => void
}

/**
 * The engine's shared services, built once by createEngine (src/core/engine.ts) and handed to every
 * feature's handler factory: `export function xxxHandlers(s: Services): Partial<Handlers>`.
 */
export interface Services {
  paths: Paths
  db: Db
  events: EventBus
  jobs: JobManager
  host: ModelHost
  settings: SettingsStore
  /** Runs training jobs: a warm worker process (default) or one process per job */
  trainer: Trainer
  shell: 'electron' | 'web' | 'cli'
  /** Export paths the user picked in a save dialog (desktop): writable even outside the exports folder */
  exportGrants: Set<string>
  /** Test seams and overrides (e.g. trainer binary path, HF base URL for a local test server). */
  options: EngineOptions
}

export interface Trainer {
  run(job: TrainJob, opts?: RunOptions): Promise<TrainResult>
  /** Frees the memory a waiting warm worker holds (its copy of the base model) */
  release(): Promise<void>
  dispose(): Promise<void>
}

export interface EngineOptions {
  dataDir: string
  shell?: 'electron' | 'web' | 'cli'
  /** Base URL for model downloads; default https://huggingface.co (tests use a local HTTP server). */
  hfBaseUrl?: string
  /** Path of the native trainer binary; default: native/build/bin/autodidact-trainer (or the packaged one). */
  trainerPath?: string
  /** 'auto' | 'cpu' — force CPU (tests, CI) */
  gpu?: 'auto' | 'cpu'
  /**
   * Test seam: supplies the raw text of self-augmentation instead of the model (random-weight test models
   * rarely write valid pairs). Production never sets it.
   */
  augmentOverride?: (req: { query: string; k: number; toolNames: string[] }) => Promise<string>
  /** CPU threads for inference (default: math cores; AUTODIDACT_THREADS overrides) */
  threads?: number
  /**
   * Keep a warm trainer process between rounds (its base model stays loaded until it has been idle for
   * trainerIdleMs): saves the process start and model load per round, at the cost of the base's memory while
   * it waits. Default on; AUTODIDACT_TRAINER_WORKER=0 turns it off.
   */
  trainerWorker?: boolean
  /**
   * Encrypts secrets with the OS keychain (the desktop app passes Electron safeStorage); without it they are
   * kept in <data folder>/secrets.json, readable by the owner only (docs/security.md).
   */
  secretCodec?: SecretCodec
  trainerIdleMs?: number
  /**
   * Load the model used last when the engine starts (in the background, if the `loadLastModel` setting is on).
   * Default: on for the desktop app and web shell, off for the CLI (each command is a short process).
   */
  loadLastModel?: boolean
  /**
   * The desktop's save dialog (src/main passes Electron's dialog.showSaveDialog): system.chooseExportPath asks the
   * user with it, and only the path they chose may be written outside the exports folder. Web shell, CLI: none.
   */
  saveDialog?: SaveDialog
}

export interface SaveDialogOptions {
  title: string
  defaultPath: string
  buttonLabel: string
  filters: { name: string; extensions: string[] }[]
  /** Linux asks before replacing a file only when told to (macOS and Windows always ask) */
  properties: ('showOverwriteConfirmation' | 'createDirectory')[]
}
export type SaveDialog = (options: SaveDialogOptions) => Promise<{ canceled: boolean; filePath?: string }>

export type HandlerFactory = (s: Services) => Partial<Handlers>
