// Checks made from the model file's header before any training work: can the chosen device run the
// backward pass for this model?
#pragma once
#include <optional>
#include <string>
#include "ggml-backend.h"

namespace trainer {

struct OutProdGap {
    std::string tensor; // a frozen weight of the forward pass
    std::string type;   // its ggml type name
};

// The backward pass through a frozen weight W (y = W x, gradient wanted for x) is an OUT_PROD with W as
// its first operand. A device that cannot compute OUT_PROD for W's type would have ggml's scheduler run
// those ops on the CPU: a silent slow path. Returns the first weight whose type `dev` cannot use that way,
// or nothing when every weight is fine.
std::optional<OutProdGap> first_out_prod_gap(const std::string & model_path, ggml_backend_dev_t dev);

// The first op a training step needs that `dev` cannot compute (ggml's scheduler would run it on the CPU,
// a silent slow path), or "" when it has them all: the loss and its masked backward, AdamW, the backward
// ops of SiLU, RMS norm, softmax and RoPE, and OUT_PROD on F32. Probed with small tensors; weight types
// are checked by first_out_prod_gap.
std::string first_missing_training_op(ggml_backend_dev_t dev);

// Whether a weight enters a matrix multiplication whose input needs a gradient (so the backward pass
// computes OUT_PROD with it): the 2-D weights of the blocks, the output projection, and the token
// embedding when it doubles as the output (tied embeddings, no output.weight).
bool in_backward_path(const std::string & name, bool has_output);

// The architecture named in a GGUF file's header (empty when the file is not a readable GGUF).
std::string gguf_architecture(const std::string & path);
} // namespace trainer
