/** See trainer-cuda.mjs: CMake definitions for the CUDA architectures of the opt-in CUDA trainer build. */
export function cudaArchDefs(env: NodeJS.ProcessEnv | Record<string, string | undefined>): string[]
