// Packs variable-length examples into fixed training windows (ggml-opt needs equal-length datapoints).
#pragma once
#include <cstdint>
#include <vector>
#include "job.h"

struct ggml_opt_dataset;

namespace trainer {

struct Packed {
    int n_ctx = 0;                        // window length (tokens)
    std::vector<std::vector<int32_t>> tokens; // [window][n_ctx]
    std::vector<std::vector<int32_t>> labels; // [window][n_ctx]: next token, or -1 where no loss is taken
    std::vector<int> n_labeled;           // answer tokens per window
    int64_t n_tokens = 0;                 // real (non-padding) tokens
};

// Windows hold whole examples (first-fit, longest first) so little compute goes to padding; an example
// never crosses a window boundary. Within a window later examples can attend to earlier ones (no
// document mask in llama.cpp's training graph); labels are only the answer tokens of each example.
Packed pack_examples(const std::vector<Example> & examples, int max_context, int32_t pad_token);

ggml_opt_dataset * make_dataset(const Packed & p);
} // namespace trainer
