#!/usr/bin/env python3
"""Run a policy catalog's chainsaw tests for ``kyverno apply --json`` with our CLI.

Usage: python tools/catalog_check.py CATALOG_DIR [--cli PATH] [-v] [--only SUBSTRING]

Every ``chainsaw-test.yaml`` under CATALOG_DIR is read; each test's script
line ``kyverno apply POLICY --json PAYLOAD`` is run as ``CLI apply POLICY
--json PAYLOAD`` in the test's folder, and the line its check expects
(``pass: P, fail: F, warn: W, error: E, skip: S``) must appear on
standard output. Results are counted by the expected outcome (a case
expecting ``fail: 1`` is a "fail" case). Misses are printed with the
line we printed and our standard error. Exit status 0 only if every case
matched.

The catalog itself is not part of this repository: point the script at a
checkout of it.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter

import yaml

_CHECK = re.compile(r"contains\(\$stdout,\s*'([^']*)'\)")
_COUNTS = re.compile(r"pass: (\d+), fail: (\d+), warn: (\d+), error: (\d+), skip: (\d+)")


def _cases(root: str):
    for dirpath, dirs, files in os.walk(root):
        dirs.sort()
        if "chainsaw-test.yaml" not in files:
            continue
        path = os.path.join(dirpath, "chainsaw-test.yaml")
        with open(path, encoding="utf-8") as fh:
            docs = [d for d in yaml.safe_load_all(fh) if d]
        for doc in docs:
            name = (doc.get("metadata") or {}).get("name", "?")
            for step in (doc.get("spec") or {}).get("steps") or []:
                for op in step.get("try") or []:
                    script = op.get("script")
                    if not script:
                        continue
                    command = next(
                        (ln.strip() for ln in script.get("content", "").splitlines() if ln.strip().startswith("kyverno apply")),
                        None,
                    )
                    if command is None:
                        continue
                    expected = None
                    for key, want in (script.get("check") or {}).items():
                        m = _CHECK.search(str(key))
                        if m and want is True:
                            expected = m.group(1)
                    if expected is not None:
                        yield path, name, dirpath, command, expected


def _kind(expected: str) -> str:
    m = _COUNTS.search(expected)
    if not m:
        return "other"
    p, f, w, e, s = (int(x) for x in m.groups())
    if f:
        return "fail"
    if e:
        return "error"
    if s:
        return "skip"
    if p:
        return "pass"
    return "other"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("catalog")
    ap.add_argument("--cli", default=shutil.which("ecs-exec-guard") or "ecs-exec-guard")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case")
    ap.add_argument("--only", help="run only cases whose folder contains this text")
    args = ap.parse_args()

    total: Counter = Counter()
    ok: Counter = Counter()
    misses = []
    for _path, name, cwd, command, expected in _cases(args.catalog):
        if args.only and args.only not in cwd:
            continue
        argv = shlex.split(command)
        argv = [args.cli] + argv[1:]
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
        kind = _kind(expected)
        total[kind] += 1
        got = _COUNTS.search(proc.stdout)
        if expected in proc.stdout:
            ok[kind] += 1
            if args.verbose:
                print(f"ok    {os.path.relpath(cwd, args.catalog)} {name}")
        else:
            misses.append((os.path.relpath(cwd, args.catalog), name, command, expected, got.group(0) if got else "-", proc.stderr.strip()))
    for rel, name, command, expected, got, err in misses:
        print(f"MISS  {rel} {name}: {command}")
        print(f"      expected: {expected}")
        print(f"      got:      {got}")
        if err:
            for line in err.splitlines()[:3]:
                print(f"      stderr:   {line[:300]}")
    kinds = [k for k in ("pass", "fail", "skip", "error", "other") if total[k]]
    print(" ".join(f"{k}: {ok[k]}/{total[k]}" for k in kinds))
    print(f"catalog: {sum(ok.values())}/{sum(total.values())} cases matched")
    return 0 if not misses else 1


if __name__ == "__main__":
    sys.exit(main())
