// Creating, training-flagging and saving a LoRA adapter against a loaded base model.
#pragma once
#include <string>
#include <vector>
#include "job.h"

struct llama_model;
struct llama_adapter_lora;

namespace trainer {

struct TargetInfo {
    int n_tensors = 0;       // number of base weights that get an adapter
    long long n_params = 0;  // trainable parameters (A + B)
    std::string first_non_f32; // name of a frozen weight that is not F32 (empty when all are F32)
};

// Writes an initial adapter (A random, B zero) for the job's targets to `path` and returns facts about it.
// Throws when a target matches no tensor of the model.
TargetInfo write_init_adapter(const llama_model * model, const Job & job, const std::string & arch, const std::string & path);

// Flags every A and B tensor of the loaded adapter as trainable; returns how many tensors were flagged.
int mark_trainable(llama_adapter_lora * adapter);

// Base weights whose adapter B is still exactly zero (after a step: they got no gradient), sorted by name.
std::vector<std::string> zero_b_weights(llama_adapter_lora * adapter);

// Reads the (trained) tensors back from the backend and writes a standard GGUF LoRA adapter.
void save_adapter(llama_adapter_lora * adapter, const std::string & arch, float alpha, const std::string & path);
} // namespace trainer
