#include "f32_copy.h"
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>
#include "backend_check.h"
#include "ggml.h"
#include "gguf.h"
#include "platform.h"

namespace fs = std::filesystem;

#ifdef _WIN32
#define seek64 _fseeki64
#else
#define seek64 fseeko
#endif

namespace trainer {

namespace {
struct FileCloser {
    void operator()(FILE * f) const { if (f) fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

std::string cache_name(const std::string & model_path) {
    const auto size = fs::file_size(model_path);
    const auto mtime = fs::last_write_time(model_path).time_since_epoch().count();
    const std::string key = fs::absolute(model_path).string() + "|" + std::to_string(size) + "|" + std::to_string(mtime);
    uint64_t h = 1469598103934665603ull; // FNV-1a
    for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long) h);
    return fs::path(model_path).stem().string() + "." + hex + ".f32.gguf";
}

void write_copy(const std::string & src, const std::string & dst) {
    ggml_context * meta = nullptr;
    gguf_init_params ip = {/*no_alloc*/ true, &meta};
    gguf_context * in = gguf_init_from_file(src.c_str(), ip);
    if (!in) throw std::runtime_error("could not read the base model " + src + " to make its F32 training copy");
    std::unique_ptr<gguf_context, void (*)(gguf_context *)> in_guard(in, gguf_free);
    std::unique_ptr<ggml_context, void (*)(ggml_context *)> meta_guard(meta, ggml_free);

    const int64_t n = gguf_get_n_tensors(in);
    bool has_output = false;
    for (int64_t i = 0; i < n; i++) has_output = has_output || std::string(gguf_get_tensor_name(in, i)) == "output.weight";

    gguf_context * out = gguf_init_empty();
    std::unique_ptr<gguf_context, void (*)(gguf_context *)> out_guard(out, gguf_free);
    gguf_set_kv(out, in);
    std::vector<bool> convert(n, false);
    uint64_t out_bytes = 0;
    for (int64_t i = 0; i < n; i++) {
        const char * name = gguf_get_tensor_name(in, i);
        ggml_tensor * t = ggml_get_tensor(meta, name);
        gguf_add_tensor(out, t);
        convert[i] = t->type != GGML_TYPE_F32 && ggml_n_dims(t) >= 2 && in_backward_path(name, has_output);
        if (convert[i]) {
            if (!ggml_get_type_traits(t->type)->to_float)
                throw std::runtime_error(std::string("the base model's weight ") + name + " has type " + ggml_type_name(t->type) + ", which cannot be converted to F32");
            gguf_set_tensor_type(out, name, GGML_TYPE_F32);
        }
        out_bytes += ggml_nelements(t) * (convert[i] ? 4 : 0) + (convert[i] ? 0 : ggml_nbytes(t));
    }
    const fs::path dir = fs::path(dst).parent_path();
    const auto space = fs::space(dir);
    if (space.available < out_bytes + (64ull << 20))
        throw std::runtime_error("the F32 training copy of the base model needs " + std::to_string(out_bytes >> 20) + " MiB in " + dir.string() +
                                 ", but only " + std::to_string(space.available >> 20) + " MiB are free: free some space, or train on the CPU (gpuLayers 0)");

    const std::string tmp = dst + ".tmp";
    File fin(fopen(src.c_str(), "rb"));
    File fout(fopen(tmp.c_str(), "wb"));
    if (!fin || !fout) throw std::runtime_error("could not open " + (fin ? tmp : src) + " to write the F32 training copy");
    std::vector<char> head(gguf_get_meta_size(out));
    gguf_get_meta_data(out, head.data());
    bool ok = fwrite(head.data(), 1, head.size(), fout.get()) == head.size();
    const size_t align = gguf_get_alignment(out);
    std::vector<char> raw;
    std::vector<float> f32;
    for (int64_t i = 0; i < n && ok; i++) {
        const size_t size = gguf_get_tensor_size(in, i);
        raw.resize(size);
        ok = seek64(fin.get(), (int64_t) (gguf_get_data_offset(in) + gguf_get_tensor_offset(in, i)), SEEK_SET) == 0 &&
             fread(raw.data(), 1, size, fin.get()) == size;
        if (!ok) break;
        const char * data = raw.data();
        size_t n_out = size;
        if (convert[i]) {
            ggml_tensor * t = ggml_get_tensor(meta, gguf_get_tensor_name(in, i));
            f32.resize(ggml_nelements(t));
            ggml_get_type_traits(t->type)->to_float(raw.data(), f32.data(), ggml_nelements(t));
            data = reinterpret_cast<const char *>(f32.data());
            n_out = f32.size() * sizeof(float);
        }
        static const char zeros[64] = {0};
        const size_t pad = GGML_PAD(n_out, align) - n_out;
        ok = fwrite(data, 1, n_out, fout.get()) == n_out && fwrite(zeros, 1, pad, fout.get()) == pad;
    }
    ok = ok && fflush(fout.get()) == 0;
    fout.reset();
    if (!ok) {
        std::remove(tmp.c_str());
        throw std::runtime_error("could not write the F32 training copy " + dst + " (disk full?)");
    }
    if (!replace_file(tmp, dst)) {
        std::remove(tmp.c_str());
        throw std::runtime_error("could not move the F32 training copy into place at " + dst);
    }
}
} // namespace

std::string training_base(const Job & job, bool f32_copy, json & base_copy) {
    if (!f32_copy) return job.model;
    const std::string dir = !job.cache_dir.empty() ? job.cache_dir : (fs::path(job.out).parent_path() / "base-f32").string();
    try {
        const F32Copy c = ensure_f32_copy(job.model, dir);
        base_copy = {{"path", c.path}, {"reused", c.reused}, {"ms", c.ms}};
        return c.path;
    } catch (const std::exception & e) {
        fail("io", e.what());
    }
}

F32Copy ensure_f32_copy(const std::string & model_path, const std::string & cache_dir) {
    const auto t0 = std::chrono::steady_clock::now();
    F32Copy c;
    std::error_code ec;
    fs::create_directories(cache_dir, ec);
    c.path = (fs::path(cache_dir) / cache_name(model_path)).string();
    if (fs::exists(c.path)) {
        c.reused = true;
    } else {
        write_copy(model_path, c.path);
    }
    c.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return c;
}
} // namespace trainer
