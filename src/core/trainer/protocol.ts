/** The trainer's job input and its JSON-lines events (native/src/main.cpp writes them). */
export interface TrainExample {
  tokens: number[]
  /** 1 = answer token (counts in the loss), 0 = prompt */
  mask: number[]
}

export interface TrainJob {
  model: string
  out: string
  examples: TrainExample[]
  initAdapter?: string
  lora?: { rank?: number; alpha?: number; targets?: string[]; seed?: number }
  optim?: { lr?: number; epochs?: number; warmup?: number; schedule?: 'cosine' | 'linear' | 'constant'; weightDecay?: number }
  /** -1: every layer on the GPU when there is one; 0: CPU */
  gpuLayers?: number
  threads?: number
  maxContext?: number
  /** after training, evaluate the final adapter on the data (DoneEvent.evalLoss) */
  evalAfter?: boolean
  /**
   * Train against a cached F32 copy of the base: 'auto' (default) when the GPU cannot train through the
   * base's weight types (e.g. CUDA with F16/quantized weights), 'always', or 'never' (refuse instead).
   */
  f32Copy?: 'auto' | 'always' | 'never'
  /** where F32 copies are cached (default: base-f32/ beside `out`) */
  cacheDir?: string
  /**
   * Ops the GPU cannot compute (Metal: OUT_PROD, ...): 'auto' (default) runs them on the CPU where memory is
   * unified (Apple Silicon), else the job trains on the CPU; 'never': train on the CPU then.
   */
  cpuOps?: 'auto' | 'never'
}

/** Where a job trains, as the trainer decided it (native/src/placement.h). */
export interface Placement {
  device: 'gpu' | 'cpu'
  f32Copy: boolean
  /** with device 'gpu': ops ggml's scheduler runs on the CPU (the GPU lacks them; unified memory) */
  cpuOps: string[]
  /** why not plain GPU training; null when it is */
  reason: string | null
}

export interface StartedEvent {
  type: 'started'
  pid: number
  backend: 'cpu' | 'gpu'
  device: string
  /** ggml's backend of that device: 'CUDA', 'Vulkan', 'Metal', ... or 'CPU' */
  ggmlBackend: string
  /** the folder ggml's backends were loaded from ('' for a full-source build, whose backends are linked in) */
  backendDir: string
  placement: Placement
  architecture: string
  adapterTensors: number
  trainableParams: number
  examples: number
  windows: number
  windowTokens: number
  tokens: number
  answerTokens: number
  steps: number
  loadMs: number
  /** the F32 training copy used instead of the base file, if any */
  baseCopy: { path: string; reused: boolean; ms: number } | null
  /** a warm worker (--serve) trained against the base it already had loaded */
  modelReused: boolean
  /** the job's number in its process (1 for a one-job process) */
  jobIndex: number
}
export interface ProgressEvent {
  type: 'progress'
  epoch: number
  epochs: number
  step: number
  steps: number
  loss: number
  tokensPerSec: number
  etaSec: number
}
export interface DoneEvent {
  type: 'done'
  adapter: string
  finalLoss: number
  /** mean loss over answer tokens with the final adapter, when the job asked for evalAfter */
  evalLoss: number | null
  losses: { step: number; epoch: number; loss: number }[]
  tokensPerSec: number
  timings: { loadMs: number; trainMs: number; saveMs: number; totalMs: number }
}
export interface ErrorEvent {
  type: 'error'
  kind: 'bad_input' | 'model_load' | 'unsupported' | 'oom' | 'io' | 'cancelled' | 'internal'
  message: string
}
export type TrainerEvent = StartedEvent | ProgressEvent | DoneEvent | ErrorEvent

export interface TrainResult extends DoneEvent {
  started: StartedEvent
  wallMs: number
}
