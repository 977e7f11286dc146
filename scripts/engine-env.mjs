// The environment of every process that hosts the engine (web shell, CLI, Electron started by `npm start`,
// the test runner). glibc's malloc raises its mmap threshold on the fly (up to 32 MB) once a large block is
// freed; after that llama.cpp's multi-megabyte CPU buffers (LoRA adapters, contexts), allocated and freed
// every TT-SI round, are carved from the heap and fragment it: the resident set crept up by ~0.4 MB per round
// (383 -> 692 MB over 600 adapter rounds). A fixed 64 KiB threshold hands those buffers back to the system
// when they are freed: flat at ~300 MB over 480 rounds (tests/integration/memory-bounded.test.ts).
export function engineEnv(env = process.env) {
  if (process.platform !== 'linux' || env.MALLOC_MMAP_THRESHOLD_) return env
  return { ...env, MALLOC_MMAP_THRESHOLD_: '65536' }
}
