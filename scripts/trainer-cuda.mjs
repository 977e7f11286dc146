// CUDA architectures for the opt-in CUDA source build of the trainer (AUTODIDACT_TRAINER_BACKEND=cuda).
// Chosen as ggml chooses them: nothing is passed unless the user names architectures, so ggml's own CMake picks
// "native" (the GPUs present at build time) when GGML_NATIVE is on, and its portable list (PTX for older
// architectures, SASS for common ones) for a portable build (AUTODIDACT_TRAINER_PORTABLE=1).

/** The CMake definitions that set CUDA architectures: the user's CMAKE_CUDA_ARCHITECTURES (or CUDA_ARCHS), else none. */
export function cudaArchDefs(env) {
  const named = (env.CMAKE_CUDA_ARCHITECTURES ?? env.CUDA_ARCHS ?? '').trim()
  if (!named) return []
  if (!/^[0-9A-Za-z;,_ -]+$/.test(named))
    throw new Error(`CMAKE_CUDA_ARCHITECTURES/CUDA_ARCHS must be a list such as "86" or "86;89" or "native" (got "${named}")`)
  return [`-DCMAKE_CUDA_ARCHITECTURES=${named.replace(/[, ]+/g, ';')}`]
}
