"""Training jobs for the GPU check, in the trainer's job JSON format (native/src/job.cpp, src/core/trainer/protocol.ts).

The TT-SI-sized job is the one `npm run bench:train` uses: 5 examples x 300 tokens, the last third of each
example is the answer (the loss mask), 3 epochs, LoRA r=8 / alpha 16 on attn_q, attn_output, ffn_gate, ffn_up,
ffn_down, AdamW with a cosine schedule. Standard library only: this runs on a bare machine.
"""

TARGETS = ["attn_q", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]


def make_examples(n_examples=5, n_tokens=300, vocab=32000):
    """Deterministic pseudo-text examples: BOS, then token ids cycling through [200, 20200); answer = last third."""
    if n_examples < 1 or n_tokens < 2:
        raise ValueError("need at least one example of at least 2 tokens")
    span = min(20000, vocab - 200)
    if span < 1:
        raise ValueError(f"vocabulary of {vocab} tokens is too small for the generated examples")
    answer_from = n_tokens - n_tokens // 3
    examples = []
    for e in range(n_examples):
        tokens = [1] + [200 + ((i * 37 + e * 101) % span) for i in range(n_tokens - 1)]
        mask = [1 if i >= answer_from else 0 for i in range(n_tokens)]
        examples.append({"tokens": tokens, "mask": mask})
    return examples


def make_job(model, out, examples, epochs=3, gpu_layers=-1, threads=0, cache_dir=None, f32_copy="auto", lr=1e-4):
    """One trainer job (a dict to dump as JSON)."""
    job = {
        "model": model,
        "out": out,
        "examples": examples,
        "lora": {"rank": 8, "alpha": 16, "targets": list(TARGETS), "seed": 42},
        "optim": {"lr": lr, "epochs": epochs, "schedule": "cosine", "warmup": 0.03},
        "gpuLayers": gpu_layers,
        "maxContext": 4096,
        "f32Copy": f32_copy,
    }
    if threads:
        job["threads"] = threads
    if cache_dir:
        job["cacheDir"] = cache_dir
    return job


def real_tokens(examples):
    return sum(len(e["tokens"]) for e in examples)


def f32_copy_policy_like(started):
    """The f32Copy policy that makes a reference run train the same weights as the run whose started event this is:
    'always' when that run trained an F32 copy of the base (the copy is then reused from the cache), else 'never'."""
    return "always" if started.get("baseCopy") else "never"
