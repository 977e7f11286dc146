import { describe, expect, it } from 'vitest'
import { cudaArchDefs } from '../../scripts/trainer-cuda.mjs'

describe('CUDA architectures of the opt-in CUDA trainer build', () => {
  it('passes none by default, so ggml picks native (GGML_NATIVE) or its portable list', () => {
    expect(cudaArchDefs({})).toEqual([])
    expect(cudaArchDefs({ CMAKE_CUDA_ARCHITECTURES: '  ' })).toEqual([])
  })

  it("passes the user's list (CMAKE_CUDA_ARCHITECTURES, or the older CUDA_ARCHS) as a CMake list", () => {
    expect(cudaArchDefs({ CMAKE_CUDA_ARCHITECTURES: '86' })).toEqual(['-DCMAKE_CUDA_ARCHITECTURES=86'])
    expect(cudaArchDefs({ CUDA_ARCHS: '86,89' })).toEqual(['-DCMAKE_CUDA_ARCHITECTURES=86;89'])
    expect(cudaArchDefs({ CMAKE_CUDA_ARCHITECTURES: '75-virtual 86-real', CUDA_ARCHS: '61' })).toEqual(['-DCMAKE_CUDA_ARCHITECTURES=75-virtual;86-real'])
    expect(cudaArchDefs({ CUDA_ARCHS: 'native' })).toEqual(['-DCMAKE_CUDA_ARCHITECTURES=native'])
  })

  it('refuses a value that is not an architecture list, saying what it expects', () => {
    expect(() => cudaArchDefs({ CUDA_ARCHS: '86 -DEVIL=1"' })).toThrow(/such as "86"/)
  })
})
