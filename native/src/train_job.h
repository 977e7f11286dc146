// One training job against a loaded base model. Used by both modes of main.cpp: one job per process, and
// the warm worker (--serve) that keeps the base loaded between jobs.
#pragma once
#include <atomic>
#include <chrono>
#include <string>
#include "events.h"
#include "job.h"
#include "llama.h"

namespace trainer {
using Clock = std::chrono::steady_clock;

// Set by SIGTERM/SIGINT: the job stops at the next step with a "cancelled" error and exit code 130.
extern std::atomic<bool> g_cancel;
// The folder ggml's backends were loaded from (backend_load.h), reported in `started`.
extern std::string g_backend_dir;

// The base model a job trains against, as loaded (the original file, or its F32 training copy).
struct BaseModel {
    std::string key;         // what was loaded: source path, placement, F32-copy policy
    llama_model * model = nullptr;
    std::string arch;
    std::string gpu;         // "name (description)" of the GPU device, empty on the CPU
    std::string backend;     // ggml backend of that device ("CUDA", "Vulkan", "Metal", ...), "CPU" on the CPU
    json placement;          // decide_placement's answer (placement.h)
    json base_copy;          // {path, reused, ms} when training against an F32 copy, else null
    int jobs = 0;            // jobs trained on this load
};

// Checks the job before anything is loaded: the model file exists and its architecture can be trained.
// Exits with an error event when not.
void check_job(const Job & job);

// Loads the job's base model into `base` unless it already holds it. Returns true when it was reused.
// Exits with an error event when the model cannot be loaded.
bool ensure_base(const Job & job, BaseModel & base);
void free_base(BaseModel & base);

// Trains, saves the adapter and emits started/progress/done. Exits the process on any error (error event,
// exit code 2; 130 when cancelled). t0: when the job was received (its timings count from there).
void train_job(const Job & job, BaseModel & base, bool reused, int job_index, Clock::time_point t0);
} // namespace trainer
