// Checks made from the model file's header before any training work: can the chosen device run the
// backward pass for this model?
#pragma once
#include <string>
#include <vector>
#include "ggml-backend.h"
#include "placement.h"

namespace trainer {

// The types ("f32", "f16", "q8_0", ...) of the base's 2-D weights in the backward path, read from the header.
std::vector<std::string> backward_weight_types(const std::string & model_path);

// The backward pass through a frozen weight W (y = W x, gradient wanted for x) is an OUT_PROD with W as its first
// operand: whether `dev` computes it for weights of `type` (a ggml type name).
bool out_prod_supported(ggml_backend_dev_t dev, const std::string & type);

// The ops a training step needs that `dev` cannot compute (ggml's scheduler would run them on the CPU): the loss
// and its backward, AdamW, the backward ops of SiLU, RMS norm, softmax, RoPE and row selection. Probed with small
// tensors; OUT_PROD is probed per weight type by out_prod_supported.
std::vector<std::string> missing_training_ops(ggml_backend_dev_t dev);

// Everything decide_placement (placement.h) needs to know about a GPU device (null: no GPU) for this base.
DeviceCaps probe_device(ggml_backend_dev_t dev, const std::vector<std::string> & weight_types);

// Whether a weight enters a matrix multiplication whose input needs a gradient (so the backward pass
// computes OUT_PROD with it): the 2-D weights of the blocks, the output projection, and the token
// embedding when it doubles as the output (tied embeddings, no output.weight).
bool in_backward_path(const std::string & name, bool has_output);

// The architecture named in a GGUF file's header (empty when the file is not a readable GGUF).
std::string gguf_architecture(const std::string & path);
} // namespace trainer
