#include "placement.h"
#include <algorithm>

namespace trainer {

namespace {
std::string join(const std::vector<std::string> & v) {
    std::string s;
    for (const auto & x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}
bool out_prod_ok(const DeviceCaps & caps, const std::string & type) {
    const auto it = caps.out_prod.find(type);
    return it != caps.out_prod.end() && it->second;
}
} // namespace

Placement decide_placement(const DeviceCaps & caps, const std::vector<std::string> & weight_types, const PlacementPolicy & policy) {
    Placement p;
    if (!caps.gpu || policy.gpu_layers == 0) {
        p.device = "cpu";
        p.f32_copy = policy.f32_copy == "always";
        p.reason = !caps.gpu ? "no GPU backend is available" : "gpuLayers 0 asks for the CPU";
        return p;
    }
    // OUT_PROD through a frozen weight, per type: an F32 copy helps where the GPU has F32 OUT_PROD only (CUDA)
    std::vector<std::string> gaps;
    for (const auto & t : weight_types)
        if (!out_prod_ok(caps, t) && std::find(gaps.begin(), gaps.end(), t) == gaps.end()) gaps.push_back(t);
    p.f32_copy = policy.f32_copy == "always" || (!gaps.empty() && policy.f32_copy == "auto" && out_prod_ok(caps, "f32"));
    if (p.f32_copy) gaps = out_prod_ok(caps, "f32") ? std::vector<std::string>{} : std::vector<std::string>{"f32"};
    std::vector<std::string> missing = caps.missing_ops;
    if (!gaps.empty()) missing.push_back("OUT_PROD (" + join(gaps) + ")");
    if (missing.empty()) {
        p.device = "gpu";
        return p;
    }
    const std::string lacks = caps.backend + " cannot compute " + join(missing);
    if (caps.unified_memory && policy.cpu_ops != "never") {
        // Apple Silicon: the CPU reads the GPU's buffers in place, so ggml's scheduler runs just those ops on the CPU
        p.device = "gpu";
        p.cpu_ops = missing;
        p.reason = lacks + ": those ops run on the CPU (unified memory), the rest on the GPU";
        return p;
    }
    p.device = "cpu";
    p.f32_copy = policy.f32_copy == "always";
    p.reason = lacks + (caps.unified_memory ? "; cpuOps never: training on the CPU" : ": training on the CPU");
    return p;
}

json placement_json(const Placement & p) {
    return {{"device", p.device}, {"f32Copy", p.f32_copy}, {"cpuOps", p.cpu_ops}, {"reason", p.reason.empty() ? json(nullptr) : json(p.reason)}};
}

DeviceCaps caps_from_json(const json & j) {
    DeviceCaps c;
    c.backend = j.value("backend", std::string("CPU"));
    c.gpu = j.value("gpu", false);
    c.unified_memory = j.value("unifiedMemory", false);
    c.missing_ops = j.value("missingOps", std::vector<std::string>{});
    c.out_prod = j.value("outProd", std::map<std::string, bool>{});
    return c;
}

PlacementPolicy policy_from_json(const json & j) {
    PlacementPolicy p;
    p.gpu_layers = j.value("gpuLayers", -1);
    p.f32_copy = j.value("f32Copy", std::string("auto"));
    p.cpu_ops = j.value("cpuOps", std::string("auto"));
    return p;
}
} // namespace trainer
