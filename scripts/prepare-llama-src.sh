#!/usr/bin/env bash
# Used by the check scripts: makes <dest> a copy of the llama.cpp source node-llama-cpp ships (its
# gitRelease.bundle) with every patch in native/patches applied. Kept as is while the bundle and the patches
# are unchanged (a stamp file beside it), re-made otherwise.   prepare-llama-src.sh <dest>
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$1"
bundle="$root/node_modules/node-llama-cpp/llama/gitRelease.bundle"
[[ -f "$bundle" ]] || { echo "node-llama-cpp's source bundle is missing ($bundle): run npm install" >&2; exit 1; }
shopt -s nullglob
patches=("$root"/native/patches/*.patch)
want="$(cat /dev/null "${patches[@]}" | sha256sum | cut -c1-16)-$(stat -c %s "$bundle")"
stamp="$dest.patched"
[[ -d "$dest" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && exit 0
rm -rf "$dest" "$stamp"
mkdir -p "$(dirname "$dest")"
echo "cloning llama.cpp from node-llama-cpp's bundle into $dest"
git -c advice.detachedHead=false clone --quiet "$bundle" "$dest"
for p in "${patches[@]}"; do
  echo "applying $(basename "$p")"
  git -C "$dest" apply --whitespace=nowarn "$p"
done
echo "$want" >"$stamp"
