#include "dataset.h"
#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>
#include "ggml-opt.h"

namespace trainer {

static int round_up(int n, int m) { return (n + m - 1) / m * m; }

// Patch 0004's encoding: a label <= -2 marks the first token of a sequence; its own label is -3 - value.
static int32_t start_marker(int32_t label) { return -3 - label; }

static Packed pack_into(const std::vector<Example> & examples, int n_ctx, int32_t pad_token) {
    Packed p;
    p.n_ctx = n_ctx;
    // first-fit decreasing
    std::vector<size_t> order(examples.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return examples[a].tokens.size() > examples[b].tokens.size(); });
    std::vector<int> used;
    for (size_t idx : order) {
        const Example & ex = examples[idx];
        const int n = (int) ex.tokens.size();
        size_t w = 0;
        while (w < used.size() && (used[w] + n > p.n_ctx || p.n_examples[w] >= kMaxExamplesPerWindow)) w++;
        if (w == used.size()) {
            used.push_back(0);
            p.tokens.emplace_back(p.n_ctx, pad_token);
            p.labels.emplace_back(p.n_ctx, -1);
            p.n_labeled.push_back(0);
            p.n_examples.push_back(0);
        }
        const int off = used[w];
        for (int i = 0; i < n; i++) {
            p.tokens[w][off + i] = ex.tokens[i];
            // position off+i predicts token i+1 of the same example, when that token is part of the answer
            if (i + 1 < n && ex.mask[i + 1]) {
                p.labels[w][off + i] = ex.tokens[i + 1];
                p.n_labeled[w]++;
            }
        }
        // the example's first token starts a new sequence (patch 0004): position 0, attends to itself only
        p.labels[w][off] = start_marker(p.labels[w][off]);
        p.n_examples[w]++;
        used[w] += n;
        p.n_tokens += n;
    }
    // padding is a sequence of its own, so no example attends to it (it carries no labels)
    for (size_t w = 0; w < used.size(); w++)
        if (used[w] < p.n_ctx) p.labels[w][used[w]] = start_marker(-1);
    return p;
}

Packed pack_examples(const std::vector<Example> & examples, int max_context, int32_t pad_token) {
    int longest = 0;
    for (size_t i = 0; i < examples.size(); i++) {
        const int n = (int) examples[i].tokens.size();
        if (n > max_context)
            throw std::runtime_error("example " + std::to_string(i) + " is " + std::to_string(n) + " tokens, longer than the training context of " +
                                     std::to_string(max_context) + " tokens: shorten it or raise the context size");
        longest = std::max(longest, n);
    }
    // llama.cpp pads a context to a multiple of 256 tokens, so windows come in those sizes: pick the size
    // that needs the fewest padded tokens overall (ties: the smaller window, less memory per step).
    Packed best;
    int64_t best_cost = -1;
    const int top = std::max(round_up(longest, 256), std::min(round_up(max_context, 256), 4096));
    for (int w = round_up(longest, 256); w <= top; w += 256) {
        Packed p = pack_into(examples, w, pad_token);
        const int64_t cost = (int64_t) p.tokens.size() * w;
        if (best_cost < 0 || cost < best_cost) {
            best_cost = cost;
            best = std::move(p);
        }
    }
    return best;
}

ggml_opt_dataset * make_dataset(const Packed & p) {
    const int64_t nwin = (int64_t) p.tokens.size();
    ggml_opt_dataset_t ds = ggml_opt_dataset_init(GGML_TYPE_I32, GGML_TYPE_I32, p.n_ctx, p.n_ctx, nwin, 1);
    int32_t * data = (int32_t *) ggml_opt_dataset_data(ds)->data;
    int32_t * labels = (int32_t *) ggml_opt_dataset_labels(ds)->data;
    for (int64_t w = 0; w < nwin; w++) {
        memcpy(data + w * p.n_ctx, p.tokens[w].data(), p.n_ctx * sizeof(int32_t));
        memcpy(labels + w * p.n_ctx, p.labels[w].data(), p.n_ctx * sizeof(int32_t));
    }
    return ds;
}
} // namespace trainer
