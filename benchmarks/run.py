"""End-to-end benchmark of ``ecs-exec-guard scan`` and of the Action's
entrypoint on large Terraform plans.

For each plan size it generates a plan (benchmarks/generate_plan.py, cached
in benchmarks/.data/) and measures, as fresh processes and alternating the
commands within each round:

  scan       ecs-exec-guard scan --payload plan.json
  action     ecs-exec-guard action, with a runner's environment: the plan in
             a workspace, default inputs, a job summary and outputs file
  json.load  python -c "import json,sys; json.load(open(sys.argv[1]))" plan.json
             (the same interpreter as the project's venv: the floor for any
             Python tool that reads the whole plan)
  checkov    checkov -f plan.json --framework terraform_plan --check CKV_AWS_223
             --quiet --compact --skip-download -o json  (when installed)

Wall time comes from time.perf_counter() around the child, peak RSS from the
child's own rusage (os.wait4). Medians over --runs rounds are printed as a
Markdown table, followed by the time per resource and a linear fit.

    python benchmarks/run.py                                # 1k, 10k, 25k, 100k; 3 runs
    python benchmarks/run.py --sizes 1000,10000,25000 --runs 5 --checkov skip
    python benchmarks/run.py --import-time --write          # also write benchmarks/results.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / ".data"
CHECKOV_VERSION = "3.3.30"
CHECKOV_DEFAULT_VENV = Path("/tmp/checkov-venv")
CHECK_ID = "CKV_AWS_223"
# what the Action and scan must achieve against a fresh-process json.load
ACTION_TIME_TARGET = 1.0
ACTION_MEMORY_TARGET = 1.2
SCAN_TIME_TARGET = 0.5

sys.path.insert(0, str(HERE))
from generate_plan import FORMAT, write_plan  # noqa: E402


@dataclass
class Sample:
    wall: float
    maxrss_kib: int
    cpu: float
    rc: int


@dataclass
class Row:
    resources: int
    mb: float
    expected_failing: int
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    failing: dict[str, int | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def median_wall(self, name: str) -> float | None:
        s = self.samples.get(name)
        return statistics.median(x.wall for x in s) if s else None

    def median_cpu(self, name: str) -> float | None:
        s = self.samples.get(name)
        return statistics.median(x.cpu for x in s) if s else None

    def median_mib(self, name: str) -> float | None:
        s = self.samples.get(name)
        return statistics.median(x.maxrss_kib for x in s) / 1024 if s else None


# --- running a child ------------------------------------------------------


# The measured command is started by this small helper, not by run.py: on
# Linux a child started with vfork/posix_spawn (as subprocess does) inherits
# its parent's high-water RSS at exec, so a run.py that has read a large
# report would raise every child's ru_maxrss to its own. The helper's peak
# (~10 MiB) is below that of any measured command. It times the command,
# reaps it with os.wait4 and prints the child's own rusage as JSON.
HELPER = r"""
import json, os, sys, time
argv, out, err, env = json.loads(sys.argv[1])
fin = os.open(os.devnull, os.O_RDONLY)
fout = os.open(out or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
ferr = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
acts = [(os.POSIX_SPAWN_DUP2, fin, 0), (os.POSIX_SPAWN_DUP2, fout, 1), (os.POSIX_SPAWN_DUP2, ferr, 2)]
t0 = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, env if env is not None else os.environ, file_actions=acts)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
rc = os.waitstatus_to_exitcode(status)
print(json.dumps([wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime, rc]))
"""


def measure(
    argv: list[str], stdout_path: Path | None = None, timeout: float | None = None, env: dict | None = None
) -> Sample:
    """Run argv as a fresh process: its wall time and its own peak RSS (os.wait4)."""
    err_path = DATA / "stderr.txt"
    spec = json.dumps([argv, str(stdout_path) if stdout_path else None, str(err_path), env])
    # -S -I: no site, no user paths: the helper stays as small as Python gets
    helper = subprocess.Popen(
        [sys.executable, "-S", "-I", "-c", HELPER, spec],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out, _ = helper.communicate(timeout=timeout)
    except BaseException:  # timeout or Ctrl-C: stop the command as well
        os.killpg(helper.pid, signal.SIGKILL)
        helper.wait()
        raise
    if helper.returncode != 0:
        raise RuntimeError(f"measuring {argv[0]} failed (helper exit {helper.returncode})")
    wall, maxrss, cpu, rc = json.loads(out)
    if rc not in (0, 1):
        tail = err_path.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{argv[0]} exited {rc}:\n{tail}")
    return Sample(wall=wall, maxrss_kib=maxrss, cpu=cpu, rc=rc)


def venv_python(args) -> str:
    if args.python:
        return args.python
    candidate = REPO / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def guard_bin(python: str) -> str:
    exe = Path(python).parent / "ecs-exec-guard"
    if exe.exists():
        return str(exe)
    found = shutil.which("ecs-exec-guard")
    if not found:
        sys.exit("ecs-exec-guard not found next to the interpreter nor on PATH: pip install -e . first")
    return found


def find_checkov(given: str | None) -> str | None:
    if given:
        p = Path(given)
        for c in (p, p / "bin" / "checkov"):
            if c.is_file() and os.access(c, os.X_OK):
                return str(c)
        sys.exit(f"--checkov-bin {given}: no checkov executable there")
    found = shutil.which("checkov")
    if found:
        return found
    c = CHECKOV_DEFAULT_VENV / "bin" / "checkov"
    return str(c) if c.is_file() else None


# --- counting failing clusters ----------------------------------------------


def count_text(path: Path) -> int:
    """Field errors in the text log: one ' -> ' line per failing cluster."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        return sum(1 for line in fh if line.startswith(" -> "))


