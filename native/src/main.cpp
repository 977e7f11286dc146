// autodidact-trainer: trains LoRA adapters on a handful of examples with llama.cpp's ggml-opt.
// Usage:
//   autodidact-trainer [options] <job.json | ->   one job, then exit
//   autodidact-trainer [options] --serve [--max-jobs-per-load N]
//                                            a warm worker: one job JSON per line on stdin, trained in turn;
//                                            the base model stays loaded while jobs use the same one; EOF ends it
//   autodidact-trainer --decide-placement    reads {caps, weightTypes, policy} JSON on stdin, prints where such a job
//                                            would train (placement.h); loads nothing
// Options: --backends DIR (the binary folder node-llama-cpp loaded its ggml backends from; default: the folder
// this build linked against), --backends-fallback DIR (tried when DIR gives no GPU, as node-llama-cpp does).
// Writes JSON lines (see events.h) for every job. Exit codes: 0 done (or EOF in --serve), 2 error event
// written, 130 cancelled (SIGTERM/SIGINT; in --serve also while waiting for a job), other: crashed. Any error
// ends the process, also in --serve: the app starts a fresh worker for its next job.
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include "ggml-backend.h"
#include "backend_load.h"
#include "placement.h"
#include "platform.h"
#include "train_job.h"
#include <vector>

using namespace trainer;

namespace {
// --serve, between jobs: nothing to stop at a step boundary, so a signal ends the worker at once
std::atomic<bool> g_waiting{false};
void on_signal(int) {
    if (g_waiting) std::_Exit(130);
    g_cancel = true;
}

void log_filter(ggml_log_level level, const char * text, void *) {
    if (level >= GGML_LOG_LEVEL_WARN) fputs(text, stderr);
}

std::string read_all(const std::string & path) {
    if (path == "-") {
        std::stringstream ss;
        ss << std::cin.rdbuf();
        return ss.str();
    }
    std::ifstream f(path);
    if (!f) fail("bad_input", "cannot read the job file " + path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

Job parse_or_fail(const std::string & text) {
    try {
        return parse_job(text);
    } catch (const std::exception & e) {
        fail("bad_input", e.what());
    }
}

// ggml stops the process on an internal error (an op without a backward pass, a graph overflow, ...):
// say so on the protocol instead of dying with a bare SIGABRT.
void on_ggml_abort(const char * message) {
    const std::string m = message ? message : "unknown error";
    fputs((m + "\n").c_str(), stderr);
    const bool backward = m.find("backward pass") != std::string::npos;
    fail(backward ? "unsupported" : "internal",
         backward ? "this model uses an operation llama.cpp cannot train through (" + m + ")" : "llama.cpp stopped with an internal error: " + m, 3);
}

bool backend_ready = false;
std::string g_backends_arg, g_fallback_arg;
void init_backend() {
    if (backend_ready) return;
    ggml_set_abort_callback(on_ggml_abort);
    llama_log_set(log_filter, nullptr);
    llama_backend_init();
    g_backend_dir = load_backends(g_backends_arg, g_fallback_arg);
    backend_ready = true;
}

int decide_only() {
    try {
        const json in = json::parse(read_all("-"));
        const Placement p = decide_placement(caps_from_json(in.value("caps", json::object())), in.value("weightTypes", std::vector<std::string>{}),
                                             policy_from_json(in.value("policy", json::object())));
        emit(placement_json(p));
    } catch (const std::exception & e) {
        fail("bad_input", e.what());
    }
    return 0;
}

int serve(int max_jobs_per_load) {
    BaseModel base;
    std::string line;
    int index = 0;
    for (;;) {
        g_waiting = true;
        if (g_cancel) std::_Exit(130); // a signal that came as the last job finished
        if (!std::getline(std::cin, line)) break;
        g_waiting = false;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const auto t0 = Clock::now();
        Job job = parse_or_fail(line);
        check_job(job);
        init_backend();
        // llama.cpp frees adapters with llama_adapter_lora_free, but a fresh load now and then also returns
        // whatever the allocator kept from earlier jobs
        if (base.model && base.jobs >= max_jobs_per_load) free_base(base);
        const bool reused = ensure_base(job, base);
        train_job(job, base, reused, ++index, t0);
    }
    free_base(base);
    return 0;
}
} // namespace

int main(int argc, char ** argv) {
    exit_with_parent(); // never outlive the app (platform.cpp); a --serve worker also ends on EOF
    on_stop_request(on_signal);
    binary_stdout();
    const auto t0 = Clock::now();
    std::vector<std::string> args;
    for (int i = 1; i < argc; i++) {
        const std::string a = argv[i];
        if ((a == "--backends" || a == "--backends-fallback") && i + 1 < argc) (a == "--backends" ? g_backends_arg : g_fallback_arg) = argv[++i];
        else args.push_back(a);
    }
    if (args.empty()) fail("bad_input", "usage: autodidact-trainer [--backends DIR] <job.json | -> | --serve [--max-jobs-per-load N] | --decide-placement");
    if (args[0] == "--decide-placement") return decide_only();
    if (args[0] == "--serve") {
        int max_jobs = 32;
        if (args.size() >= 3 && args[1] == "--max-jobs-per-load") max_jobs = std::max(1, std::atoi(args[2].c_str()));
        return serve(max_jobs);
    }
    const Job job = parse_or_fail(read_all(args[0]));
    check_job(job);
    init_backend();
    BaseModel base;
    ensure_base(job, base);
    train_job(job, base, false, 1, t0);
    free_base(base);
    return 0;
}
