"""The GPU check's verdicts and its markdown table, from the results dict gpu_check.py builds (and writes as JSON)."""
import json
import math
import re

SPEEDUP_TARGET = 2.0     # trainer tokens/s over PEFT bf16 tokens/s, batch 1, same shape and sequence length
WARM_WALL_TARGET_S = 2.0  # the TT-SI-sized job through a warm worker, wall
LOSS_REL_TOL = 1e-3      # first-step loss, GPU vs CPU

_PEFT_LINE = re.compile(r"PEFT torch\.(\w+) seq (\d+): (\d+) tok/s \(([\d.]+) ms/step\), peak mem ([\d.]+) GiB")


def parse_peft(output):
    """{'float32': {...}, 'bfloat16': {...}} from peft_bench.py's printed lines."""
    res = {}
    for m in _PEFT_LINE.finditer(output):
        res[m.group(1)] = {"seq": int(m.group(2)), "tokensPerSec": float(m.group(3)), "msPerStep": float(m.group(4)), "peakGiB": float(m.group(5))}
    return res


def rel_diff(a, b):
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
        return None
    return abs(a - b) / max(abs(b), 1e-30)


def trainer_rate(base):
    """The trainer's throughput for the speed comparison: steady-state (steps 2..n of the long warm job) when
    measured, else the long job's own tokens/s."""
    t = base.get("throughput") or {}
    return t.get("steadyTokensPerSec") or t.get("tokensPerSec")


def evaluate(results):
    """One verdict per target and base: {target, base, value, limit, pass}; pass is None when not measured."""
    peft_bf16 = ((results.get("peft") or {}).get("bfloat16") or {}).get("tokensPerSec")
    out = []
    for name, base in (results.get("bases") or {}).items():
        rate = trainer_rate(base)
        ratio = rate / peft_bf16 if rate and peft_bf16 else None
        out.append({"target": "trainer tok/s >= 2x PEFT bf16", "base": name, "value": ratio, "limit": SPEEDUP_TARGET,
                    "pass": None if ratio is None else ratio >= SPEEDUP_TARGET})
        warm = (base.get("warm") or {}).get("wallS")
        out.append({"target": "TT-SI job wall, warm worker < 2 s", "base": name, "value": warm, "limit": WARM_WALL_TARGET_S,
                    "pass": None if warm is None else warm < WARM_WALL_TARGET_S})
        d = rel_diff((base.get("checkDevice") or {}).get("firstLoss"), (base.get("checkCpu") or {}).get("firstLoss"))
        out.append({"target": "first-step loss, device vs CPU, relative <= 1e-3", "base": name, "value": d, "limit": LOSS_REL_TOL,
                    "pass": None if d is None else d <= LOSS_REL_TOL})
    return out


def _f(v, fmt="{:.0f}", none="-"):
    return none if v is None else fmt.format(v)


def markdown(results):
    dry = results.get("mode") != "gpu"
    lines = []
    title = "CPU dry run (NOT a GPU measurement)" if dry else f"GPU check on {results.get('machine', {}).get('gpu', '?')}"
    lines.append(f"### {title}, {results.get('date', '?')}")
    shape = results.get("shape", {})
    job = results.get("job", {})
    lines.append("")
    lines.append(f"Shape {shape.get('name')}: {shape.get('layers')} layers x {shape.get('dim')}, FFN {shape.get('ffn')}, "
                 f"{shape.get('heads')}/{shape.get('kvHeads')} heads, vocab {shape.get('vocab')}. Job: {job.get('examples')} examples x "
                 f"{job.get('tokensPerExample')} tokens x {job.get('epochs')} epochs, LoRA r=8 on {', '.join(job.get('targets', []))}, batch 1. "
                 f"Loss check: {job.get('check', '?')}.")
    peft = results.get("peft") or {}
    if peft.get("skipped"):
        lines.append(f"PEFT: skipped ({peft['skipped']}).")
    lines.append("")
    lines.append("| base | device | trainer tok/s (steady) | PEFT bf16 tok/s | ratio | PEFT fp32 tok/s | TT-SI cold, 1 process | "
                 "worker job 1 | worker warm job | F32 copy | first-step loss device / CPU | rel. diff |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    bf16 = (peft.get("bfloat16") or {}).get("tokensPerSec")
    fp32 = (peft.get("float32") or {}).get("tokensPerSec")
    for name, b in (results.get("bases") or {}).items():
        rate = trainer_rate(b)
        cold = b.get("cold") or {}
        copy = cold.get("baseCopy")
        dev = b.get("checkDevice") or {}
        cpu = b.get("checkCpu") or {}
        lines.append("| " + " | ".join([
            name,
            str(cold.get("device") or (b.get("warm") or {}).get("device") or "-"),
            _f(rate),
            _f(bf16),
            _f(rate / bf16 if rate and bf16 else None, "{:.2f}x"),
            _f(fp32),
            _f(cold.get("wallS"), "{:.2f} s") + (f" (train {_f(cold.get('trainMs'), '{:.0f}')} ms)" if cold else ""),
            _f((b.get("warmFirst") or {}).get("wallS"), "{:.2f} s"),
            _f((b.get("warm") or {}).get("wallS"), "{:.2f} s") + (f" (train {_f(b['warm'].get('trainMs'), '{:.0f}')} ms)" if b.get("warm") else ""),
            (_f(copy.get("ms"), "{:.0f} ms") + (" reused" if copy.get("reused") else " written")) if copy else "none",
            f"{_f(dev.get('firstLoss'), '{:.5f}')} / {_f(cpu.get('firstLoss'), '{:.5f}')}",
            _f(rel_diff(dev.get("firstLoss"), cpu.get("firstLoss")), "{:.1e}"),
        ]) + " |")
    verdicts = results.get("verdicts") or evaluate(results)
    lines.append("")
    lines.append("| target | base | value | limit | result |")
    lines.append("| --- | --- | --- | --- | --- |")
    for v in verdicts:
        res = "not measured" if v["pass"] is None else ("pass" if v["pass"] else "FAIL")
        if dry and v["pass"] is not None and not v["target"].startswith("first-step loss"):
            res += " (CPU dry run: not the target's machine)"
        lines.append(f"| {v['target']} | {v['base']} | {_f(v['value'], '{:.3g}')} | {v['limit']} | {res} |")
    if results.get("notes"):
        lines.append("")
    for n in results.get("notes") or []:
        lines.append(f"- {n}")
    timings = results.get("timings") or {}
    if timings:
        lines.append("")
        lines.append("Step times: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + ".")
    return "\n".join(lines) + "\n"


def write(results, json_path, md_path):
    results["verdicts"] = evaluate(results)
    with open(json_path, "w") as f:
        json.dump(results, f, indent=2, default=str)
    with open(md_path, "w") as f:
        f.write(markdown(results))
