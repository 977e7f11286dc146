#include "backend_check.h"
#include <algorithm>
#include "ggml.h"
#include "gguf.h"

namespace trainer {

bool in_backward_path(const std::string & name, bool has_output) {
    if (name.rfind("blk.", 0) == 0) return true;
    if (name == "output.weight") return true;
    return name == "token_embd.weight" && !has_output;
}

std::vector<std::string> backward_weight_types(const std::string & model_path) {
    ggml_context * meta = nullptr;
    gguf_init_params gp = {/*no_alloc*/ true, &meta};
    gguf_context * g = gguf_init_from_file(model_path.c_str(), gp);
    if (!g) return {};
    bool has_output = false;
    for (int64_t i = 0; i < gguf_get_n_tensors(g); i++) has_output = has_output || std::string(gguf_get_tensor_name(g, i)) == "output.weight";
    std::vector<std::string> types;
    for (int64_t i = 0; i < gguf_get_n_tensors(g); i++) {
        const std::string name = gguf_get_tensor_name(g, i);
        const ggml_tensor * w = ggml_get_tensor(meta, name.c_str());
        const std::string type = ggml_type_name(w->type);
        if (ggml_n_dims(w) == 2 && in_backward_path(name, has_output) && std::find(types.begin(), types.end(), type) == types.end()) types.push_back(type);
    }
    gguf_free(g);
    ggml_free(meta);
    return types;
}

bool out_prod_supported(ggml_backend_dev_t dev, const std::string & type_name) {
    ggml_type type = GGML_TYPE_COUNT;
    for (int t = 0; t < GGML_TYPE_COUNT; t++)
        if (ggml_get_type_traits((ggml_type) t)->type_name && type_name == ggml_type_name((ggml_type) t)) type = (ggml_type) t;
    if (type == GGML_TYPE_COUNT) return false;
    ggml_init_params ip = {ggml_tensor_overhead() * 8, nullptr, /*no_alloc*/ true};
    ggml_context * ctx = ggml_init(ip);
    const int64_t n = 256; // a multiple of every block size
    // y = W x with W [n_in, n_out]: the input's gradient is out_prod(W, transpose(dy)), dy [n_out, n_tok]
    ggml_tensor * w = ggml_new_tensor_2d(ctx, type, n, n);
    ggml_tensor * dy = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, 32);
    const bool ok = ggml_backend_dev_supports_op(dev, ggml_out_prod(ctx, w, ggml_transpose(ctx, dy)));
    ggml_free(ctx);
    return ok;
}

std::vector<std::string> missing_training_ops(ggml_backend_dev_t dev) {
    ggml_init_params ip = {ggml_tensor_overhead() * 64, nullptr, /*no_alloc*/ true};
    ggml_context * ctx = ggml_init(ip);
    const int64_t n = 64, rows = 8, head = 16, heads = 4;
    ggml_tensor * x = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, rows);
    ggml_tensor * y = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, rows);
    ggml_tensor * one = ggml_new_tensor_1d(ctx, GGML_TYPE_F32, 1);
    ggml_tensor * param = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, rows);
    ggml_set_param(param);
    ggml_tensor * hq = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, head, heads, rows);
    ggml_tensor * pos = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, rows);
    ggml_tensor * ids = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, rows / 2);
    const std::pair<const char *, ggml_tensor *> ops[] = {
        {"CROSS_ENTROPY_LOSS", ggml_cross_entropy_loss(ctx, x, y)},
        {"CROSS_ENTROPY_LOSS_BACK", ggml_cross_entropy_loss_back(ctx, one, x, y)},
        {"OPT_STEP_ADAMW", ggml_opt_step_adamw(ctx, param, x, y, ggml_dup_tensor(ctx, x), ggml_new_tensor_1d(ctx, GGML_TYPE_F32, 7))},
        {"SILU_BACK", ggml_silu_back(ctx, x, y)},
        {"RMS_NORM_BACK", ggml_rms_norm_back(ctx, x, y, 1e-5f)},
        {"SOFT_MAX_BACK", ggml_soft_max_ext_back(ctx, x, y, 1.0f, 0.0f)},
        {"ROPE_BACK", ggml_rope_ext_back(ctx, hq, pos, nullptr, head, 0, 4096, 10000.0f, 1.0f, 0.0f, 1.0f, 32.0f, 1.0f)},
        // the answer rows are picked out of the last layer (patch 0009): its backward scatters them back
        {"GET_ROWS_BACK", ggml_get_rows_back(ctx, ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, rows / 2), ids, x)},
    };
    std::vector<std::string> missing;
    for (const auto & [name, op] : ops)
        if (!ggml_backend_dev_supports_op(dev, op)) missing.push_back(name);
    ggml_free(ctx);
    return missing;
}

DeviceCaps probe_device(ggml_backend_dev_t dev, const std::vector<std::string> & weight_types) {
    DeviceCaps c;
    if (!dev) return c;
    c.gpu = true;
    c.backend = ggml_backend_reg_name(ggml_backend_dev_backend_reg(dev));
    // Apple Silicon (Metal) and integrated GPUs share host memory
    c.unified_memory = c.backend == "Metal" || c.backend == "MTL" || ggml_backend_dev_type(dev) == GGML_BACKEND_DEVICE_TYPE_IGPU;
    c.missing_ops = missing_training_ops(dev);
    c.out_prod["f32"] = out_prod_supported(dev, "f32");
    for (const auto & t : weight_types) c.out_prod[t] = out_prod_supported(dev, t);
    return c;
}

std::string gguf_architecture(const std::string & path) {
    gguf_init_params p = {/*no_alloc*/ true, /*ctx*/ nullptr};
    gguf_context * g = gguf_init_from_file(path.c_str(), p);
    if (!g) return "";
    std::string arch;
    const int64_t k = gguf_find_key(g, "general.architecture");
    if (k >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_STRING) arch = gguf_get_val_str(g, k);
    gguf_free(g);
    return arch;
}
} // namespace trainer
