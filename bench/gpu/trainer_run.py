"""Runs the trainer the two ways the app does: one process per job, and a warm worker (--serve) fed job lines.

Each result keeps the trainer's own events (started, progress, done) plus what only the caller sees: the wall
time from handing the job over to the 'done' event, and when each progress event arrived (for a steady-state
rate that leaves the first step's graph setup out).
"""
import json
import os
import subprocess
import tempfile
import time


class TrainerError(RuntimeError):
    pass


class _Collector:
    def __init__(self, t0):
        self.t0 = t0
        self.started = None
        self.done = None
        self.progress = []  # (seconds since the job was handed over, event)

    def feed(self, line):
        line = line.strip()
        if not line:
            return False
        try:
            ev = json.loads(line)
        except ValueError:
            return False  # not a protocol line
        kind = ev.get("type")
        if kind == "started":
            self.started = ev
        elif kind == "progress":
            self.progress.append((time.monotonic() - self.t0, ev))
        elif kind == "done":
            self.done = ev
            return True
        elif kind == "error":
            raise TrainerError(f"trainer error ({ev.get('kind')}): {ev.get('message')}")
        return False

    def result(self, wall_s):
        if not self.done or not self.started:
            raise TrainerError("the trainer ended without a 'done' event")
        return summarize(self.started, self.done, self.progress, wall_s)


def summarize(started, done, progress, wall_s):
    """The numbers the check reports for one job."""
    window = started["windowTokens"]
    steps = [p for _, p in progress]
    times = [t for t, _ in progress]
    steady = None
    if len(times) >= 3:
        # steps 2..n: the first step also builds and allocates the training graph
        steady = window * (len(times) - 1) / max(1e-9, times[-1] - times[0])
    timings = done.get("timings", {})
    return {
        "device": started.get("device"),
        "backend": started.get("backend"),
        "modelReused": started.get("modelReused"),
        "baseCopy": started.get("baseCopy"),
        "windows": started.get("windows"),
        "windowTokens": window,
        "realTokens": started.get("tokens"),
        "steps": started.get("steps"),
        "firstLoss": steps[0]["loss"] if steps else None,
        "finalLoss": done.get("finalLoss"),
        "tokensPerSec": done.get("tokensPerSec"),
        "steadyTokensPerSec": steady,
        "loadMs": timings.get("loadMs"),
        "trainMs": timings.get("trainMs"),
        "saveMs": timings.get("saveMs"),
        "wallS": wall_s,
        "started": started,
    }


def _meaningful(stderr):
    """The trainer's stderr without llama.cpp's loading dots."""
    return "\n".join(l for l in stderr.splitlines() if l.strip(" .")).strip()


def run_once(trainer, job, env=None, timeout=None, log=None):
    """One process, one job (the job file is written beside the adapter). Wall time includes process start."""
    fd, path = tempfile.mkstemp(suffix=".json", prefix="job-", dir=os.path.dirname(job["out"]) or None)
    with os.fdopen(fd, "w") as f:
        json.dump(job, f)
    try:
        t0 = time.monotonic()
        proc = subprocess.Popen([trainer, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        col = _Collector(t0)
        try:
            for line in proc.stdout:
                col.feed(line)
        except TrainerError:
            proc.kill()
            raise
        finally:
            err = proc.stderr.read()
            proc.wait(timeout=timeout)
            if log and _meaningful(err):
                log(_meaningful(err)[-4000:])
        wall = time.monotonic() - t0
        if proc.returncode != 0:
            raise TrainerError(f"the trainer exited with {proc.returncode}: {err.strip()[-1500:]}")
        return col.result(wall)
    finally:
        os.unlink(path)


class Worker:
    """autodidact-trainer --serve: one job JSON per line on stdin, events on stdout."""

    def __init__(self, trainer, env=None, log=None):
        self.log = log
        self._err = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([trainer, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err,
                                     text=True, env=env, bufsize=1)

    def run(self, job):
        t0 = time.monotonic()
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        col = _Collector(t0)
        for line in self.proc.stdout:
            if col.feed(line):
                return col.result(time.monotonic() - t0)
        self.proc.wait()
        raise TrainerError(f"the worker exited with {self.proc.returncode} before finishing the job: {self.stderr()[-1500:]}")

    def stderr(self):
        self._err.seek(0)
        return self._err.read()

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = _meaningful(self.stderr())
        if self.log and err:
            self.log(err[-4000:])
        self._err.close()
