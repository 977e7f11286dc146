#include "lora.h"
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>
#include "ggml-backend.h"
#include "ggml.h"
#include "gguf.h"
#include "llama-adapter.h"
#include "llama-model.h"
#include "platform.h"

namespace trainer {

static bool is_target(const std::string & name, const std::vector<std::string> & targets) {
    // base weights are named blk.<i>.<target>.weight
    if (name.rfind("blk.", 0) != 0) return false;
    for (const auto & t : targets) {
        const std::string suffix = "." + t + ".weight";
        if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) return true;
    }
    return false;
}

static void write_gguf(gguf_context * g, const std::string & path) {
    const std::string tmp = path + ".tmp";
    if (!gguf_write_to_file(g, tmp.c_str(), false)) {
        std::remove(tmp.c_str());
        throw std::runtime_error("could not write " + path + " (is the disk full or the folder read-only?)");
    }
    if (!replace_file(tmp, path)) throw std::runtime_error("could not move the adapter into place at " + path);
}

// Writes the file, then frees the gguf and ggml contexts whether or not the write succeeded.
static void write_and_free(gguf_context * g, ggml_context * ctx, const std::string & path) {
    try {
        write_gguf(g, path);
    } catch (...) {
        gguf_free(g);
        ggml_free(ctx);
        throw;
    }
    gguf_free(g);
    ggml_free(ctx);
}

static gguf_context * adapter_header(const std::string & arch, float alpha) {
    gguf_context * g = gguf_init_empty();
    gguf_set_val_str(g, "general.architecture", arch.c_str());
    gguf_set_val_str(g, "general.type", "adapter");
    gguf_set_val_str(g, "general.name", "autodidact-lora");
    gguf_set_val_str(g, "adapter.type", "lora");
    gguf_set_val_f32(g, "adapter.lora.alpha", alpha);
    return g;
}

TargetInfo write_init_adapter(const llama_model * model, const Job & job, const std::string & arch, const std::string & path) {
    TargetInfo info;
    std::vector<const ggml_tensor *> bases;
    for (const auto & [name, t] : model->tensors_by_name) {
        if (is_target(name, job.targets)) bases.push_back(t);
        else if (t->type != GGML_TYPE_F32 && ggml_n_dims(t) == 2 && info.first_non_f32.empty()) info.first_non_f32 = name;
    }
    if (bases.empty()) throw std::runtime_error("none of the LoRA targets matches a tensor of this model (architecture " + arch + ")");
    for (const auto * t : bases)
        if (t->type != GGML_TYPE_F32 && info.first_non_f32.empty()) info.first_non_f32 = t->name;

    const size_t meta = ggml_tensor_overhead() * (bases.size() * 2 + 8);
    ggml_init_params ip = {meta, nullptr, true};
    ggml_context * ctx = ggml_init(ip);
    gguf_context * g = adapter_header(arch, job.alpha);
    std::vector<std::vector<float>> keep;
    std::mt19937 rng(job.seed);
    for (const auto * base : bases) {
        const int64_t n_in = base->ne[0], n_out = base->ne[1];
        ggml_tensor * a = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n_in, job.rank);
        ggml_tensor * b = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, job.rank, n_out);
        const std::string stem = std::string(base->name).substr(0, std::string(base->name).size());
        ggml_set_name(a, (stem + ".lora_a").c_str());
        ggml_set_name(b, (stem + ".lora_b").c_str());
        // A ~ U(-1/sqrt(n_in), 1/sqrt(n_in)) (Kaiming-uniform-like, as PEFT); B = 0 so training starts at the base model
        std::uniform_real_distribution<float> dist(-1.0f / std::sqrt((float) n_in), 1.0f / std::sqrt((float) n_in));
        keep.emplace_back(n_in * job.rank);
        for (auto & v : keep.back()) v = dist(rng);
        a->data = keep.back().data();
        keep.emplace_back(job.rank * n_out, 0.0f);
        b->data = keep.back().data();
        gguf_add_tensor(g, a);
        gguf_add_tensor(g, b);
        info.n_tensors++;
        info.n_params += n_in * job.rank + job.rank * n_out;
    }
    write_and_free(g, ctx, path);
    return info;
}

int mark_trainable(llama_adapter_lora * adapter) {
    int n = 0;
    for (auto & kv : adapter->ab_map) {
        ggml_set_param(kv.second.a);
        ggml_set_param(kv.second.b);
        n += 2;
    }
    return n;
}

std::vector<std::string> zero_b_weights(llama_adapter_lora * adapter) {
    std::vector<std::string> out;
    std::vector<float> v;
    for (auto & kv : adapter->ab_map) {
        ggml_tensor * b = kv.second.b;
        v.resize(ggml_nelements(b));
        ggml_backend_tensor_get(b, v.data(), 0, ggml_nbytes(b));
        if (std::all_of(v.begin(), v.end(), [](float x) { return x == 0.0f; })) out.push_back(kv.first);
    }
    std::sort(out.begin(), out.end());
    return out;
}

void save_adapter(llama_adapter_lora * adapter, const std::string & arch, float alpha, const std::string & path) {
    std::map<std::string, llama_adapter_lora_weight> sorted(adapter->ab_map.begin(), adapter->ab_map.end());
    ggml_init_params ip = {ggml_tensor_overhead() * (sorted.size() * 2 + 8), nullptr, true};
    ggml_context * ctx = ggml_init(ip);
    gguf_context * g = adapter_header(arch, alpha);
    std::vector<std::vector<char>> keep;
    for (auto & kv : sorted) {
        for (ggml_tensor * src : {kv.second.a, kv.second.b}) {
            ggml_tensor * t = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, src->ne[0], src->ne[1]);
            ggml_set_name(t, src->name);
            keep.emplace_back(ggml_nbytes(src));
            ggml_backend_tensor_get(src, keep.back().data(), 0, ggml_nbytes(src));
            t->data = keep.back().data();
            gguf_add_tensor(g, t);
        }
    }
    write_and_free(g, ctx, path);
}
} // namespace trainer
