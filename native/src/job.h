// The training job: parsed from JSON and validated before any model is loaded.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace trainer {

struct Example {
    std::vector<int32_t> tokens;
    std::vector<uint8_t> mask; // 1 = answer token: counts in the loss
};

struct Job {
    std::string model;
    std::string out;
    std::string init_adapter; // optional: continue from this adapter
    std::vector<Example> examples;
    int rank = 8;
    float alpha = 16.0f;
    std::vector<std::string> targets = {"attn_q", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};
    uint32_t seed = 42;
    float lr = 1e-4f;
    int epochs = 3;
    float warmup = 0.0f;
    std::string schedule = "cosine";
    float weight_decay = 0.0f;
    int gpu_layers = -1; // -1: all layers on the GPU when there is one
    int threads = 0;     // 0: hardware concurrency
    int max_context = 4096;
    bool eval_after = false; // after training, one forward pass over the data with the final adapter (evalLoss)
    // Train against a cached F32 copy of the base (f32_copy.h): "auto" when the GPU cannot train through the
    // base's weight types, "always", or "never" (refuse instead). The copy lives in cache_dir (default:
    // base-f32/ beside the output adapter).
    std::string f32_copy = "auto";
    std::string cache_dir;
    // Ops the GPU lacks (Metal: OUT_PROD, ...): "auto" runs them on the CPU where memory is unified (Apple Silicon),
    // else the job trains on the CPU; "never" always trains on the CPU then (placement.h).
    std::string cpu_ops = "auto";
};

// Throws std::runtime_error with a user-facing message.
Job parse_job(const std::string & text);
const std::vector<std::string> & supported_targets();
} // namespace trainer
