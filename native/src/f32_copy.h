// An F32 training copy of a base model, for GPU backends that cannot train through F16/quantized weights.
#pragma once
#include <string>
#include "events.h"
#include "ggml-backend.h"
#include "job.h"

namespace trainer {

struct F32Copy {
    std::string path;
    bool reused = false; // found in the cache instead of written now
    double ms = 0.0;
};

// Returns an F32 copy of the GGUF model at `model_path`, cached in `cache_dir` under a name keyed by the
// source's path, size and modification time (written once, then reused). Same metadata and tensors as the
// source; every weight in the backward path (backend_check.h) is converted to F32, others are copied as is,
// so an adapter trained against the copy fits the original model. Throws std::runtime_error (disk full,
// unreadable source) with a user-facing message.
F32Copy ensure_f32_copy(const std::string & model_path, const std::string & cache_dir);

// The file to train against: the F32 copy when the placement asks for one (placement.h: a GPU that computes
// OUT_PROD through F32 weights only, or f32Copy "always"), else the base itself. Sets base_copy to
// {path, reused, ms} when a copy is used; exits with an io error when the copy cannot be written.
std::string training_base(const Job & job, bool f32_copy, json & base_copy);
} // namespace trainer
