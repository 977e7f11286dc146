#!/usr/bin/env bash
# Compile check for the opt-in CUDA source build of the trainer, on a machine without a GPU (CI box, Debian
# bookworm). Not part of every CI run: the toolkit is a 1.6 GB download.
#   npm run check:cuda-build [-- --install]
#     --install (root): enables bookworm's contrib/non-free components in a file of its own and installs
#     nvidia-cuda-toolkit + nvidia-cuda-dev (CUDA 11.8) and g++-11 (CUDA 11.8 refuses bookworm's GCC 12).
# What it checks, with the patched llama.cpp source (native/patches applied):
#   1. the CMake configuration scripts/build-trainer.mjs makes for AUTODIDACT_TRAINER_BACKEND=cuda with a
#      portable build passes no architectures, so ggml picks its own portable list (printed, and checked to
#      hold SASS for sm_86 and PTX for older GPUs); with GGML_NATIVE it would pick "native" (needs a GPU).
#   2. with the user's override (CMAKE_CUDA_ARCHITECTURES=$CUDA_CHECK_ARCH, default 86) every .cu file the
#      patches touch compiles with the exact flags ggml's build uses; when no patch touches CUDA code, the
#      CUDA kernels training depends on most (cross-entropy-loss.cu, out-prod.cu, opt-step-adamw.cu) instead.
# Env: NVCC (default /usr/bin/nvcc), CUDA_HOST_CXX (default g++-11), CUDA_CHECK_ARCH (default 86), NICE (10).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/native/build/cuda-check"
nvcc="${NVCC:-/usr/bin/nvcc}"
host="${CUDA_HOST_CXX:-g++-11}"
arch="${CUDA_CHECK_ARCH:-86}"
nice_n="${NICE:-10}"
say() { echo "[check-cuda-build] $*"; }
die() { echo "[check-cuda-build] FAILED: $*" >&2; exit 1; }
t0=$(date +%s)

if [[ " $* " == *" --install "* ]]; then
  say "enabling bookworm contrib/non-free and installing CUDA 11.8 (about 1.6 GB)"
  cat >/etc/apt/sources.list.d/autodidact-cuda-check.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nvidia-cuda-toolkit nvidia-cuda-dev g++-11
  say "installed in $(( $(date +%s) - t0 )) s"
fi
# nvcc runs ptxas, fatbinary, nvlink... from PATH: those of its own toolkit first (another toolkit's wrappers, e.g.
# a CUDA 13 in /usr/local/bin, would refuse 11.8's default architecture)
export PATH="$(dirname "$(command -v "$nvcc" || echo "$nvcc")"):$PATH"
for tool in "$nvcc" "$host" cmake ninja git node; do
  command -v "$tool" >/dev/null || die "$tool not found (Debian: run this script with --install, as root)"
done
say "$("$nvcc" --version | tail -1), host compiler $("$host" --version | head -1)"

