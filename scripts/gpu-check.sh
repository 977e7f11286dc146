#!/usr/bin/env bash
# The GPU check (bench/gpu/gpu_check.py; docs/benchmarks.md "GPU check" has the device command).
#   scripts/gpu-check.sh prepare      here: pack llama.cpp's source into bench/gpu/carry/llama-src.tgz (the carried path)
#   scripts/gpu-check.sh              on the GPU machine: build the CUDA trainer, train, compare with PEFT and the CPU;
#                                     results (JSON, markdown, logs) in $OUT
#   scripts/gpu-check.sh --dry-run    the same pipeline on this machine's CPU with a tiny shape
# Needs python3 (numpy for the models; PyTorch+PEFT for the anchor), cmake, a C++ compiler; nvcc on the GPU machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONUNBUFFERED=1
if [ "${1:-}" = prepare ]; then
  shift
  exec python3 bench/gpu/gpu_check.py prepare "$@"
fi
if [ "${1:-}" = run ]; then shift; fi
# the device machine's python3 is the one with PyTorch; a dry run uses whatever python3 has numpy
exec nice -n "${GPU_CHECK_NICE:-0}" python3 bench/gpu/gpu_check.py run "$@"
