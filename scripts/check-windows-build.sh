#!/usr/bin/env bash
# Compile check for Windows, run on Linux: cross-compiles native/ (the trainer + the patched llama.cpp + ggml's
# CPU backend, from the source bundle node-llama-cpp ships) with Debian's MinGW-w64, then checks the result is
# a 64-bit Windows executable that needs no DLL beyond Windows' own. Not part of every CI run (minutes).
#   npm run check:windows-build [-- --install] [-- --clean]
#     --install: apt-get the cross compiler first (root); --clean: rebuild from scratch (the build folder,
#     native/build/windows-check, is kept otherwise, so a second run recompiles only what changed)
# Env: AUTODIDACT_BUILD_JOBS (default 2), NICE (default 10).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/native/build/windows-check"
jobs="${AUTODIDACT_BUILD_JOBS:-2}"
nice_n="${NICE:-10}"
say() { echo "[check-windows-build] $*"; }
die() { echo "[check-windows-build] FAILED: $*" >&2; exit 1; }

[[ " $* " == *" --clean "* ]] && rm -rf "$work"
if [[ " $* " == *" --install "* ]]; then
  say "installing the MinGW-w64 cross compiler (posix threads)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix mingw-w64-x86-64-dev binutils-mingw-w64-x86-64
fi
for tool in x86_64-w64-mingw32-g++-posix x86_64-w64-mingw32-windres x86_64-w64-mingw32-objdump cmake git; do
  command -v "$tool" >/dev/null || die "$tool not found. Debian: apt-get install g++-mingw-w64-x86-64-posix cmake git (or run with --install)"
done

t0=$(date +%s)
src="$work/llama.cpp"
"$root/scripts/prepare-llama-src.sh" "$src" # the bundle with every patch in native/patches applied

# Debian bookworm's MinGW-w64 headers (v10) lack Windows 11's THREAD_POWER_THROTTLING_STATE, which ggml-cpu
# uses when _WIN32_WINNT >= 0x0602 (Windows 8); targeting Windows 7's API level compiles that block out (MSVC
# builds for release keep it). Everything else compiles as it would for a current Windows.
winver="-D_WIN32_WINNT=0x0601"
say "configuring (MinGW-w64 x86_64, CPU backend, portable)"
nice -n "$nice_n" cmake -S "$root/native" -B "$work/build" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$root/native/windows/mingw-w64-x86_64.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DLLAMA_SRC="$src" \
  -DCMAKE_C_FLAGS="$winver" -DCMAKE_CXX_FLAGS="$winver" -DGGML_NATIVE=OFF -DGGML_OPENMP=OFF -DGGML_CUDA=OFF -DGGML_VULKAN=OFF -DGGML_METAL=OFF >"$work/configure.log" 2>&1 \
  || { tail -40 "$work/configure.log"; die "CMake configure failed (log: $work/configure.log)"; }
say "building with $jobs jobs (nice $nice_n)"
nice -n "$nice_n" cmake --build "$work/build" --target autodidact-trainer -j "$jobs" >"$work/build.log" 2>&1 \
  || { grep -E 'error|Error' "$work/build.log" | head -40; die "the Windows build failed (log: $work/build.log)"; }

exe="$work/build/bin/autodidact-trainer.exe"
[[ -f "$exe" ]] || die "the build finished but $exe is missing"
# a PE32+ x86-64 console program...
head=$(x86_64-w64-mingw32-objdump -f "$exe")
grep -q 'file format pei-x86-64' <<<"$head" || die "$exe is not a 64-bit Windows executable: $head"
# ...that imports only DLLs every Windows has (the GCC runtime is linked in, nothing to ship beside it)
dlls=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
extra=$(grep -viE '^(kernel32|user32|advapi32|ws2_32|msvcrt|shell32|ole32|bcrypt|ntdll|api-ms-win-.*)\.dll$' <<<"$dlls" || true)
[[ -z "$extra" ]] || die "$exe needs DLLs that Windows does not have: $extra"
# ...with the UTF-8 manifest embedded
grep -qa 'activeCodePage' "$exe" || die "$exe has no embedded manifest (activeCodePage)"
say "imports: $(tr '\n' ' ' <<<"$dlls")"
say "OK: $exe ($(stat -c %s "$exe") bytes) in $(( $(date +%s) - t0 )) s"
