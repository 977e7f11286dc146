#include "train_job.h"
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include "backend_check.h"
#include "dataset.h"
#include "f32_copy.h"
#include "ggml-backend.h"
#include "ggml-opt.h"
#include "lora.h"
#include "placement.h"
#include "platform.h"

namespace trainer {
std::atomic<bool> g_cancel{false};
std::string g_backend_dir;

namespace {
struct TrainState {
    const Job * job = nullptr;
    int64_t step = 0; // optimizer steps taken
    int64_t total_steps = 0;
    int epoch = 0;
    const Packed * packed = nullptr;
    Clock::time_point t_start;
    int64_t tokens_done = 0;
    std::vector<json> losses;
    double last_loss = NAN;
    llama_adapter_lora * adapter = nullptr;
    double eval_sum = 0.0; // after training: summed loss over answer tokens with the final adapter
    int64_t eval_labels = 0;
};
TrainState g_state; // ggml-opt's callbacks carry no user pointer: one job at a time, reset per job

ggml_opt_optimizer_params schedule(void * ud) {
    auto * s = static_cast<TrainState *>(ud);
    const Job & job = *s->job;
    ggml_opt_optimizer_params p = ggml_opt_get_default_optimizer_params(nullptr);
    const double total = std::max<int64_t>(1, s->total_steps);
    const double warm = std::floor(job.warmup * total);
    const double t = (double) s->step;
    double lr = job.lr;
    if (t < warm) lr = job.lr * (t + 1) / (warm + 1);
    else if (job.schedule == "cosine") lr = job.lr * 0.5 * (1.0 + std::cos(kPi * (t - warm) / std::max(1.0, total - warm)));
    else if (job.schedule == "linear") lr = job.lr * (1.0 - (t - warm) / std::max(1.0, total - warm));
    p.adamw.alpha = (float) std::max(lr, job.lr * 0.01);
    p.adamw.beta1 = 0.9f;
    p.adamw.beta2 = 0.999f;
    p.adamw.eps = 1e-8f;
    p.adamw.wd = job.weight_decay;
    s->step++;
    return p;
}

void on_step(bool train, ggml_opt_context_t opt_ctx, ggml_opt_dataset_t, ggml_opt_result_t, int64_t ibatch, int64_t, int64_t) {
    if (!train) return;
    TrainState & s = g_state;
    float raw = 0.0f;
    ggml_backend_tensor_get(ggml_opt_loss(opt_ctx), &raw, 0, sizeof(float));
    // Only the answer positions are outputs of the training batch (patch 0009): the loss is already the mean
    // over the window's answer tokens.
    const double loss = (double) raw;
    s.last_loss = loss;
    s.tokens_done += s.packed->n_ctx;
    const double secs = std::chrono::duration<double>(Clock::now() - s.t_start).count();
    const double tps = secs > 0 ? s.tokens_done / secs : 0.0;
    const int64_t steps_done = (int64_t) s.epoch * (int64_t) s.packed->tokens.size() + ibatch;
    const double eta = steps_done > 0 ? secs / steps_done * (s.total_steps - steps_done) : 0.0;
    s.losses.push_back({{"step", steps_done}, {"epoch", s.epoch + 1}, {"loss", loss}});
    emit({{"type", "progress"}, {"epoch", s.epoch + 1}, {"epochs", s.job->epochs}, {"step", steps_done}, {"steps", s.total_steps},
          {"loss", loss}, {"tokensPerSec", tps}, {"etaSec", eta}});
    if (steps_done == 1) {
        // B starts at zero and Adam moves every parameter with a nonzero gradient on the first step: a B still
        // at zero got no gradient (an op without a backward pass on this architecture). Refuse, not pretend.
        const std::vector<std::string> dead = zero_b_weights(s.adapter);
        if (!dead.empty())
            fail("unsupported", "the LoRA on " + dead.front() + (dead.size() > 1 ? " (and " + std::to_string(dead.size() - 1) + " more)" : "") +
                 " got no gradient in the first step: this architecture's graph does not let the loss reach that weight. Remove it from lora.targets");
    }
    if (g_cancel) fail("cancelled", "training was cancelled", 130);
}

void on_eval(bool train, ggml_opt_context_t opt_ctx, ggml_opt_dataset_t, ggml_opt_result_t, int64_t ibatch, int64_t, int64_t) {
    if (train) return;
    float raw = 0.0f;
    ggml_backend_tensor_get(ggml_opt_loss(opt_ctx), &raw, 0, sizeof(float));
    g_state.eval_sum += (double) raw * g_state.packed->n_labeled[ibatch - 1]; // raw: mean over the window's answer tokens
    g_state.eval_labels += g_state.packed->n_labeled[ibatch - 1];
}

bool file_exists(const std::string & p) { return std::ifstream(p).good(); }

// The GPU device the model's layers go to (a discrete GPU first, then an integrated one), or null.
ggml_backend_dev_t gpu_device() {
    for (auto type : {GGML_BACKEND_DEVICE_TYPE_GPU, GGML_BACKEND_DEVICE_TYPE_IGPU})
        for (size_t i = 0; i < ggml_backend_dev_count(); i++)
            if (ggml_backend_dev_type(ggml_backend_dev_get(i)) == type) return ggml_backend_dev_get(i);
    return nullptr;
}

// The base's identity for reuse: the file (path, size, modification time), placement and F32-copy policy.
std::string base_key(const Job & job) {
    std::error_code ec; // a file that went missing was refused by check_job already
    const auto size = std::filesystem::file_size(job.model, ec);
    const auto mtime = std::filesystem::last_write_time(job.model, ec).time_since_epoch().count();
    const std::string stamp = std::to_string(size) + "@" + std::to_string(mtime);
    return job.model + "|" + stamp + "|" + std::to_string(job.gpu_layers) + "|" + job.f32_copy + "|" + job.cpu_ops + "|" + job.cache_dir;
}
} // namespace

void check_job(const Job & job) {
    if (!file_exists(job.model)) fail("bad_input", "the base model file was not found: " + job.model);
    // Refused from the header alone, before anything is loaded.
    const std::string header_arch = gguf_architecture(job.model);
    if (header_arch.empty()) fail("model_load", "the base model " + job.model + " is not a readable GGUF file (corrupt or incomplete download?)");
    if (header_arch.rfind("gemma", 0) == 0)
        fail("unsupported", "architecture " + header_arch + " uses GEGLU, which has no backward pass in llama.cpp: training is not possible for this model");
}

bool ensure_base(const Job & job, BaseModel & base) {
    const std::string key = base_key(job);
    if (base.model && base.key == key) return true;
    free_base(base);
    // where to train: a pure decision from what the GPU can compute, the base's weight types and the job's policy
    ggml_backend_dev_t gpu_dev = gpu_device();
    const PlacementPolicy policy{job.gpu_layers, job.f32_copy, job.cpu_ops};
    const std::vector<std::string> types = backward_weight_types(job.model);
    const Placement placement = decide_placement(probe_device(gpu_dev, types), types, policy);
    if (placement.device != "gpu") gpu_dev = nullptr;
    base.gpu = gpu_dev ? std::string(ggml_backend_dev_name(gpu_dev)) + " (" + ggml_backend_dev_description(gpu_dev) + ")" : "";
    base.backend = gpu_dev ? ggml_backend_reg_name(ggml_backend_dev_backend_reg(gpu_dev)) : "CPU";
    base.placement = placement_json(placement);
    base.base_copy = nullptr;
    const std::string load_path = training_base(job, placement.f32_copy, base.base_copy);
    if (g_cancel) fail("cancelled", "training was cancelled", 130);
    llama_model_params mp = llama_model_default_params();
    // Training needs the backward pass through the frozen weights (OUT_PROD). ggml-cpu's repacked weight layouts
    // (CPU_REPACK: Q4_0, Q4_K, IQ4_NL, ...) serve only the forward matmul, and the scheduler aborts on an op that
    // no buffer type can run (GGML_ASSERT(*cur_backend_id != -1), seen with a Q4_K_M base on the CPU).
    mp.use_extra_bufts = false;
    // the CPU placement uses no GPU device at all (not even for ops llama.cpp would offload)
    static ggml_backend_dev_t no_devices[] = {nullptr};
    if (!gpu_dev) mp.devices = no_devices;
    mp.n_gpu_layers = gpu_dev ? (job.gpu_layers < 0 ? 999 : job.gpu_layers) : 0;
    base.model = llama_model_load_from_file(load_path.c_str(), mp);
    if (!base.model) fail("model_load", "could not load the base model " + job.model + " (corrupt file, unsupported architecture, or not enough memory)");
    char buf[256] = {0};
    llama_model_meta_val_str(base.model, "general.architecture", buf, sizeof buf);
    base.arch = buf;
    base.key = key;
    base.jobs = 0;
    return false;
}

void free_base(BaseModel & base) {
    if (base.model) llama_model_free(base.model);
    base = BaseModel{};
}

void train_job(const Job & job, BaseModel & base, bool reused, int job_index, Clock::time_point t0) {
    llama_model * model = base.model;
    const int n_ctx_train = llama_model_n_ctx_train(model);
    Packed packed;
    try {
        packed = pack_examples(job.examples, std::min(job.max_context, n_ctx_train), llama_vocab_eos(llama_model_get_vocab(model)));
    } catch (const std::exception & e) {
        fail("bad_input", e.what());
    }
    const int32_t n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    for (const auto & ex : job.examples)
        for (int32_t t : ex.tokens)
            if (t < 0 || t >= n_vocab) fail("bad_input", "token id " + std::to_string(t) + " is outside this model's vocabulary (" + std::to_string(n_vocab) + "): the examples were rendered for another model");

    std::string adapter_path = job.init_adapter;
    TargetInfo info;
    try {
        if (adapter_path.empty()) {
            adapter_path = job.out + ".init.gguf";
            info = write_init_adapter(model, job, base.arch, adapter_path);
        } else if (!file_exists(adapter_path)) {
            fail("bad_input", "the adapter to continue from was not found: " + adapter_path);
        }
    } catch (const std::exception & e) {
        fail("bad_input", e.what());
    }
    llama_adapter_lora * adapter = llama_adapter_lora_init(model, adapter_path.c_str());
    if (adapter_path != job.init_adapter) std::remove(adapter_path.c_str());
    if (!adapter) fail("bad_input", "the adapter " + adapter_path + " does not fit this model (another architecture or other tensor shapes)");
    const int n_flagged = mark_trainable(adapter);

    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = packed.n_ctx;
    cp.n_batch = packed.n_ctx;
    cp.n_ubatch = packed.n_ctx;
    cp.type_k = GGML_TYPE_F32;
    cp.type_v = GGML_TYPE_F32;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.kv_unified = true; // packed examples are separate sequences in one cache (dataset.h, patch 0004)
    const int threads = job.threads > 0 ? job.threads : (int) std::max(1u, std::thread::hardware_concurrency());
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    llama_context * ctx = llama_init_from_model(model, cp);
    if (!ctx) fail("oom", "could not create a training context of " + std::to_string(packed.n_ctx) + " tokens (not enough memory?)");
    float scale = 1.0f;
    llama_set_adapters_lora(ctx, &adapter, 1, &scale);

    g_state = TrainState{};
    g_state.job = &job;
    g_state.packed = &packed;
    g_state.adapter = adapter;
    g_state.total_steps = (int64_t) packed.tokens.size() * job.epochs;
    int64_t n_labeled = 0;
    for (int n : packed.n_labeled) n_labeled += n;
    const double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    emit({{"type", "started"}, {"pid", process_id()}, {"backend", base.gpu.empty() ? "cpu" : "gpu"}, {"device", base.gpu.empty() ? "CPU" : base.gpu},
          {"ggmlBackend", base.backend}, {"backendDir", g_backend_dir}, {"placement", base.placement},
          {"architecture", base.arch}, {"adapterTensors", n_flagged}, {"trainableParams", info.n_params}, {"examples", job.examples.size()},
          {"windows", packed.tokens.size()}, {"windowTokens", packed.n_ctx}, {"tokens", packed.n_tokens}, {"answerTokens", n_labeled},
          {"steps", g_state.total_steps}, {"threads", threads}, {"loadMs", load_ms}, {"baseCopy", base.base_copy},
          {"modelReused", reused}, {"jobIndex", job_index}});

    if (g_cancel) fail("cancelled", "training was cancelled", 130); // a SIGTERM during loading
    llama_opt_params op{};
    op.n_ctx_train = 0;
    op.param_filter = [](const ggml_tensor *, void *) { return false; }; // the base stays frozen
    op.param_filter_ud = nullptr;
    op.get_opt_pars = schedule;
    op.get_opt_pars_ud = &g_state;
    op.optimizer_type = GGML_OPT_OPTIMIZER_TYPE_ADAMW;
    llama_opt_init(ctx, model, op);

    ggml_opt_dataset_t ds = make_dataset(packed);
    ggml_opt_result_t result_train = ggml_opt_result_init();
    ggml_opt_result_t result_eval = ggml_opt_result_init();
    g_state.t_start = Clock::now();
    for (int e = 0; e < job.epochs; e++) {
        g_state.epoch = e;
        llama_opt_epoch(ctx, ds, result_train, result_eval, ggml_opt_dataset_ndata(ds), on_step, nullptr);
        ggml_opt_result_reset(result_train);
    }
    const double train_ms = std::chrono::duration<double, std::milli>(Clock::now() - g_state.t_start).count();
    double eval_loss = NAN;
    if (job.eval_after) {
        llama_opt_epoch(ctx, ds, result_train, result_eval, 0, nullptr, on_eval);
        eval_loss = g_state.eval_labels > 0 ? g_state.eval_sum / (double) g_state.eval_labels : NAN;
    }
    const auto t_save = Clock::now();
    try {
        save_adapter(adapter, base.arch, job.alpha, job.out);
    } catch (const std::exception & e) {
        fail("io", e.what());
    }
    const double save_ms = std::chrono::duration<double, std::milli>(Clock::now() - t_save).count();
    const double total_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    ggml_opt_dataset_free(ds);
    ggml_opt_result_free(result_train);
    ggml_opt_result_free(result_eval);
    llama_free(ctx);
    llama_adapter_lora_free(adapter); // a warm worker trains many adapters on one load
    base.jobs++;
    emit({{"type", "done"}, {"adapter", job.out}, {"finalLoss", g_state.last_loss}, {"evalLoss", std::isnan(eval_loss) ? json(nullptr) : json(eval_loss)}, {"losses", g_state.losses},
          {"tokensPerSec", train_ms > 0 ? (double) g_state.tokens_done / (train_ms / 1000.0) : 0.0},
          {"timings", {{"loadMs", load_ms}, {"trainMs", train_ms}, {"saveMs", save_ms}, {"totalMs", total_ms}}}});
}
} // namespace trainer
