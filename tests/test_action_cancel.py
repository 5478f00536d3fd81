"""A cancelled job: SIGTERM (or SIGINT) mid-run ends the action cleanly.

The runner stops a cancelled job's container with SIGTERM. The action then
writes an error annotation, a job summary and outputs saying the run was
cancelled, leaves no half-written file, and exits 143. The runs below are
stopped while they are busy: a stand-in for a slow step (evaluation, the
JSON report being written) waits until the signal comes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecs_exec_guard.action import cancel

try:
    from test_action_harness import action_defaults, cluster_plan, cluster_tf, parse_outputs
except ImportError:  # tests collected as a package
    from tests.test_action_harness import action_defaults, cluster_plan, cluster_tf, parse_outputs

# Runs the action with one function replaced by a stall that says when it started.
STALLED = """
import os, sys, time
READY = {ready!r}
def stall(*args, **kwargs):
    if args and hasattr(args[-1], "write"):  # a report being written: half of it first
        args[-1].write(b'[\\n  {{"policy": ')
        args[-1].flush()
    with open(READY, "w") as fh:
        fh.write(str(os.getpid()))
    end = time.monotonic() + 60
    while time.monotonic() < end:
        time.sleep(0.02)
    sys.exit(97)  # never cancelled
import importlib
module = importlib.import_module({module!r})
setattr(module, {attr!r}, stall)
from ecs_exec_guard.cli import entry
sys.exit(entry())
"""


def _workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace"
    ws.mkdir()
    clusters = [{"tf": "a", "logging": "NONE"}, {"tf": "b", "logging": "DEFAULT"}]
    (ws / "plan.json").write_text(json.dumps(cluster_plan(clusters)), encoding="utf-8")
    (ws / "main.tf").write_text(cluster_tf(clusters), encoding="utf-8")
    return ws


def _env(ws: Path, inputs: dict[str, str]) -> tuple[dict[str, str], Path, Path]:
    runner = ws.parent / "runner"
    (runner / "temp").mkdir(parents=True)
    summary, output = runner / "step_summary", runner / "set_output"
    summary.write_text("", encoding="utf-8")
    output.write_text("", encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(runner),
        "LANG": "C.UTF-8",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(ws),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "RUNNER_TEMP": str(runner / "temp"),
    }
    values = action_defaults()
    values.update(inputs)
    env.update({f"INPUT_{k.upper()}": v for k, v in values.items()})
    return env, summary, output


def _cancel(tmp_path: Path, module: str, attr: str, inputs: dict[str, str], *, sig=signal.SIGTERM, prefix=()):
    ws = _workspace(tmp_path)
    env, summary, output = _env(ws, {"payload": "plan.json", **inputs})
    ready = tmp_path / "ready"
    code = STALLED.format(ready=str(ready), module=module, attr=attr)
    proc = subprocess.Popen(
        [*prefix, sys.executable, "-c", code, "action"],
        cwd=ws, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (ready.exists() and ready.read_text()) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, proc.communicate()
        # the stalled process itself (behind `unshare`, the namespace's PID 1)
        target = int(ready.read_text()) if not prefix else _child_of(proc.pid)
        os.kill(target, sig)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, stdout, stderr, summary.read_text(encoding="utf-8"), output.read_text(encoding="utf-8"), ws


def _child_of(pid: int) -> int:
    """The process `unshare --fork` started (PID 1 of its namespace)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        if children:
            return int(children[0])
        time.sleep(0.02)
    raise AssertionError("no child")


def _assert_cancelled(code, stdout, stderr, summary, output, ws, sig=signal.SIGTERM):
    assert code == 128 + sig, (code, stdout, stderr)
    assert "Traceback" not in stdout + stderr
    errors = [line for line in stdout.splitlines() if line.startswith("::error")]
    assert errors == [f"::error::ecs-exec-guard: cancelled ({sig.name}) before the check finished; its results are not known"]
    assert parse_outputs(output) == {"result": "cancelled"}
    assert summary.startswith("## ⏹️ ECS Exec Guard: cancelled\n")
    assert summary.count("ECS Exec Guard") == 1
    assert f"cancelled ({sig.name})" in summary
    leftovers = [p for p in (ws.parent).rglob("*") if p.name.startswith(".ecs-exec-guard-")]
    assert leftovers == []


def test_sigterm_while_evaluating(tmp_path: Path):
    result = _cancel(tmp_path, "ecs_exec_guard.engine.evaluate", "evaluate", {})
    _assert_cancelled(*result)


def test_sigint_while_evaluating(tmp_path: Path):
    result = _cancel(tmp_path, "ecs_exec_guard.engine.evaluate", "evaluate", {}, sig=signal.SIGINT)
    _assert_cancelled(*result, sig=signal.SIGINT)


def test_sigterm_while_writing_the_report_leaves_no_partial_file(tmp_path: Path):
    result = _cancel(tmp_path, "ecs_exec_guard.outputs", "write_json_report", {"report-file": "out/report.json"})
    _assert_cancelled(*result)
    ws = result[-1]
    assert not (ws / "out" / "report.json").exists()


def _unshare() -> list[str] | None:
    exe = shutil.which("unshare")
    if exe is None:
        return None
    probe = subprocess.run([exe, "-fp", "--mount-proc", "true"], capture_output=True, timeout=30)
    return [exe, "-fp", "--mount-proc"] if probe.returncode == 0 else None


def test_sigterm_reaches_pid_1(tmp_path: Path):
    """As in a container: the action is PID 1, which gets no signal it has no handler for."""
    prefix = _unshare()
    if prefix is None:
        pytest.skip("cannot start a PID namespace here")
    result = _cancel(tmp_path, "ecs_exec_guard.engine.evaluate", "evaluate", {}, prefix=prefix)
    _assert_cancelled(*result)


def test_a_signal_during_an_append_waits_for_the_whole_block(tmp_path: Path, monkeypatch, capsys):
    from ecs_exec_guard.action.files import append_text

    summary = tmp_path / "summary.md"
    output = tmp_path / "output"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.delenv("INPUT_SUMMARY", raising=False)
    written = []

    def run():
        with cancel.deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            written.append("block")
        append_text(str(summary), "never\n")
        return 0

    assert cancel.run_cancellable(run) == 143
    assert written == ["block"]
    assert "never" not in summary.read_text()
    assert parse_outputs(output.read_text()) == {"result": "cancelled"}
    assert "::error::ecs-exec-guard: cancelled (SIGTERM)" in capsys.readouterr().out
    # the handlers are restored
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
