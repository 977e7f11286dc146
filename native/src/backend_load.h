// Which ggml backends the trainer uses. The hybrid build links node-llama-cpp's prebuilt ggml, whose backends
// (CPU variants, CUDA, Vulkan, Metal) are separate libraries loaded at run time from a binary folder.
#pragma once
#include <string>

namespace trainer {

// Loads the backends once per process, as node-llama-cpp does for inference: everything in `dir` (the app passes
// the folder node-llama-cpp chose; empty: the folder this build was linked against), then `fallback_dir` (when
// set) if `dir` gave no GPU. A full-source build has its backends linked in and loads nothing. Returns the
// folder the backends came from ("" for a full-source build). Exits with an error event when no device exists.
std::string load_backends(const std::string & dir, const std::string & fallback_dir);
} // namespace trainer
