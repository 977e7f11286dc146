"""The GPU check: build the CUDA trainer from node-llama-cpp's llama.cpp source, train the TT-SI-sized job on
Qwen2.5-1.5B-shaped F32 / Q8_0 / Q4_K_M bases (one process, and a warm --serve worker), compare the first-step
loss with a CPU run, run the PyTorch+PEFT anchor on the same shape, and write JSON + a markdown table.

  gpu_check.py prepare [--peft PATH]   here (node_modules present): pack the llama.cpp source (+ peft_bench.py)
                                       into bench/gpu/carry/llama-src.tgz, the one archive the GPU machine needs
  gpu_check.py run [--out DIR]         on the GPU machine (python3, numpy, cmake, nvcc; no node, no network)
  gpu_check.py run --dry-run           the same pipeline on the CPU with a tiny shape (no CUDA, PEFT only if torch
                                       with CUDA is there)

Everything it makes lives in bench/gpu/work/ (ignored; reused by a rerun on the same machine). Results go to
--out (default $OUT, else bench/gpu/work/out): gpu-check.json, gpu-check.md, gpu-check.log, build.log.
docs/benchmarks.md ("GPU check") has the exact device command.
"""
import argparse
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import jobs  # noqa: E402
import patches  # noqa: E402
import report  # noqa: E402
from trainer_run import TrainerError, Worker, run_once  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
ARCHIVE = os.path.join(HERE, "carry", "llama-src.tgz")
# ignored; kept between calls on a warm device machine (GPU_CHECK_WORK moves it)
WORK = os.path.abspath(os.environ.get("GPU_CHECK_WORK") or os.path.join(HERE, "work"))
VOCAB = "models/ggml-vocab-llama-spm.gguf"
# the PyTorch+PEFT anchor (not in this repo): the shared folder beside the checkout, or the workplace's
PEFT_CANDIDATES = [os.path.join(os.path.dirname(REPO), "shared", "bench", "peft_bench.py"), "/work/shared/bench/peft_bench.py"]

SHAPES = {
    # Qwen2.5-1.5B layer shapes (dim, layers, heads, kv heads, FFN); vocabulary 32,000 (llama-spm)
    "qwen1.5b": {"dim": 1536, "layers": 28, "heads": 12, "kvHeads": 2, "ffn": 8960, "vocab": 32000},
    # the dry run's: widths that k-quants accept (multiples of 256), and the vocabulary cut to its first 4,096
    # tokens (the output layer dominates a tiny model's step), cheap on 2 shared CPU cores
    "tiny": {"dim": 256, "layers": 2, "heads": 4, "kvHeads": 2, "ffn": 512, "vocab": 4096},
}
BASES = [("F32", None), ("Q8_0", "q8_0"), ("Q4_K_M", "q4_k_m")]


class Log:
    def __init__(self, path):
        self.t0 = time.monotonic()
        self.f = open(path, "a", buffering=1)

    def __call__(self, msg):
        line = f"[{time.monotonic() - self.t0:6.1f}s] {msg}"
        print(line, flush=True)
        self.f.write(line + "\n")

    def elapsed(self):
        return time.monotonic() - self.t0


# ---------------------------------------------------------------- prepare (here)