def count_json(path: Path) -> int:
    """Errors of every violation in the JSON report."""
    with open(path, "rb") as fh:
        report = json.load(fh)
    return sum(
        len(v.get("errors") or [])
        for resource in report
        for pr in resource.get("results") or []
        for rr in pr.get("rules") or []
        for v in rr.get("violations") or []
    )


def count_checkov(path: Path) -> int:
    with open(path, "rb") as fh:
        report = json.load(fh)
    reports = report if isinstance(report, list) else [report]
    failed = 0
    for r in reports:
        if "summary" in r:
            failed += int(r["summary"].get("failed", 0))
    return failed


# --- machine ------------------------------------------------------------------


def machine(python: str) -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    pyver = subprocess.run(
        [python, "-c", "import sys, platform; print(platform.python_implementation(), sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory": mem,
        "python": pyver,
        "os": f"{platform.system()} {platform.release()}",
        "commit": rev.stdout.strip() or "?",
    }


# --- the benchmark ------------------------------------------------------------


def plan_for(n: int, args) -> tuple[Path, int, int]:
    clusters = n * args.clusters_pct // 100
    failing = min(clusters, n * args.failing_pct // 100) if args.failing is None else min(clusters, args.failing)
    path = DATA / f"plan-v{FORMAT}-{n}-c{clusters}-f{failing}-s{args.seed}.json"
    if not path.exists():
        t = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        write_plan(str(tmp), n, clusters, failing, args.seed)
        tmp.replace(path)
        print(
            f"  generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s",
            flush=True,
        )
    return path, clusters, failing


def action_env(plan: Path) -> tuple[dict, Path]:
    """A runner's environment for the container action, with a workspace holding the plan.

    Default inputs (as action.yml gives them): annotations and a job summary
    written, no JSON report, no SARIF. Returns (env, the GITHUB_OUTPUT file).
    """
    ws = DATA / "action-workspace"
    ws.mkdir(exist_ok=True)
    target = ws / "plan.json"
    if target.exists() or target.is_symlink():
        target.unlink()
    try:
        os.link(plan, target)
    except OSError:
        shutil.copyfile(plan, target)
    summary, output = DATA / "action-summary.md", DATA / "action-output.txt"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(ws),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "RUNNER_TEMP": str(DATA),
    }
    import yaml  # the project's venv has it; so does any environment that can run the action

    spec = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    for name, item in spec["inputs"].items():
        env[f"INPUT_{name.upper()}"] = str(item.get("default", ""))
    env["INPUT_PAYLOAD"] = "plan.json"
    return env, output


def count_action(output: Path) -> int | None:
    """``violations`` from the action's GITHUB_OUTPUT file (the last run's)."""
    lines = output.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("violations<<") and i + 1 < len(lines):
            return int(lines[i + 1])
    return None


def bench_size(n: int, args, python: str, guard: str, checkov: str | None) -> Row:
    path, _, failing = plan_for(n, args)
    row = Row(resources=n, mb=path.stat().st_size / 1e6, expected_failing=failing)
    scan_out = DATA / "scan-output.txt"
    commands: dict[str, tuple[list[str], Path | None]] = {
        "scan": ([guard, "scan", "--payload", str(path), *shlex.split(args.scan_args)], scan_out),
        "json.load": ([python, "-c", "import json,sys; json.load(open(sys.argv[1]))", str(path)], None),
    }
    envs: dict[str, dict] = {}
    action_output = None
    if not args.no_action:
        envs["action"], action_output = action_env(path)
        commands["action"] = ([guard, "action"], DATA / "action-log.txt")
    use_checkov = checkov is not None and n <= args.checkov_max_resources
    if checkov is not None and not use_checkov:
        row.notes.append(f"checkov skipped above --checkov-max-resources {args.checkov_max_resources}")
    if use_checkov:
        ck_out = DATA / "checkov-output.json"
        commands["checkov"] = (
            [
                checkov,
                "-f",
                str(path),
                "--framework",
                "terraform_plan",
                "--check",
                CHECK_ID,
                "--quiet",
                "--compact",
                "--skip-download",
                "-o",
                "json",
            ],
            ck_out,
        )

    # Untimed warm-up (page cache, .pyc files) that also reads the JSON report.
    json_out = DATA / "scan-output.json"
    measure([guard, "scan", "--payload", str(path), "--output", "json"], json_out)
    row.failing["scan --output json"] = count_json(json_out)

    names = list(commands)
    for r in range(args.runs):
        order = names[r % len(names) :] + names[: r % len(names)]  # rotate who goes first
        for name in order:
            if name not in names:
                continue
            if name == "checkov" and len(row.samples.get("checkov", [])) >= args.checkov_runs:
                continue
            argv, out = commands[name]
            if name == "action":  # fresh, empty summary and outputs files, as a runner gives each step
                for key in ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"):
                    Path(envs["action"][key]).write_text("")
            try:
                s = measure(argv, out, timeout=args.checkov_timeout if name == "checkov" else None, env=envs.get(name))
            except subprocess.TimeoutExpired:
                row.notes.append(
                    f"checkov killed after --checkov-timeout {args.checkov_timeout:.0f} s on {n:,} resources"
                )
                names.remove("checkov")
                print(f"  {n:>7} checkov   killed after {args.checkov_timeout:.0f} s", flush=True)
                continue
            row.samples.setdefault(name, []).append(s)
            if name == "scan":
                row.failing["scan"] = count_text(scan_out)
            elif name == "checkov":
                row.failing["checkov"] = count_checkov(commands["checkov"][1])
            elif name == "action":
                row.failing["action"] = count_action(action_output)
            print(f"  {n:>7} {name:<9} run {r + 1}: {s.wall:7.2f} s {s.maxrss_kib / 1024:8.1f} MiB", flush=True)
    return row


def fit(rows: list[Row]) -> tuple[float, float, float] | None:
    """Least squares t = a + b*N over the scan medians: (a s, b s/resource, R^2)."""
    pts = [(r.resources, r.median_wall("scan")) for r in rows if r.median_wall("scan") is not None]
    if len(pts) < 2:
        return None
    xs, ys = zip(*pts)
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    b = sum((x - mx) * (y - my) for x, y in pts) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in pts)
    return a, b, 1 - ss_res / ss_tot if ss_tot else 1.0


