"""Applies native/patches/*.patch (git-style unified diffs) to an extracted llama.cpp tree.

`git apply` when git is on the PATH, else `patch -p1`, else a small applier here (a bare GPU machine may have
neither): exact context, hunks may sit at an offset from their stated line as with `patch`, no fuzz.
"""
import os
import re
import shutil
import subprocess

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class PatchError(RuntimeError):
    pass


def list_patches(patch_dir):
    """The patch files in apply order (the same rule as scripts/build-trainer.mjs: *.patch, sorted by name)."""
    return [os.path.join(patch_dir, f) for f in sorted(os.listdir(patch_dir)) if f.endswith(".patch")]


def parse(text):
    """[(old_path or None, new_path or None, [(old_start, old_lines, new_lines)])] from a unified diff."""
    files = []
    lines = text.split("\n")
    i = 0
    cur = None
    while i < len(lines):
        ln = lines[i]
        if ln.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            old = _path(ln[4:])
            new = _path(lines[i + 1][4:])
            cur = (old, new, [])
            files.append(cur)
            i += 2
            continue
        m = _HUNK.match(ln)
        if m and cur is not None:
            old_n = int(m.group(2)) if m.group(2) is not None else 1
            new_n = int(m.group(4)) if m.group(4) is not None else 1
            old_lines, new_lines = [], []
            i += 1
            while (len(old_lines) < old_n or len(new_lines) < new_n) and i < len(lines):
                body = lines[i]
                tag, rest = (body[:1], body[1:]) if body else (" ", "")
                if tag == " ":
                    old_lines.append(rest)
                    new_lines.append(rest)
                elif tag == "-":
                    old_lines.append(rest)
                elif tag == "+":
                    new_lines.append(rest)
                elif tag != "\\":  # "\ No newline at end of file"
                    raise PatchError(f"unexpected line in a hunk: {body[:80]!r}")
                i += 1
            cur[2].append((int(m.group(1)), old_lines, new_lines))
            continue
        i += 1
    return files


def _path(p):
    p = p.split("\t")[0].strip()
    if p == "/dev/null":
        return None
    return p.split("/", 1)[1] if "/" in p else p


def _find(haystack, needle, start):
    """Index where `needle` occurs in `haystack`, searching outward from `start`; -1 when nowhere."""
    if not needle:
        return max(0, min(start, len(haystack)))
    n = len(needle)
    for d in range(0, len(haystack) + 1):
        for pos in (start - d, start + d) if d else (start,):
            if 0 <= pos <= len(haystack) - n and haystack[pos:pos + n] == needle:
                return pos
    return -1


def apply_text(text, root):
    """Applies one patch's text under `root` (python applier). All files are checked before any is written."""
    out = {}
    for old, new, hunks in parse(text):
        target = new or old
        src = os.path.join(root, old) if old else None
        if src and not os.path.exists(src):
            raise PatchError(f"{old}: file not found")
        content = ""
        if src:
            with open(src, encoding="utf-8") as f:
                content = f.read()
        trailing_nl = content.endswith("\n")
        lines = content.split("\n") if content else []
        if trailing_nl:
            lines.pop()
        shift = 0
        for start, old_lines, new_lines in hunks:
            want = max(0, start - 1 + shift) if old_lines else start + shift
            pos = _find(lines, old_lines, want)
            if pos < 0:
                raise PatchError(f"{target}: a hunk at line {start} does not apply (the source differs from the patch's context)")
            lines[pos:pos + len(old_lines)] = new_lines
            shift += len(new_lines) - len(old_lines)
        out[target] = None if new is None else "\n".join(lines) + ("\n" if lines else "")
    for path, data in out.items():
        full = os.path.join(root, path)
        if data is None:
            os.remove(full)
            continue
        os.makedirs(os.path.dirname(full) or ".", exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(data)


def apply_all(root, patch_files, log=print, tool=None):
    """Applies each patch in order; returns the tool used. Raises PatchError naming the patch that failed."""
    tool = tool or ("git" if shutil.which("git") else "patch" if shutil.which("patch") else "python")
    for p in patch_files:
        name = os.path.basename(p)
        if tool == "git":
            # the tree may sit inside another git checkout (the repo's work folder): git would then take the
            # patch's paths as relative to that checkout and skip them silently, so stop its search at `root`
            env = dict(os.environ, GIT_CEILING_DIRECTORIES=os.path.dirname(os.path.abspath(root)))
            r = subprocess.run(["git", "apply", "--whitespace=nowarn", os.path.abspath(p)], cwd=root, capture_output=True, text=True, env=env)
            err = r.stderr
        elif tool == "patch":
            r = subprocess.run(["patch", "-p1", "--forward", "--silent", "-i", os.path.abspath(p)], cwd=root, capture_output=True, text=True)
            err = r.stdout + r.stderr
        else:
            try:
                with open(p, encoding="utf-8") as f:
                    apply_text(f.read(), root)
                err, r = "", None
            except PatchError as e:
                raise PatchError(f"patch {name} does not apply: {e}") from None
        if r is not None and r.returncode != 0:
            raise PatchError(f"patch {name} does not apply ({tool}): {err.strip()[-800:]}")
        log(f"applied {name} ({tool})")
    return tool
