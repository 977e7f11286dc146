// Where a job trains: a pure decision from the device's capabilities, the base's weight types and the job's
// policy. The trainer probes the device (backend_check.h), decides here, and obeys; `--decide-placement` runs
// this function alone (tests/integration/trainer-placement.test.ts covers CUDA, Metal, Vulkan and CPU cases).
#pragma once
#include <map>
#include <string>
#include <vector>
#include "events.h"

namespace trainer {

struct DeviceCaps {
    std::string backend;                  // ggml's name for the device's backend: "CUDA", "Metal", "Vulkan", "CPU", ...
    bool gpu = false;                     // false: no GPU device was loaded
    bool unified_memory = false;          // the GPU reads host memory in place (Apple Silicon): an op may run on the CPU without copies
    std::vector<std::string> missing_ops; // training ops the GPU cannot compute (besides OUT_PROD, decided per weight type)
    std::map<std::string, bool> out_prod; // weight type ("f32", "f16", "q8_0", ...) -> the GPU computes OUT_PROD through it
};

struct PlacementPolicy {
    int gpu_layers = -1;            // 0: train on the CPU
    std::string f32_copy = "auto";  // "auto" | "always" | "never": an F32 training copy of the base
    std::string cpu_ops = "auto";   // "auto": ops the GPU lacks run on the CPU where memory is unified; "never": train on the CPU instead
};

struct Placement {
    std::string device = "cpu";       // "gpu" | "cpu": where the model's layers and the training graph go
    bool f32_copy = false;            // train against the F32 copy of the base
    std::vector<std::string> cpu_ops; // with device "gpu": ops ggml's scheduler runs on the CPU
    std::string reason;               // why not plain GPU training (empty when it is)
};

// weight_types: the types of the base's weights in the backward path (backend_check.h).
Placement decide_placement(const DeviceCaps & caps, const std::vector<std::string> & weight_types, const PlacementPolicy & policy);

json placement_json(const Placement & p);
DeviceCaps caps_from_json(const json & j);
PlacementPolicy policy_from_json(const json & j);
} // namespace trainer
