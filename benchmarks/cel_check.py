"""Benchmark of the CEL version of the ECS check on a large Terraform plan.

Measures, as fresh processes and alternating the commands within each round:

  json.load   python -c "import json,sys; json.load(open(sys.argv[1]))" plan.json
              (the project's interpreter: the floor for a Python tool that
              reads the whole plan)
  apply       ecs-exec-guard apply policies/cel/check-ecs-exec-logging.yaml --json plan.json
  scan        ecs-exec-guard scan --policy policies/cel/check-ecs-exec-logging.yaml --payload plan.json

and checks every run's verdict: the plan has exactly F failing clusters, so
each command must fail (exit 1) and name all F of them. Medians over --runs
rounds are printed as a Markdown table with the ratio to json.load (target:
at most 1.5 for apply).

    python benchmarks/cel_check.py                    # 25,000 resources, 5 runs
    python benchmarks/cel_check.py --resources 100000 --runs 3
    python benchmarks/cel_check.py --write            # also write benchmarks/cel-results.md
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / ".data"
POLICY = REPO / "policies" / "cel" / "check-ecs-exec-logging.yaml"
TARGET = 1.5

sys.path.insert(0, str(HERE))
from generate_plan import FORMAT, write_plan  # noqa: E402


def timed(argv: list[str]) -> tuple[float, int, str]:
    """(wall seconds, exit status, stdout) of a fresh process."""
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True)
    return time.perf_counter() - start, proc.returncode, proc.stdout.decode("utf-8", "replace")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--resources", type=int, default=25000)
    p.add_argument("--failing", type=int, default=50)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--python", default=str(REPO / ".venv" / "bin" / "python"))
    p.add_argument("--write", action="store_true", help="write the table to benchmarks/cel-results.md")
    args = p.parse_args()

    clusters = args.resources // 5
    DATA.mkdir(exist_ok=True)
    plan = DATA / f"plan-f{FORMAT}-{args.resources}-{clusters}-{args.failing}-1.json"
    if not plan.exists():
        write_plan(str(plan), args.resources, clusters, args.failing)
    size_mb = plan.stat().st_size / 1e6
    cli = str(Path(args.python).parent / "ecs-exec-guard")
    commands = {
        "json.load": [args.python, "-c", "import json,sys; json.load(open(sys.argv[1]))", str(plan)],
        "apply": [cli, "apply", str(POLICY), "--json", str(plan)],
        "scan": [cli, "scan", "--policy", str(POLICY), "--payload", str(plan)],
    }
    walls: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            wall, code, out = timed(argv)
            walls[name].append(wall)
            if name == "apply":
                # the policy reads one cluster at a time (the analyzer annotation)
                ok = code == 1 and f", fail: {args.failing}, warn: 0, error: 0, skip: 0 " in out
                ok = ok and out.count("\n1 -  ECS Exec must have logging enabled: ") == args.failing
            elif name == "scan":
                ok = code == 1 and out.count(" FAILED\n") == args.failing
            else:
                ok = code == 0
            if not ok:
                print(f"wrong verdict from {name}: exit {code}\n{out[-2000:]}", file=sys.stderr)
                return 1
    base = statistics.median(walls["json.load"])
    lines = [
        f"CEL ECS check, {args.resources:,} resources ({args.failing} failing clusters), {size_mb:.1f} MB,"
        f" {args.runs} runs, medians; {platform.python_implementation()} {platform.python_version()},"
        f" {os.cpu_count()} CPUs",
        "",
        "| command | wall (s) | vs json.load |",
        "|---|---:|---:|",
    ]
    for name in commands:
        med = statistics.median(walls[name])
        lines.append(f"| {name} | {med:.2f} | {med / base:.2f}x |")
    ratio = statistics.median(walls["apply"]) / base
    lines += ["", f"apply / json.load = {ratio:.2f} (target <= {TARGET}): {'ok' if ratio <= TARGET else 'MISSED'}"]
    text = "\n".join(lines)
    print(text)
    if args.write:
        (HERE / "cel-results.md").write_text(
            "# CEL ECS check: benchmark results\n\nWritten by `python benchmarks/cel_check.py --write`.\n\n" + text + "\n"
        )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