def _f(v: float | None, fmt: str) -> str:
    return "–" if v is None else format(v, fmt)


def render(rows: list[Row], info: dict, checkov_note: str, args) -> str:
    lines = [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['os']}; "
        f"{info['python']} (project venv); ecs-exec-guard at {info['commit']}; {checkov_note}",
        "",
        f"Medians of {args.runs} runs (checkov: {args.checkov_runs}), fresh process each, commands alternated. "
        + (f"Scan run with `{args.scan_args}`. " if args.scan_args else "")
        + "Time is wall clock; memory is the child's peak RSS.",
        "",
        "| resources | MB | scan s | json.load s | ratio | scan MiB | json.load MiB | ratio "
        "| checkov s | checkov MiB | speedup vs checkov | failing: expected / scan / checkov |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|",
    ]
    for r in rows:
        st, jt, ct = r.median_wall("scan"), r.median_wall("json.load"), r.median_wall("checkov")
        sm, jm, cm = r.median_mib("scan"), r.median_mib("json.load"), r.median_mib("checkov")
        ck_count = r.failing.get("checkov")
        counts = f"{r.expected_failing} / {r.failing.get('scan', '–')} / {'–' if ck_count is None else ck_count}"
        if r.failing.get("scan") != r.failing.get("scan --output json"):
            counts += f" (json report: {r.failing.get('scan --output json')})"
        lines.append(
            f"| {r.resources:,} | {r.mb:.1f} | {_f(st, '.2f')} | {_f(jt, '.2f')} | "
            f"{_f(st / jt if st and jt else None, '.2f')}x | {_f(sm, '.0f')} | {_f(jm, '.0f')} | "
            f"{_f(sm / jm if sm and jm else None, '.2f')}x | {_f(ct, '.1f')} | {_f(cm, '.0f')} | "
            f"{_f(ct / st if ct and st else None, '.0f') + 'x' if ct and st else '–'} | {counts} |"
        )
    if any(r.samples.get("action") for r in rows):
        lines += [
            "",
            "The Action entrypoint (`ecs-exec-guard action`, default inputs: job summary and annotations "
            "written, no JSON report) and `scan`, against `json.load` of the same plan. "
            f"Targets: action at most {ACTION_TIME_TARGET}x the time and {ACTION_MEMORY_TARGET}x the peak memory "
            f"of json.load; scan at most {SCAN_TIME_TARGET}x the time, set for plans of 25,000 resources and more "
            "(below that, start-up dominates). CPU is the process's user + system time, "
            "less sensitive than wall time to other load on the machine.",
            "",
            "| resources | MB | json.load s | json.load MiB | action s | time ratio | action MiB | memory ratio "
            "| scan s | time ratio | CPU s: json.load / action / scan | failing: expected / action / scan | targets |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|:---|:---|",
        ]
        for r in rows:
            jt, jm = r.median_wall("json.load"), r.median_mib("json.load")
            at, am, st = r.median_wall("action"), r.median_mib("action"), r.median_wall("scan")
            ratios = [
                (at / jt if at and jt else None, ACTION_TIME_TARGET),
                (am / jm if am and jm else None, ACTION_MEMORY_TARGET),
                (st / jt if st and jt else None, SCAN_TIME_TARGET),
            ]
            met = all(v is not None and v <= target for v, target in ratios)
            counts = f"{r.expected_failing} / {r.failing.get('action', '–')} / {r.failing.get('scan', '–')}"
            lines.append(
                f"| {r.resources:,} | {r.mb:.1f} | {_f(jt, '.2f')} | {_f(jm, '.0f')} | {_f(at, '.2f')} | "
                f"{_f(ratios[0][0], '.2f')}x | {_f(am, '.0f')} | {_f(ratios[1][0], '.2f')}x | {_f(st, '.2f')} | "
                f"{_f(ratios[2][0], '.2f')}x | {_f(r.median_cpu('json.load'), '.2f')} / {_f(r.median_cpu('action'), '.2f')} / "
                f"{_f(r.median_cpu('scan'), '.2f')} | {counts} | {'met' if met else 'missed'} |"
            )
    notes = sorted({n for r in rows for n in r.notes})
    if notes:
        lines += [""] + [f"Note: {n}." for n in notes]
    lines += ["", "Time per resource (scan median / resources):", ""]
    for r in rows:
        st = r.median_wall("scan")
        if st is not None:
            lines.append(f"- {r.resources:>7,} resources: {st / r.resources * 1e6:7.1f} µs/resource ({st:.2f} s)")
    f = fit(rows)
    if f:
        a, b, r2 = f
        lines += [
            "",
            f"Linear fit of scan time: t = {a:.3f} s + {b * 1e6:.1f} µs × resources (R² = {r2:.4f}).",
        ]
        by_n = {r.resources: r.median_wall("scan") for r in rows}
        if by_n.get(100000) and by_n.get(25000):
            lines.append(f"Measured 100k / 25k = {by_n[100000] / by_n[25000]:.2f}x (4x if linear).")
        else:
            pred = (a + b * 100000) / (a + b * 25000)
            lines.append(
                f"100k / 25k predicted by the fit = {pred:.2f}x (4x if linear, less by the fixed start-up cost); "
                f"predicted 100k: {a + b * 100000:.1f} s."
            )
        sizes = sorted(by_n)
        for lo, hi in zip(sizes, sizes[1:]):
            if by_n[lo] and by_n[hi]:
                lines.append(
                    f"{hi:,} / {lo:,} resources: {hi / lo:.1f}x the resources, {by_n[hi] / by_n[lo]:.2f}x the time."
                )
    return "\n".join(lines) + "\n"


