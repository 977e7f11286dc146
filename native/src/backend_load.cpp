#include "backend_load.h"
#include <cstdio>
#include <filesystem>
#include <vector>
#include "events.h"
#include "ggml-backend.h"

namespace trainer {

namespace {
bool has_gpu() {
    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        const auto type = ggml_backend_dev_type(ggml_backend_dev_get(i));
        if (type == GGML_BACKEND_DEVICE_TYPE_GPU || type == GGML_BACKEND_DEVICE_TYPE_IGPU) return true;
    }
    return false;
}

std::vector<std::string> split_dirs(const std::string & list) {
#ifdef _WIN32
    const char sep = ';';
#else
    const char sep = ':';
#endif
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= list.size()) {
        const size_t end = list.find(sep, start);
        const std::string d = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!d.empty()) out.push_back(d);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

// The GPU backend libraries in `dir`, in ggml's loading order (libggml-cuda.so, ggml-vulkan.dll, ...).
std::vector<std::string> gpu_libraries(const std::string & dir) {
    std::vector<std::string> out;
    for (const char * name : {"cuda", "hip", "metal", "sycl", "vulkan", "opencl", "musa"})
        for (const char * file : {"libggml-%s.so", "libggml-%s.dylib", "ggml-%s.dll"}) {
            char buf[64];
            snprintf(buf, sizeof buf, file, name);
            const auto p = std::filesystem::path(dir) / buf;
            std::error_code ec;
            if (std::filesystem::exists(p, ec)) out.push_back(p.string());
        }
    return out;
}
} // namespace

std::string load_backends(const std::string & dir, const std::string & fallback_dir) {
    static bool loaded = false;
    static std::string from;
    if (loaded) return from;
    loaded = true;
#ifdef AUTODIDACT_HYBRID
    if (!dir.empty()) {
        // the folder node-llama-cpp loaded for inference: the same libraries, loaded the same way
        from = dir;
        ggml_backend_load_all_from_path(dir.c_str());
        if (!has_gpu() && !fallback_dir.empty()) {
            // node-llama-cpp's order: a GPU library that did not load (e.g. CUDA 13 without its runtime) has a
            // fallback build (CUDA 12) in a folder of its own
            ggml_backend_load_all_from_path(fallback_dir.c_str());
            if (has_gpu()) from = fallback_dir;
        }
    } else {
        // no folder named: node-llama-cpp's order over the packages npm installed (written at build time, GPU
        // packages first, the CPU package last): the first GPU library that loads and has a device, then the CPU
        const std::vector<std::string> dirs = split_dirs(AUTODIDACT_DEFAULT_BACKENDS);
        for (size_t i = 0; i + 1 < dirs.size() && from.empty(); i++)
            for (const auto & lib : gpu_libraries(dirs[i])) {
                ggml_backend_reg_t reg = ggml_backend_load(lib.c_str());
                if (!reg) continue;
                if (ggml_backend_reg_dev_count(reg) > 0) {
                    from = dirs[i];
                    break;
                }
                ggml_backend_unload(reg);
            }
        if (!dirs.empty()) {
            ggml_backend_load_all_from_path(dirs.back().c_str());
            if (from.empty()) from = dirs.back();
        }
    }
#else
    (void) dir;
    (void) fallback_dir;
    (void) split_dirs;
    (void) gpu_libraries;
#endif
    if (ggml_backend_dev_count() == 0)
        fail("internal", "no ggml backend could be loaded from " + (from.empty() ? std::string("this build") : from) +
             ": reinstall node-llama-cpp (npm install) or rebuild the trainer (npm run build:trainer)");
    return from;
}
} // namespace trainer
