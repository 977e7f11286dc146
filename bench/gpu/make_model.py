"""Writes a llama-architecture GGUF with given layer shapes and random F32 weights, for the GPU check.

Usage: make_model.py GGUF_PY_DIR VOCAB_GGUF OUT.gguf dim,layers,heads,kv_heads,ffn [n_vocab]
  Qwen2.5-1.5B layer shapes: 1536,28,12,2,8960 (untied output, no attention bias: the llama graph).
The tokenizer (32,000-token SentencePiece vocabulary) is copied from VOCAB_GGUF (llama.cpp's
models/ggml-vocab-llama-spm.gguf); n_vocab keeps only its first n tokens (the control and byte tokens come
first), which makes the output layer of a tiny CPU model cheap. Block weights are N(0, 0.02); the output projection is N(0, 0.05), so the
logits spread over a few units and the first-step loss depends on the whole forward pass (a near-uniform
output would make a CPU/GPU loss comparison pass whatever the layers computed).
"""
import sys
import time

import numpy as np


def tokenizer_fields(gguf, vocab_path):
    r = gguf.GGUFReader(vocab_path)

    def column(key, conv):
        f = r.fields[key]
        return [conv(f.parts[i]) for i in f.data]

    tokens = column("tokenizer.ggml.tokens", bytes)
    scores = column("tokenizer.ggml.scores", lambda p: float(p[0]))
    types = column("tokenizer.ggml.token_type", lambda p: int(p[0]))
    return tokens, scores, types


def write_model(gguf, vocab_path, out_path, dim, n_layer, n_head, n_kv, ffn, n_vocab=None, seed=0, out_scale=0.05):
    if dim % n_head or n_head % n_kv:
        raise ValueError(f"dim {dim} must be a multiple of heads {n_head}, and heads of kv heads {n_kv}")
    head_dim = dim // n_head
    kv_dim = n_kv * head_dim
    tokens, scores, types = tokenizer_fields(gguf, vocab_path)
    if n_vocab:
        if not 259 <= n_vocab <= len(tokens):
            raise ValueError(f"n_vocab must be between 259 (control + byte tokens) and {len(tokens)}")
        tokens, scores, types = tokens[:n_vocab], scores[:n_vocab], types[:n_vocab]
    n_vocab = len(tokens)
    rng = np.random.default_rng(seed)

    def rand(*shape, std=0.02):
        a = rng.standard_normal(shape, dtype=np.float32)
        a *= np.float32(std)
        return a

    w = gguf.GGUFWriter(out_path, "llama")
    w.add_name(f"gpu-check llama {n_layer}x{dim}")
    w.add_context_length(4096)
    w.add_embedding_length(dim)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(ffn)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_rope_dimension_count(head_dim)
    w.add_rope_freq_base(1e6)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_file_type(0)  # all F32
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)

    ones = np.ones(dim, dtype=np.float32)
    w.add_tensor("token_embd.weight", rand(n_vocab, dim))
    w.add_tensor("output_norm.weight", ones)
    w.add_tensor("output.weight", rand(n_vocab, dim, std=out_scale))
    # numpy shape (rows, cols) = ggml ne (cols, rows): a weight maps cols inputs to rows outputs
    block = {
        "attn_q": (dim, dim),
        "attn_k": (kv_dim, dim),
        "attn_v": (kv_dim, dim),
        "attn_output": (dim, dim),
        "ffn_gate": (ffn, dim),
        "ffn_up": (ffn, dim),
        "ffn_down": (dim, ffn),
    }
    for i in range(n_layer):
        w.add_tensor(f"blk.{i}.attn_norm.weight", ones)
        w.add_tensor(f"blk.{i}.ffn_norm.weight", ones)
        for name, shape in block.items():
            w.add_tensor(f"blk.{i}.{name}.weight", rand(*shape))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return n_vocab


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    sys.path.insert(0, argv[1])
    import gguf

    dim, n_layer, n_head, n_kv, ffn = (int(x) for x in argv[4].split(","))
    t0 = time.time()
    n_vocab = write_model(gguf, argv[2], argv[3], dim, n_layer, n_head, n_kv, ffn, int(argv[5]) if len(argv) > 5 else None)
    print(f"wrote {argv[3]} ({n_layer} x {dim}, FFN {ffn}, {n_vocab} vocab) in {time.time() - t0:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv)
