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
    std::vector<int> n_examples;          // examples per window (each its own sequence, patch 0004)
    int64_t n_tokens = 0;                 // real (non-padding) tokens
};

// Windows hold whole examples (first-fit, longest first) so little compute goes to padding; an example
// never crosses a window boundary. Each example in a window is its own sequence starting at position 0
// (patch 0004 reads the start markers from the labels; the context uses a unified KV cache), so the
// attention mask keeps examples apart: training sees each example exactly as inference does. Labels are
// only the answer tokens of each example.
constexpr int kMaxExamplesPerWindow = 255; // llama.cpp's LLAMA_MAX_SEQ (256) less one sequence for padding
Packed pack_examples(const std::vector<Example> & examples, int max_context, int32_t pad_token);

ggml_opt_dataset * make_dataset(const Packed & p);
} // namespace trainer
