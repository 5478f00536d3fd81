#!/usr/bin/env python3
"""How long finding the .tf line of every cluster takes on large and hostile sources.

    python benchmarks/tf_locator.py [--sizes 109,156,468,2048]  (KiB per file)

For each size, three .tf files are generated and every cluster of a
matching plan is located (one SourceLocator, a fresh process state):

* ``clusters``: blocks of ordinary clusters, every one passing;
* ``none-line``: one cluster whose single line holds thousands of
  ``"NONE"`` strings (the worst case of a scanner that looks back along
  the line for each string);
* ``braces``: a top-level line of ``}{`` pairs and deep nesting.

The scan is linear: the time per KiB stays flat as files grow. A file
above the per-file cap (``MAX_FILE_BYTES``) is not read; the locator
then answers with the plan location, and so it does once the time
budget is spent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from ecs_exec_guard.terraform.locate import MAX_FILE_BYTES, TIME_BUDGET, SharedBudget, SourceLocator  # noqa: E402

CLUSTER = """\
resource "aws_ecs_cluster" "c{i}" {{
  name = "c{i}-${{var.env}}"
  tags = {{ team = "platform", "cost-center" = "x{i}" }}

  configuration {{
    execute_command_configuration {{
      kms_key_id = "alias/exec"
      logging    = "DEFAULT"
      log_configuration {{
        cloud_watch_log_group_name = "/ecs/exec/c{i}"
      }}
    }}
  }}
}}

"""


def clusters(size: int) -> tuple[str, list[str]]:
    parts, names, i = [], [], 0
    total = 0
    while total < size:
        block = CLUSTER.format(i=i)
        parts.append(block)
        names.append(f"aws_ecs_cluster.c{i}")
        total += len(block)
        i += 1
    return "".join(parts), names


def none_line(size: int) -> tuple[str, list[str]]:
    head = 'resource "aws_ecs_cluster" "x" {\n  tags = { '
    unit = 'k = "NONE", '
    body = unit * max((size - len(head)) // len(unit), 1)
    return head + body + "}\n}\n", ["aws_ecs_cluster.x", "aws_ecs_cluster.missing"]


def braces(size: int) -> tuple[str, list[str]]:
    head = 'resource "aws_ecs_cluster" "x" {\n}\n'
    line = "}{" * (size // 4)
    nest = "a {" * (size // 12) + "}" * (size // 12)
    return head + line + "\n" + nest + "\n", ["aws_ecs_cluster.x", "aws_ecs_cluster.missing"]


def run(kind, make, kib: int) -> tuple[float, int, str]:
    text, names = make(kib * 1024)
    with tempfile.TemporaryDirectory() as ws:
        with open(os.path.join(ws, "main.tf"), "w", encoding="utf-8") as fh:
            fh.write(text)
        payload = json.dumps({"resource_changes": [{"address": a} for a in names]}).encode()
        with open(os.path.join(ws, "plan.json"), "wb") as fh:
            fh.write(payload)
        start = time.perf_counter()
        locator = SourceLocator(ws, None, {}, "plan.json", payload, budget=SharedBudget())
        found = [locator.locate(a) for a in names]
        elapsed = time.perf_counter() - start
    kinds = sorted({f.kind for f in found if f is not None})
    return elapsed, len(names), "/".join(kinds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="109,156,468,2048", help="KiB per generated .tf file, comma-separated")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"per-file cap {MAX_FILE_BYTES // 1024} KiB, time budget {TIME_BUDGET:.1f} s\n")
    print("| case | .tf size | clusters looked up | time | ms per KiB | answered from |")
    print("|---|---:|---:|---:|---:|---|")
    for kib in sizes:
        for kind, make in (("clusters", clusters), ("none-line", none_line), ("braces", braces)):
            elapsed, n, where = run(kind, make, kib)
            print(f"| {kind} | {kib} KiB | {n} | {elapsed:.3f} s | {elapsed * 1000 / kib:.2f} | {where} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
