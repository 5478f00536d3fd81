"""The action starts no other program: a workspace's git configuration can run nothing.

The workspace of a pull request may hold a ``.git`` folder the checkout did
not write (an unpacked artifact, a reused self-hosted workspace). Its
configuration can name commands (``core.fsmonitor``, a promisor remote with
an ``ext::`` URL, hooks) that git would run with the job's environment. The
action never calls git, nor any other program.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

try:
    from test_action_harness import cluster_plan, cluster_tf, run_action
except ImportError:  # tests collected as a package
    from tests.test_action_harness import cluster_plan, cluster_tf, run_action

# Python reports every way of starting a program to audit hooks; the hook
# writes the event to a file and stops the process.
AUDITED = """
import os, sys
MARK = {mark!r}
EVENTS = {{"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
           "pty.spawn", "os.startfile"}}
def hook(event, args):
    if event in EVENTS:
        with open(MARK, "a") as fh:
            fh.write(event + " " + repr(args)[:200] + "\\n")
        os._exit(99)
sys.addaudithook(hook)
from ecs_exec_guard.cli import entry
sys.exit(entry())
"""


def _hostile_git(ws: Path, marker: Path) -> None:
    """A repository whose configuration runs ``touch MARKER`` from most git commands."""
    git = ws / ".git"
    for sub in ("objects/info", "objects/pack", "refs/heads", "refs/tags", "hooks"):
        (git / sub).mkdir(parents=True, exist_ok=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    touch = f"touch {marker}"
    (git / "config").write_text(
        "[core]\n"
        "\trepositoryformatversion = 1\n"
        f"\tfsmonitor = \"{touch}\"\n"
        f"\tsshCommand = \"{touch}\"\n"
        f"\tpager = \"{touch}\"\n"
        "[extensions]\n"
        "\tpartialClone = origin\n"
        "[remote \"origin\"]\n"
        f"\turl = \"ext::sh -c {touch.replace(' ', '% ')}\"\n"
        "\tpromisor = true\n"
        "\tpartialclonefilter = blob:none\n"
        "[protocol \"ext\"]\n"
        "\tallow = always\n"
        "[diff]\n"
        f"\texternal = \"{touch}\"\n"
    )
    hook = git / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\n{touch}\n")
    hook.chmod(0o755)


def test_hostile_git_configuration_runs_nothing(tmp_path: Path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    clusters = [{"tf": f"c{i:02d}", "logging": "NONE"} for i in range(12)]
    (ws / "plan.json").write_text(json.dumps(cluster_plan(clusters)), encoding="utf-8")
    (ws / "main.tf").write_text(cluster_tf(clusters), encoding="utf-8")
    marker = tmp_path / "git-ran"
    _hostile_git(ws, marker)
    # a `git` (and `sh`) found first on PATH would leave a mark too
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for name in ("git", "sh"):
        exe = fake_bin / name
        exe.write_text(f"#!/bin/sh\ntouch {marker}\n")
        exe.chmod(0o755)
    audit_log = tmp_path / "processes"
    event = {"pull_request": {"number": 7, "base": {"sha": "a" * 40}, "head": {"sha": "b" * 40}}}
    run = run_action(
        ws,
        {"payload": "plan.json"},
        event=event,
        command=[sys.executable, "-c", AUDITED.format(mark=str(audit_log)), "action"],
        extra_env={"PATH": f"{fake_bin}:/usr/bin:/bin"},
    )
    assert not audit_log.exists(), audit_log.read_text()
    assert not marker.exists()
    assert run.code == 1, run.stdout + run.stderr
    assert len(run.errors) == 10
    assert run.outputs["result"] == "fail" and run.outputs["violations"] == "12"


def test_the_audit_hook_sees_a_started_program(tmp_path: Path):
    """The check above can fail: the same hook stops a program that starts git."""
    import subprocess

    audit_log = tmp_path / "processes"
    code = AUDITED.format(mark=str(audit_log)).replace(
        "from ecs_exec_guard.cli import entry\nsys.exit(entry())",
        "import subprocess\nsubprocess.run(['git', '--version'], capture_output=True)",
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 99
    assert audit_log.read_text().startswith("subprocess.Popen ")
