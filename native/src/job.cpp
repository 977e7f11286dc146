#include "job.h"
#include <algorithm>
#include <stdexcept>
#include "nlohmann/json.hpp"

namespace trainer {
using json = nlohmann::json;

const std::vector<std::string> & supported_targets() {
    static const std::vector<std::string> t = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};
    return t;
}

static void bad(const std::string & m) { throw std::runtime_error(m); }

Job parse_job(const std::string & text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const std::exception & e) {
        bad(std::string("the job is not valid JSON: ") + e.what());
    }
    Job job;
    if (!j.contains("model") || !j["model"].is_string()) bad("the job has no \"model\" path");
    if (!j.contains("out") || !j["out"].is_string()) bad("the job has no \"out\" adapter path");
    job.model = j["model"];
    job.out = j["out"];
    job.init_adapter = j.value("initAdapter", std::string());
    if (!j.contains("examples") || !j["examples"].is_array() || j["examples"].empty()) bad("the job has no examples: approve at least one example before training");
    int i = 0;
    for (const auto & e : j["examples"]) {
        Example ex;
        ex.tokens = e.at("tokens").get<std::vector<int32_t>>();
        ex.mask = e.at("mask").get<std::vector<uint8_t>>();
        if (ex.tokens.size() != ex.mask.size()) bad("example " + std::to_string(i) + ": tokens and mask differ in length");
        if (ex.tokens.size() < 2) bad("example " + std::to_string(i) + " has fewer than 2 tokens");
        if (std::none_of(ex.mask.begin() + 1, ex.mask.end(), [](uint8_t m) { return m != 0; }))
            bad("example " + std::to_string(i) + " has no answer tokens (its loss mask is all zero)");
        job.examples.push_back(std::move(ex));
        i++;
    }
    const json lora = j.value("lora", json::object());
    job.rank = lora.value("rank", job.rank);
    job.alpha = lora.value("alpha", job.alpha);
    job.seed = lora.value("seed", job.seed);
    if (lora.contains("targets")) job.targets = lora["targets"].get<std::vector<std::string>>();
    const json opt = j.value("optim", json::object());
    job.lr = opt.value("lr", job.lr);
    job.epochs = opt.value("epochs", job.epochs);
    job.warmup = opt.value("warmup", job.warmup);
    job.schedule = opt.value("schedule", job.schedule);
    job.weight_decay = opt.value("weightDecay", job.weight_decay);
    job.gpu_layers = j.value("gpuLayers", job.gpu_layers);
    job.threads = j.value("threads", job.threads);
    job.max_context = j.value("maxContext", job.max_context);
    job.eval_after = j.value("evalAfter", job.eval_after);
    job.f32_copy = j.value("f32Copy", job.f32_copy);
    job.cache_dir = j.value("cacheDir", job.cache_dir);
    if (job.f32_copy != "auto" && job.f32_copy != "always" && job.f32_copy != "never") bad("f32Copy must be auto, always or never");
    job.cpu_ops = j.value("cpuOps", job.cpu_ops);
    if (job.cpu_ops != "auto" && job.cpu_ops != "never") bad("cpuOps must be auto or never");

    if (job.rank < 1 || job.rank > 256) bad("lora.rank must be between 1 and 256");
    if (job.epochs < 1 || job.epochs > 1000) bad("optim.epochs must be between 1 and 1000");
    if (!(job.lr > 0.0f && job.lr < 1.0f)) bad("optim.lr must be in (0, 1)");
    if (job.warmup < 0.0f || job.warmup >= 1.0f) bad("optim.warmup is a fraction of the steps in [0, 1)");
    if (job.schedule != "cosine" && job.schedule != "linear" && job.schedule != "constant") bad("optim.schedule must be cosine, linear or constant");
    if (job.targets.empty()) bad("lora.targets is empty");
    for (const auto & t : job.targets) {
        // attn_k/attn_v: patch 0006 connects K and V to the training graph; main.cpp checks after the first step
        // that every target's B moved (an architecture where they still get no gradient is refused then)
        if (std::find(supported_targets().begin(), supported_targets().end(), t) == supported_targets().end())
            bad("unknown LoRA target \"" + t + "\" (supported: attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up, ffn_down)");
    }
    return job;
}
} // namespace trainer