def prepare(args):
    bundle = os.path.join(REPO, "node_modules", "node-llama-cpp", "llama", "gitRelease.bundle")
    info = os.path.join(REPO, "node_modules", "node-llama-cpp", "llama", "llama.cpp.info.json")
    if not os.path.exists(bundle):
        sys.exit(f"{bundle} is missing: run npm install first (prepare runs on the development machine)")
    if not os.path.exists(args.peft):
        sys.exit(f"the PEFT anchor {args.peft} is missing (pass --peft PATH)")
    os.makedirs(os.path.dirname(ARCHIVE), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "llama.cpp")
        subprocess.run(["git", "-c", "advice.detachedHead=false", "clone", "--quiet", bundle, src], check=True)
        commit = subprocess.run(["git", "-C", src, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        # the patches must apply now, not only on the GPU machine: check on a throwaway copy
        check = os.path.join(tmp, "check")
        shutil.copytree(src, check, ignore=shutil.ignore_patterns(".git"))
        patches.apply_all(check, patches.list_patches(os.path.join(REPO, "native", "patches")), log=lambda m: None)
        manifest = {"llamaCppCommit": commit, "release": json.load(open(info)), "bundleBytes": os.path.getsize(bundle),
                    "prepared": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
        skip_dirs = {".git", "docs", "media"}

        def keep(ti):
            rel = ti.name.split("/", 1)[1] if "/" in ti.name else ""
            top = rel.split("/", 1)[0]
            if top in skip_dirs:
                return None
            if top == "models" and "/" in rel and rel != VOCAB:
                return None  # only the tokenizer the generated models use
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = ""
            return ti

        tmp_archive = ARCHIVE + ".tmp"
        with tarfile.open(tmp_archive, "w:gz", compresslevel=6) as tar:
            tar.add(src, arcname="llama.cpp", filter=keep)
            tar.add(args.peft, arcname="extra/peft_bench.py")
            data = json.dumps(manifest, indent=2).encode()
            ti = tarfile.TarInfo("extra/manifest.json")
            ti.size = len(data)
            tar.addfile(ti, fileobj=__import__("io").BytesIO(data))
        os.replace(tmp_archive, ARCHIVE)
    size = os.path.getsize(ARCHIVE)
    print(f"wrote {os.path.relpath(ARCHIVE, REPO)}: {size / 2**20:.1f} MiB (llama.cpp {commit[:7]}, {manifest['release'].get('tag')})")
    if size > 60 * 2**20:
        sys.exit("the archive is over 60 MiB: the device carries at most 64 MiB in all")


# ---------------------------------------------------------------- run (GPU machine, or --dry-run here)

def sha256_files(paths):
    h = hashlib.sha256()
    for p in paths:
        h.update(os.path.basename(p).encode())
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def source_tree(log, archive):
    """Extracts the archive and applies native/patches/*.patch (as they are in this checkout). Reused when neither changed."""
    patch_files = patches.list_patches(os.path.join(REPO, "native", "patches"))
    stamp = sha256_files([archive] + patch_files)
    root = os.path.join(WORK, "src")
    stamp_file = os.path.join(root, ".stamp")
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        log(f"source: reused {root} ({len(patch_files)} patches)")
        return root
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(root, filter="data")
        else:
            tar.extractall(root)
    tool = patches.apply_all(os.path.join(root, "llama.cpp"), patch_files, log=log)
    log(f"source: extracted, {len(patch_files)} patches applied with {tool}")
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return root


def find_nvcc():
    p = shutil.which("nvcc")
    if p:
        return p
    for cand in ("/usr/local/cuda/bin/nvcc", "/usr/local/cuda-13/bin/nvcc"):
        if os.path.exists(cand):
            return cand
    return None


def build(log, src, cuda, out_dir):
    bdir = os.path.join(WORK, "build-cuda" if cuda else "build-cpu")
    blog = os.path.join(WORK, "build.log")
    defs = [f"-DLLAMA_SRC={os.path.join(src, 'llama.cpp')}", "-DCMAKE_BUILD_TYPE=Release"]
    if cuda:
        # sm_90 only (H100/H200); the flash-attention kernels are never used in training (the trainer turns
        # flash attention off), and GGML_CUDA_FA=OFF reduces their many template instances to stubs
        defs += ["-DGGML_CUDA=ON", "-DCMAKE_CUDA_ARCHITECTURES=90", "-DGGML_CUDA_FA=OFF", "-DGGML_CUDA_NCCL=OFF", "-DGGML_CCACHE=OFF",
                 f"-DCMAKE_CUDA_COMPILER={find_nvcc()}"]
    gen = ["-G", "Ninja"] if shutil.which("ninja") and not os.path.exists(os.path.join(bdir, "Makefile")) else []
    jobs_n = str(os.cpu_count() or 2)
    with open(blog, "a") as f:
        for cmd in (["cmake", "-S", HERE, "-B", bdir] + gen + defs,
                    ["cmake", "--build", bdir, "--target", "autodidact-trainer", "gpu-check-quantize", "-j", jobs_n]):
            f.write("$ " + " ".join(cmd) + "\n")
            f.flush()
            r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                shutil.copy(blog, os.path.join(out_dir, "build.log"))
                tail = open(blog, errors="replace").read()[-3000:]
                raise RuntimeError(f"{cmd[0]} {cmd[1]} failed (exit {r.returncode}); the end of build.log:\n{tail}")
    shutil.copy(blog, os.path.join(out_dir, "build.log"))

    def find(name):
        for d, _, files in os.walk(bdir):
            if name in files:
                return os.path.join(d, name)
        raise RuntimeError(f"the build finished but {name} is not in {bdir}")

    return find("autodidact-trainer"), find("gpu-check-quantize")


def machine_info(dry):
    info = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    if shutil.which("nvidia-smi"):
        r = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip():
            info["gpu"] = r.stdout.strip().splitlines()[0]
    nvcc = find_nvcc()
    if nvcc:
        r = subprocess.run([nvcc, "--version"], capture_output=True, text=True)
        info["nvcc"] = (r.stdout.strip().splitlines() or ["?"])[-1]
    if dry:
        info.setdefault("gpu", "none (CPU dry run)")
    return info


def has_torch_cuda():
    r = subprocess.run([sys.executable, "-c", "import torch, peft, transformers; assert torch.cuda.is_available()"], capture_output=True)
    return r.returncode == 0


def run(args):
    dry = args.dry_run
    out_dir = os.path.abspath(args.out or os.environ.get("OUT") or os.path.join(WORK, "out"))
    os.makedirs(out_dir, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    log = Log(os.path.join(out_dir, "gpu-check.log"))
    budget = args.budget_s or (float("inf") if dry else 450.0)
    shape_name = args.shape or ("tiny" if dry else "qwen1.5b")
    args.throughput_epochs = args.throughput_epochs or (3 if dry else 10)
    shape = dict(SHAPES[shape_name], name=shape_name)
    n_ex, n_tok, epochs = 5, 300, 3
    examples = jobs.make_examples(n_ex, n_tok, vocab=shape["vocab"])
    check_examples = examples[: args.check_examples]
    results = {
        "check": "gpu-check",
        "mode": "cpu-dry-run" if dry else "gpu",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_info(dry),
        "shape": shape,
        "job": {"examples": n_ex, "tokensPerExample": n_tok, "answerTokensPerExample": n_tok // 3, "epochs": epochs,
                "targets": jobs.TARGETS, "throughputEpochs": args.throughput_epochs,
                "check": f"{len(check_examples)} example(s) x {n_tok} tokens, first step, same job on the device and on the CPU "
                         f"(CUDA_VISIBLE_DEVICES='', gpuLayers 0, the same F32 copy where the device trained one)"},
        "bases": {},
        "timings": {},
        "notes": [],
    }
    if dry:
        results["notes"].append("CPU dry run: every number here is from the CPU, NOT a GPU measurement; the device and "
                                "the reference run are both the CPU.")

    def save():
        report.write(results, os.path.join(out_dir, "gpu-check.json"), os.path.join(out_dir, "gpu-check.md"))

    def left():
        return budget - log.elapsed()

    def step(name, fn):
        t = time.monotonic()
        try:
            return fn()
        finally:
            results["timings"][name] = time.monotonic() - t
            save()

    log(f"gpu-check {'CPU DRY RUN' if dry else 'on the GPU'}: shape {shape_name}, budget {budget:.0f} s, results in {out_dir}")
    log(f"machine: {json.dumps(results['machine'])}")
    if not dry and ("gpu" not in results["machine"] or not find_nvcc()):
        results["notes"].append("no NVIDIA GPU or no nvcc here: nothing measured (use --dry-run on a machine without a GPU)")
        save()
        log(results["notes"][-1])
        return 2
    archive = os.path.abspath(args.archive)
    if not os.path.exists(archive):
        log(f"{archive} is missing: run `scripts/gpu-check.sh prepare` on the development machine and carry bench/gpu/carry")
        return 2
    try:
        src = step("source", lambda: source_tree(log, archive))
        extra = os.path.join(src, "extra")
        gguf_py = os.path.join(src, "llama.cpp", "gguf-py")
        vocab = os.path.join(src, "llama.cpp", VOCAB)
        models = os.path.join(WORK, "models")
        os.makedirs(models, exist_ok=True)
        key = "{name}-{dim}x{layers}-h{heads}-kv{kvHeads}-f{ffn}-v{vocab}".format(**shape)
        f32_path = os.path.join(models, f"{key}-F32.gguf")
        gen = None
        if not os.path.exists(f32_path):
            # written while the trainer builds (one core; the build has the others)
            gen = subprocess.Popen([sys.executable, os.path.join(HERE, "make_model.py"), gguf_py, vocab, f32_path + ".tmp",
                                    "{dim},{layers},{heads},{kvHeads},{ffn}".format(**shape), str(shape["vocab"])], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            log(f"model: generating {os.path.basename(f32_path)} in the background")
        log("build: configuring and building the trainer" + (" (CUDA, sm_90, GGML_CUDA_FA=OFF)" if not dry else " (CPU)"))
        trainer, quantize = step("build", lambda: build(log, src, not dry, out_dir))
        log(f"build: done in {results['timings']['build']:.0f} s -> {trainer}")
        if gen:
            def wait_gen():
                o, _ = gen.communicate()
                if gen.returncode != 0:
                    raise RuntimeError(f"model generation failed: {o[-2000:]}")
                os.replace(f32_path + ".tmp", f32_path)
                log(f"model: {o.strip()}")
            step("model (after the build)", wait_gen)

        cache_dir = os.path.join(WORK, "f32-copies")
        adapters = os.path.join(WORK, "adapters")
        os.makedirs(adapters, exist_ok=True)
        base_paths = {"F32": f32_path}
        for name, qtype in BASES:
            if qtype is None:
                continue
            base_paths[name] = os.path.join(models, f"{key}-{name}.gguf")

        def quantize_all():
            procs = []
            threads = str(max(1, (os.cpu_count() or 2) // 2))
            for name, qtype in BASES:
                p = base_paths[name]
                if qtype is None or os.path.exists(p):
                    continue
                procs.append((p, subprocess.Popen([quantize, f32_path, p + ".tmp", qtype, threads], stdout=subprocess.DEVNULL,
                                                  stderr=subprocess.PIPE, text=True)))
            for p, proc in procs:
                _, err = proc.communicate()
                if proc.returncode != 0:
                    raise RuntimeError(f"quantizing {os.path.basename(p)} failed: {err[-2000:]}")
                os.replace(p + ".tmp", p)
            log(f"quantize: {', '.join(os.path.basename(p) for p, _ in procs) or 'reused'}")

        want_backend = "cpu" if dry else "gpu"
        tt_si = lambda model, tag, ep=epochs, ex=examples, **kw: jobs.make_job(  # noqa: E731
            model, os.path.join(adapters, f"{tag}.gguf"), ex, epochs=ep, cache_dir=cache_dir, **kw)

        def on_device(res, what):
            if res["backend"] != want_backend:
                raise RuntimeError(f"{what} ran on {res['device']} ({res['backend']}), expected the {want_backend}: "
                                   "the trainer did not find the GPU (see gpu-check.log)")
            return res

        def device_runs(name):
            model = base_paths[name]
            b = results["bases"].setdefault(name, {"model": os.path.basename(model), "bytes": os.path.getsize(model)})
            b["cold"] = on_device(run_once(trainer, tt_si(model, f"{name}-cold"), log=log), f"{name} one-process job")
            log(f"{name}: one process: wall {b['cold']['wallS']:.2f} s, train {b['cold']['trainMs']:.0f} ms, "
                f"load {b['cold']['loadMs']:.0f} ms, first loss {b['cold']['firstLoss']:.5f}, copy {b['cold']['baseCopy']}")
            w = Worker(trainer, log=log)
            try:
                b["warmFirst"] = on_device(w.run(tt_si(model, f"{name}-w1")), f"{name} worker job 1")
                b["warm"] = w.run(tt_si(model, f"{name}-w2"))
                log(f"{name}: worker job 1 wall {b['warmFirst']['wallS']:.2f} s; warm job wall {b['warm']['wallS']:.2f} s "
                    f"(train {b['warm']['trainMs']:.0f} ms, reused {b['warm']['modelReused']})")
                b["throughput"] = w.run(tt_si(model, f"{name}-thr", ep=args.throughput_epochs))
                log(f"{name}: {args.throughput_epochs} epochs: {b['throughput']['tokensPerSec']:.0f} tok/s, "
                    f"steady {report._f(b['throughput']['steadyTokensPerSec'])} tok/s ({b['throughput']['windowTokens']}-token windows)")
                b["checkDevice"] = w.run(tt_si(model, f"{name}-check", ep=1, ex=check_examples))
            finally:
                w.close()

        def peft_anchor():
            """The PyTorch+PEFT anchor: the same shape, batch 1, at the trainer's window length."""
            f32 = results["bases"].get("F32", {})
            window = (f32.get("throughput") or {}).get("windowTokens") or 1536
            if dry and not has_torch_cuda():
                results["peft"] = {"skipped": "CPU dry run without PyTorch+PEFT+CUDA"}
                return
            if shape_name != "qwen1.5b":
                results["peft"] = {"skipped": f"peft_bench.py has the Qwen2.5-1.5B shape built in; this run used {shape_name}"}
                return
            if left() < 100:
                results["peft"] = {"skipped": f"{left():.0f} s of the budget left"}
                return

            def peft():
                log(f"PEFT: peft_bench.py {window} {args.peft_steps}")
                r = subprocess.run([sys.executable, os.path.join(extra, "peft_bench.py"), str(window), str(args.peft_steps)], capture_output=True,
                                   text=True, timeout=max(60, min(240, left() - 30)), env=dict(os.environ, PYTHONUNBUFFERED="1"))
                log((r.stdout + r.stderr).strip()[-1500:])
                results["peft"] = report.parse_peft(r.stdout) or {"skipped": f"peft_bench.py printed no result (exit {r.returncode})"}
            try:
                step("peft", peft)
            except subprocess.TimeoutExpired:
                results["peft"] = {"skipped": "peft_bench.py ran past its time limit"}

        cpu_env = dict(os.environ, CUDA_VISIBLE_DEVICES="")  # no CUDA device: ggml cannot offload a single op
        cpu_ref_s = []

        def cpu_reference(name):
            """The device's check job again, on the CPU only, against the same weights (the same F32 copy, if any)."""
            b = results["bases"].get(name)
            if not b or "checkDevice" not in b:
                return
            need = 1.5 * max(cpu_ref_s) + 10 if cpu_ref_s else 45
            if left() < need:
                results["notes"].append(f"skipped the CPU loss reference for {name}: {left():.0f} s of the budget left")
                return
            t = time.monotonic()
            job = tt_si(base_paths[name], f"{name}-cpu", ep=1, ex=check_examples, gpu_layers=0,
                        f32_copy=jobs.f32_copy_policy_like(b["checkDevice"]["started"]))
            res = step(f"cpu reference {name}", lambda: run_once(trainer, job, env=cpu_env, log=log))
            if res["backend"] != "cpu":
                raise RuntimeError(f"the CPU reference ran on {res['device']}")
            b["checkCpu"] = res
            cpu_ref_s.append(time.monotonic() - t)
            log(f"{name}: first-step loss device {b['checkDevice']['firstLoss']:.6f}, CPU {res['firstLoss']:.6f}, relative "
                f"difference {report.rel_diff(b['checkDevice']['firstLoss'], res['firstLoss']):.2e} ({cpu_ref_s[-1]:.0f} s)")

        # In order of what the targets need most, each step only when the budget still has room for it (the F32
        # device runs always: they carry the speed comparison). Timed steps run alone on the machine.
        step("device F32", lambda: device_runs("F32"))
        peft_anchor()
        cpu_reference("F32")
        if left() < 60:
            results["notes"].append(f"skipped quantizing and the quantized bases: {left():.0f} s of the budget left")
        else:
            step("quantize", quantize_all)
            for name in ("Q8_0", "Q4_K_M"):
                if left() < 30:
                    results["notes"].append(f"skipped the {name} device runs: {left():.0f} s of the budget left")
                    continue
                step(f"device {name}", lambda: device_runs(name))
            for name in ("Q8_0", "Q4_K_M"):
                cpu_reference(name)
            save()
        rc = 0
    except (RuntimeError, TrainerError, patches.PatchError, OSError) as e:
        results["error"] = str(e)
        log(f"FAILED: {e}")
        rc = 1
    shutil.rmtree(os.path.join(WORK, "adapters"), ignore_errors=True)  # trained adapters are not kept
    results["timings"]["total"] = log.elapsed()
    save()
    md = open(os.path.join(out_dir, "gpu-check.md")).read()
    print("\n" + md, flush=True)
    log(f"done in {log.elapsed():.0f} s: {out_dir}/gpu-check.json, gpu-check.md")
    return rc


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="pack the llama.cpp source for the GPU machine (run here)")
    p.add_argument("--peft", default=next((c for c in PEFT_CANDIDATES if os.path.exists(c)), PEFT_CANDIDATES[0]),
                   help="the PyTorch+PEFT anchor to pack (default: the shared bench folder)")
    r = sub.add_parser("run", help="build, train, compare, report")
    r.add_argument("--dry-run", "--cpu", action="store_true", help="CPU build, tiny shape: proves the pipeline without a GPU")
    r.add_argument("--out", help="results folder (default $OUT, else bench/gpu/work/out)")
    r.add_argument("--archive", default=ARCHIVE)
    r.add_argument("--shape", choices=sorted(SHAPES))
    r.add_argument("--budget-s", type=float, help="seconds from the start after which optional steps are skipped, and said so "
                   "(default 450 on the GPU machine: the whole check ends inside 8 minutes; none in a dry run)")
    r.add_argument("--check-examples", type=int, default=1, choices=range(1, 6), help="examples in the CPU/GPU loss check")
    r.add_argument("--throughput-epochs", type=int, help="epochs of the long warm job for tokens/s (default 10; 3 in a dry run)")
    r.add_argument("--peft-steps", type=int, default=10)
    a = ap.parse_args(argv)
    return prepare(a) if a.cmd == "prepare" else run(a)


if __name__ == "__main__":
    sys.exit(main())
