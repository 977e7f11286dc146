#include "backend_check.h"
#include <set>
#include "ggml.h"
#include "gguf.h"

namespace trainer {

bool in_backward_path(const std::string & name, bool has_output) {
    if (name.rfind("blk.", 0) == 0) return true;
    if (name == "output.weight") return true;
    return name == "token_embd.weight" && !has_output;
}

std::optional<OutProdGap> first_out_prod_gap(const std::string & model_path, ggml_backend_dev_t dev) {
    ggml_context * meta = nullptr;
    gguf_init_params gp = {/*no_alloc*/ true, &meta};
    gguf_context * g = gguf_init_from_file(model_path.c_str(), gp);
    if (!g) return OutProdGap{model_path, "unreadable"};
    bool has_output = false;
    for (int64_t i = 0; i < gguf_get_n_tensors(g); i++) has_output = has_output || std::string(gguf_get_tensor_name(g, i)) == "output.weight";
    ggml_init_params ip = {ggml_tensor_overhead() * 8, nullptr, /*no_alloc*/ true};
    std::set<int> checked;
    std::optional<OutProdGap> gap;
    for (int64_t i = 0; i < gguf_get_n_tensors(g) && !gap; i++) {
        const std::string name = gguf_get_tensor_name(g, i);
        const ggml_tensor * w = ggml_get_tensor(meta, name.c_str());
        if (ggml_n_dims(w) != 2 || !in_backward_path(name, has_output) || checked.count(w->type)) continue;
        checked.insert(w->type);
        ggml_context * ctx = ggml_init(ip);
        // y = W x with W [n_in, n_out]: the input's gradient is out_prod(W, transpose(dy)), dy [n_out, n_tok]
        ggml_tensor * wt = ggml_new_tensor_2d(ctx, w->type, w->ne[0], w->ne[1]);
        ggml_tensor * dy = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, w->ne[1], 32);
        ggml_tensor * op = ggml_out_prod(ctx, wt, ggml_transpose(ctx, dy));
        if (!ggml_backend_dev_supports_op(dev, op)) gap = OutProdGap{name, ggml_type_name(w->type)};
        ggml_free(ctx);
    }
    gguf_free(g);
    ggml_free(meta);
    return gap;
}

std::string first_missing_training_op(ggml_backend_dev_t dev) {
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
    const std::pair<const char *, ggml_tensor *> ops[] = {
        {"CROSS_ENTROPY_LOSS", ggml_cross_entropy_loss(ctx, x, y)},
        {"CROSS_ENTROPY_LOSS_BACK", ggml_cross_entropy_loss_back(ctx, one, x, y)},
        {"OPT_STEP_ADAMW", ggml_opt_step_adamw(ctx, param, x, y, ggml_dup_tensor(ctx, x), ggml_new_tensor_1d(ctx, GGML_TYPE_F32, 7))},
        {"OUT_PROD", ggml_out_prod(ctx, x, y)},
        {"SILU_BACK", ggml_silu_back(ctx, x, y)},
        {"RMS_NORM_BACK", ggml_rms_norm_back(ctx, x, y, 1e-5f)},
        {"SOFT_MAX_BACK", ggml_soft_max_ext_back(ctx, x, y, 1.0f, 0.0f)},
        {"ROPE_BACK", ggml_rope_ext_back(ctx, hq, pos, nullptr, head, 0, 4096, 10000.0f, 1.0f, 0.0f, 1.0f, 32.0f, 1.0f)},
    };
    std::string missing;
    for (const auto & [name, op] : ops) {
        if (!ggml_backend_dev_supports_op(dev, op)) {
            missing = name;
            break;
        }
    }
    ggml_free(ctx);
    return missing;
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
