"""Checks of the GPU check's pieces that need no GPU, no numpy and no llama.cpp source (run by
tests/integration/gpu-check.test.ts): the job generator against the real trainer's parser, the patch applier
against git, the PEFT output parser, the verdicts and the markdown table."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import jobs  # noqa: E402
import patches  # noqa: E402
import report  # noqa: E402
from trainer_run import summarize  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
# the trainer the app uses (src/core/trainer/client.ts): AUTODIDACT_TRAINER, else the build in native/build/bin
TRAINER = os.environ.get("AUTODIDACT_TRAINER") or os.path.join(REPO, "native", "build", "bin", "autodidact-trainer")


def _read(path):
    with open(path) as f:
        return f.read()


class JobsTest(unittest.TestCase):
    def test_tt_si_examples(self):
        ex = jobs.make_examples()
        self.assertEqual(len(ex), 5)
        for e in ex:
            self.assertEqual(len(e["tokens"]), 300)
            self.assertEqual(e["tokens"][0], 1)
            self.assertTrue(all(0 <= t < 32000 for t in e["tokens"]))
            self.assertEqual(e["mask"], [0] * 200 + [1] * 100)
        self.assertNotEqual(ex[0]["tokens"], ex[1]["tokens"])
        self.assertEqual(ex, jobs.make_examples())  # deterministic: the device and CPU runs see the same data
        self.assertEqual(jobs.real_tokens(ex), 1500)

    def test_small_vocab_is_refused(self):
        with self.assertRaises(ValueError):
            jobs.make_examples(vocab=100)

    def test_reference_trains_the_same_weights(self):
        self.assertEqual(jobs.f32_copy_policy_like({"baseCopy": {"path": "x", "reused": False, "ms": 5}}), "always")
        self.assertEqual(jobs.f32_copy_policy_like({"baseCopy": None}), "never")

    def _trainer(self, job):
        self.assertTrue(os.path.exists(TRAINER), f"{TRAINER} is missing: npm run build:trainer")
        r = subprocess.run([TRAINER, "-"], input=json.dumps(job), capture_output=True, text=True, timeout=60)
        events = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
        self.assertTrue(events, r.stderr)
        return events[-1]

    def test_the_trainer_accepts_the_job_format(self):
        job = jobs.make_job("/nonexistent/model.gguf", "/tmp/out.gguf", jobs.make_examples(), epochs=3, cache_dir="/tmp/c",
                            gpu_layers=0, threads=2, f32_copy="always")
        ev = self._trainer(job)
        # parsed and validated; refused only for the missing model file (checked after parsing)
        self.assertEqual(ev["type"], "error")
        self.assertIn("base model file was not found", ev["message"])
        bad = dict(job, optim=dict(job["optim"], schedule="sawtooth"))
        self.assertIn("optim.schedule", self._trainer(bad)["message"])  # the same route rejects a bad field


class PatchTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def _tree(self, name, files):
        root = os.path.join(self.tmp, name)
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "w") as f:
                f.write(text)
        return root

    def test_python_applier_matches_git(self):
        lines = [f"line {i}" for i in range(60)]
        before = {"src/a.cpp": "\n".join(lines) + "\n", "gone.txt": "bye\n"}
        changed = list(lines)
        changed[5] = "line 5 changed"
        changed.insert(40, "inserted")
        del changed[50]
        after = {"src/a.cpp": "\n".join(changed) + "\n", "src/new.h": "#pragma once\n"}
        a = self._tree("a", before)
        b = self._tree("b", after)
        diff = subprocess.run(["git", "diff", "--no-index", "--no-prefix", "a", "b"],
                              cwd=self.tmp, capture_output=True, text=True).stdout
        self.assertIn("@@", diff)
        p = os.path.join(self.tmp, "x.patch")
        with open(p, "w") as f:
            f.write(diff)
        # the patch was made against a file that has since grown 3 lines at the top: hunks apply at an offset
        target = self._tree("t", {"src/a.cpp": "top 1\ntop 2\ntop 3\n" + before["src/a.cpp"], "gone.txt": "bye\n"})
        via_git = self._tree("g", {"src/a.cpp": "top 1\ntop 2\ntop 3\n" + before["src/a.cpp"], "gone.txt": "bye\n"})
        patches.apply_all(target, [p], log=lambda m: None, tool="python")
        patches.apply_all(via_git, [p], log=lambda m: None, tool="git")
        for rel in ("src/a.cpp", "src/new.h"):
            self.assertEqual(_read(os.path.join(target, rel)), _read(os.path.join(via_git, rel)))
        self.assertFalse(os.path.exists(os.path.join(target, "gone.txt")))
        self.assertIn("line 5 changed", _read(os.path.join(target, "src/a.cpp")))

    def test_a_patch_that_does_not_fit_names_itself(self):
        root = self._tree("r", {"f.txt": "one\ntwo\nthree\n"})
        p = os.path.join(self.tmp, "0009-x.patch")
        with open(p, "w") as f:
            f.write("diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n@@ -1,3 +1,3 @@\n one\n-TWO\n+2\n three\n")
        for tool in ("python", "git"):
            with self.assertRaisesRegex(patches.PatchError, "0009-x.patch"):
                patches.apply_all(root, [p], log=lambda m: None, tool=tool)
        self.assertEqual(_read(os.path.join(root, "f.txt")), "one\ntwo\nthree\n")  # untouched

    def test_the_repo_patches_parse(self):
        files = patches.list_patches(os.path.join(REPO, "native", "patches"))
        self.assertTrue(files)
        self.assertEqual(files, sorted(files))
        for f in files:
            with open(f) as fh:
                parsed = patches.parse(fh.read())
            self.assertTrue(parsed and all(h for _, _, h in parsed), f)


PEFT_OUT = """PEFT torch.float32 seq 1536: 2869 tok/s (535.4 ms/step), peak mem 21.3 GiB
PEFT torch.bfloat16 seq 1536: 3091 tok/s (496.9 ms/step), peak mem 11.0 GiB
"""


def _base(rate, warm_wall, dev_loss, cpu_loss):
    return {"throughput": {"steadyTokensPerSec": rate, "tokensPerSec": rate * 0.9, "windowTokens": 1536},
            "cold": {"wallS": 5.0, "trainMs": 900, "device": "CUDA0 (NVIDIA H200)", "baseCopy": None},
            "warmFirst": {"wallS": 4.0}, "warm": {"wallS": warm_wall, "trainMs": 800},
            "checkDevice": {"firstLoss": dev_loss}, "checkCpu": {"firstLoss": cpu_loss}}


class ReportTest(unittest.TestCase):
    def test_parse_peft(self):
        p = report.parse_peft(PEFT_OUT)
        self.assertEqual(p["bfloat16"]["tokensPerSec"], 3091)
        self.assertEqual(p["float32"]["seq"], 1536)
        self.assertEqual(report.parse_peft("Traceback ..."), {})

    def test_verdicts(self):
        res = {"mode": "gpu", "peft": report.parse_peft(PEFT_OUT),
               "bases": {"F32": _base(7000, 1.2, 12.3456, 12.3450), "Q8_0": _base(5000, 2.5, 12.0, 12.5)}}
        v = {(x["base"], x["target"].split()[0]): x for x in report.evaluate(res)}
        self.assertTrue(v[("F32", "trainer")]["pass"])
        self.assertAlmostEqual(v[("F32", "trainer")]["value"], 7000 / 3091)
        self.assertFalse(v[("Q8_0", "trainer")]["pass"])
        self.assertTrue(v[("F32", "TT-SI")]["pass"])
        self.assertFalse(v[("Q8_0", "TT-SI")]["pass"])
        self.assertTrue(v[("F32", "first-step")]["pass"])
        self.assertFalse(v[("Q8_0", "first-step")]["pass"])

    def test_unmeasured_is_not_a_pass(self):
        res = {"mode": "cpu-dry-run", "peft": {"skipped": "no torch"}, "bases": {"F32": _base(100, 3.0, 1.0, 1.0)}}
        speed = [x for x in report.evaluate(res) if x["target"].startswith("trainer")][0]
        self.assertIsNone(speed["pass"])
        md = report.markdown(res)
        self.assertIn("CPU dry run (NOT a GPU measurement)", md)
        self.assertIn("not measured", md)
        self.assertIn("PEFT: skipped (no torch)", md)

    def test_markdown_and_json(self):
        res = {"mode": "gpu", "date": "2026-12-01T00:00:00+00:00", "machine": {"gpu": "NVIDIA H200"}, "peft": report.parse_peft(PEFT_OUT),
               "shape": {"name": "qwen1.5b"}, "job": {"targets": jobs.TARGETS}, "bases": {"F32": _base(7000, 1.2, 12.3456, 12.3450)},
               "timings": {"build": 150.0}}
        d = tempfile.mkdtemp()
        try:
            report.write(res, os.path.join(d, "r.json"), os.path.join(d, "r.md"))
            back = json.loads(_read(os.path.join(d, "r.json")))
            self.assertEqual(len(back["verdicts"]), 3)
            md = _read(os.path.join(d, "r.md"))
        finally:
            shutil.rmtree(d)
        self.assertIn("GPU check on NVIDIA H200", md)
        row = [l for l in md.splitlines() if l.startswith("| F32 |")][0]
        self.assertIn("| 7000 | 3091 | 2.26x | 2869 |", row)
        self.assertIn("12.34560 / 12.34500", row)
        self.assertIn("4.9e-05", row)
        self.assertNotIn("CPU dry run", md)


class SummaryTest(unittest.TestCase):
    def test_steady_rate_leaves_the_first_step_out(self):
        started = {"windowTokens": 1000, "device": "CPU", "backend": "cpu", "tokens": 900, "steps": 4}
        done = {"finalLoss": 9.0, "tokensPerSec": 2000.0, "timings": {"loadMs": 10, "trainMs": 2000, "saveMs": 1}}
        # step 1 took long (graph setup), then one step per 0.25 s
        prog = [(1.0, {"loss": 10.5}), (1.25, {"loss": 10.0}), (1.5, {"loss": 9.5}), (1.75, {"loss": 9.0})]
        s = summarize(started, done, prog, 2.0)
        self.assertAlmostEqual(s["steadyTokensPerSec"], 4000.0)
        self.assertEqual(s["firstLoss"], 10.5)
        self.assertIsNone(summarize(started, done, prog[:2], 2.0)["steadyTokensPerSec"])


if __name__ == "__main__":
    unittest.main()