src="$work/llama.cpp"
"$root/scripts/prepare-llama-src.sh" "$src"
# the .cu files the patches change
mapfile -t patched < <(sed -n 's#^+++ b/\(ggml/src/ggml-cuda/.*\.cu\)$#\1#p' "$root"/native/patches/*.patch 2>/dev/null | sort -u)
if ((${#patched[@]})); then
  targets=("${patched[@]}")
  say "patched CUDA sources: ${targets[*]}"
else
  targets=(ggml/src/ggml-cuda/cross-entropy-loss.cu ggml/src/ggml-cuda/out-prod.cu ggml/src/ggml-cuda/opt-step-adamw.cu)
  say "no patch touches CUDA code; compiling the training kernels instead: ${targets[*]}"
fi

# the definitions the trainer's build script makes for the CUDA backend (architectures from scripts/trainer-cuda.mjs)
defs_for() { # $1: value of CMAKE_CUDA_ARCHITECTURES in the environment ('' = none)
  CMAKE_CUDA_ARCHITECTURES="$1" CUDA_ARCHS='' node --input-type=module -e \
    "import { cudaArchDefs } from '$root/scripts/trainer-cuda.mjs'; console.log(cudaArchDefs(process.env).join('\n'))"
}
# Compile only: where the toolkit lacks a library ggml links (a CUDA install without cuBLAS or the driver library, as on a box with
# just nvcc and the runtime), an empty stand-in target lets CMake generate the build. Nothing is linked here.
toolkit_root="$(dirname "$(dirname "$(command -v "$nvcc")")")"
stand_ins="$work/compile-only-stand-ins.cmake"
mkdir -p "$work"
cat >"$stand_ins" <<'CMAKE'
find_package(CUDAToolkit QUIET)
foreach(lib cublas cublas_static cublasLt cublasLt_static cuda_driver)
  if (CUDAToolkit_FOUND AND NOT TARGET CUDA::${lib})
    add_library(CUDA::${lib} INTERFACE IMPORTED GLOBAL)
    message(STATUS "compile-only check: this toolkit has no ${lib}; an empty stand-in target (nothing is linked)")
  endif()
endforeach()
CMAKE
configure() { # $1: build dir, $2: architectures override ('' = none)
  local -a defs
  mapfile -t defs < <(defs_for "$2")
  rm -rf "$1" # no cached toolkit from an earlier run with another nvcc
  nice -n "$nice_n" cmake -S "$root/native" -B "$1" -G Ninja -DLLAMA_SRC="$src" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_CUDA=ON -DGGML_NATIVE=OFF "${defs[@]}" -DCMAKE_PROJECT_INCLUDE="$stand_ins" \
    -DCUDAToolkit_ROOT="$toolkit_root" -DCMAKE_CUDA_COMPILER="$nvcc" -DCMAKE_CUDA_HOST_COMPILER="$(command -v "$host")" >"$1.configure.log" 2>&1 \
    || { tail -30 "$1.configure.log"; die "CMake configure failed (log: $1.configure.log)"; }
}
object() { echo "llama.cpp/ggml/src/ggml-cuda/CMakeFiles/ggml-cuda.dir/${1#ggml/src/ggml-cuda/}.o"; } # ninja's name for it

# 1. portable: ggml chooses the architectures
say "configuring the portable CUDA build (no architectures passed)"
configure "$work/portable" ''
cmd=$(ninja -C "$work/portable" -t commands "$(object "${targets[0]}")" | tail -1)
archs=$(grep -o 'arch=compute_[0-9a-z]*,code=[^ ]*' <<<"$cmd" | sed 's/.*code=\[\{0,1\}\([a-z_0-9]*\).*/\1/' | tr '\n' ' ')
say "ggml's portable list for this toolkit: $archs"
grep -q 'code=\[\?sm_86' <<<"$cmd" || die "the portable build has no SASS for sm_86: $archs"
grep -q 'code=\[\?compute_50' <<<"$cmd" || grep -q 'compute_75' <<<"$cmd" || die "the portable build has no PTX for older GPUs: $archs"

# 2. the user's architectures: compile the sources (ggml's CUDA sources include cuBLAS's headers)
toolkit_include="$toolkit_root/include"
[[ -f "$toolkit_include/cublas_v2.h" || -f /usr/include/cublas_v2.h ]] \
  || die "step 1 passed, but this CUDA toolkit has no cuBLAS headers (cublas_v2.h in $toolkit_include or /usr/include), which every ggml CUDA source includes: install cuBLAS for it, or run with --install (Debian's CUDA 11.8; leave NVCC unset then)"
say "configuring with CMAKE_CUDA_ARCHITECTURES=$arch"
configure "$work/sm$arch" "$arch"
objs=()
for t in "${targets[@]}"; do objs+=("$(object "$t")"); done
cmd=$(ninja -C "$work/sm$arch" -t commands "${objs[0]}" | tail -1)
grep -q "sm_$arch" <<<"$cmd" || die "the override did not reach nvcc: $cmd"
say "compiling ${#objs[@]} file(s) for sm_$arch (nice $nice_n)"
t1=$(date +%s)
rm -f "${objs[@]/#/$work/sm$arch/}"
nice -n "$nice_n" ninja -C "$work/sm$arch" "${objs[@]}" >"$work/compile.log" 2>&1 \
  || { grep -E 'error' "$work/compile.log" | head -30; die "nvcc failed (log: $work/compile.log)"; }
for o in "${objs[@]}"; do [[ -s "$work/sm$arch/$o" ]] || die "$o was not produced"; done
say "OK: compiled in $(( $(date +%s) - t1 )) s; whole check $(( $(date +%s) - t0 )) s"