# --- import time --------------------------------------------------------------

IMPORT_RE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def import_time(python: str, guard: str, runs: int, small_plan: Path | None) -> str:
    help_s = [measure([guard, "--help"]) for _ in range(max(runs, 5))]
    lines = [
        "Start-up:",
        "",
        f"- `ecs-exec-guard --help`: median {statistics.median(s.wall for s in help_s) * 1000:.0f} ms wall, "
        f"{statistics.median(s.maxrss_kib for s in help_s) / 1024:.0f} MiB peak RSS ({len(help_s)} runs)",
    ]
    empty = [measure([python, "-c", "pass"]) for _ in range(max(runs, 5))]
    lines.append(
        f"- `python -c pass` (same interpreter): median {statistics.median(s.wall for s in empty) * 1000:.0f} ms"
    )
    cases = [("--help", ["--help"])]
    if small_plan is not None:
        cases.append((f"scan --payload {small_plan.name}", ["scan", "--payload", str(small_plan)]))
    for title, extra in cases:
        res = subprocess.run(
            [python, "-X", "importtime", "-m", "ecs_exec_guard", *extra],
            capture_output=True,
            text=True,
        )
        rows = []
        for line in res.stderr.splitlines():
            m = IMPORT_RE.match(line)
            if m:
                rows.append((int(m.group(2)), int(m.group(1)), len(m.group(3)) // 2, m.group(4)))
        total = sum(c for c, _, depth, _ in rows if depth == 0)
        lines += [
            "",
            f"`python -X importtime -m ecs_exec_guard {title}`: {total / 1000:.0f} ms of imports; "
            "top 10 by cumulative time:",
            "",
            "| cumulative ms | self ms | module |",
            "|---:|---:|:---|",
        ]
        for cum, self_us, depth, name in sorted(rows, reverse=True)[:10]:
            lines.append(f"| {cum / 1000:.1f} | {self_us / 1000:.1f} | {'  ' * depth}{name} |")
    return "\n".join(lines) + "\n"


# --- main ---------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--sizes", default="1000,10000,25000,100000", help="comma-separated resource counts")
    p.add_argument("--runs", type=int, default=3, help="timed runs of each command per size (default: 3)")
    p.add_argument(
        "--checkov",
        choices=("auto", "skip", "require"),
        default="auto",
        help="auto: compare when checkov is installed; require: fail when it is not",
    )
    p.add_argument(
        "--checkov-bin", help="checkov executable or the venv holding it (default: PATH, then /tmp/checkov-venv)"
    )
    p.add_argument("--checkov-runs", type=int, default=1, help="timed checkov runs per size (default: 1; it is slow)")
    p.add_argument(
        "--checkov-max-resources",
        type=int,
        default=25000,
        help="skip checkov on larger plans (default: 25000; 100k needs a long time and many GiB)",
    )
    p.add_argument("--checkov-timeout", type=float, default=3600, help="seconds before a checkov run is killed")
    p.add_argument(
        "--clusters-pct", type=int, default=20, help="aws_ecs_cluster share of the resources, %% (default: 20)"
    )
    p.add_argument(
        "--failing-pct",
        type=int,
        default=2,
        help="failing clusters, %% of the resources (default: 2, one cluster in ten with the default share)",
    )
    p.add_argument("--failing", type=int, help="failing clusters per plan (overrides --failing-pct)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--scan-args",
        default="",
        help="extra arguments for the timed scan, e.g. --scan-args=--no-prune (the full-parse path)",
    )
    p.add_argument("--no-action", action="store_true", help="do not time the Action entrypoint")
    p.add_argument("--python", help="interpreter of the project's venv (default: .venv/bin/python of the repo)")
    p.add_argument("--import-time", action="store_true", help="also measure start-up and the import tree")
    p.add_argument("--write", action="store_true", help="write the report to benchmarks/results.md")
    args = p.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.runs < 1:
        p.error("--runs must be at least 1")

    DATA.mkdir(exist_ok=True)
    python = venv_python(args)
    guard = guard_bin(python)
    checkov = None
    checkov_note = "checkov: not run (--checkov skip)"
    if args.checkov != "skip":
        checkov = find_checkov(args.checkov_bin)
        if checkov is None:
            if args.checkov == "require":
                sys.exit("checkov not found: see benchmarks/README.md to install it in its own venv")
            checkov_note = "checkov: not installed, comparison skipped (see benchmarks/README.md)"
            print(f"note: {checkov_note}", flush=True)
        else:
            version = subprocess.run([checkov, "--version"], capture_output=True, text=True).stdout.strip()
            checkov_note = f"checkov {version} ({checkov})"
            if version != CHECKOV_VERSION:
                print(f"note: checkov {version} found, the comparison is written for {CHECKOV_VERSION}", flush=True)

    info = machine(python)
    print(f"# {info['cpu']}, {info['cores']} cores, {info['memory']}, {info['python']}", flush=True)
    rows = []
    for n in sizes:
        print(f"size {n:,}:", flush=True)
        rows.append(bench_size(n, args, python, guard, checkov))

    report = render(rows, info, checkov_note, args)
    if args.import_time:
        small = min(sizes) if sizes else None
        small_plan = plan_for(small, args)[0] if small else None
        report += "\n" + import_time(python, guard, args.runs, small_plan)
    raw = {
        "machine": info,
        "args": vars(args),
        "rows": [
            {
                "resources": r.resources,
                "mb": r.mb,
                "failing": r.failing,
                "expected_failing": r.expected_failing,
                "samples": {k: [vars(s) for s in v] for k, v in r.samples.items()},
            }
            for r in rows
        ],
    }
    (DATA / "last-run.json").write_text(json.dumps(raw, indent=2) + "\n")
    print()
    print(report, end="")
    if args.write:
        cmd = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
        (HERE / "results.md").write_text(f"# Benchmark results\n\n`{cmd.strip()}`\n\n{report}")
        print(f"\nwrote {HERE / 'results.md'}")
    mismatch = [
        r.resources for r in rows if len({v for v in r.failing.values() if v is not None} | {r.expected_failing}) > 1
    ]
    if mismatch:
        print(f"\nwarning: failing-cluster counts disagree for sizes {mismatch}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
