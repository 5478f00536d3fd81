"""Input files: regular files only, inside the workspace, found without following links.

A pull request controls every file and link of the workspace. Links to
``.`` must not make a ``**`` walk loop or count a plan twice; links to
``/dev/zero``, a FIFO, ``/proc/self/fd/1`` or a file outside the workspace
must be refused with one error line, without being read.
"""

from __future__ import annotations

import glob
import json
import os
import sys
from pathlib import Path

import pytest

from ecs_exec_guard.cli import main
from ecs_exec_guard.engine import fileaccess
from ecs_exec_guard.engine.errors import LoadError

try:
    from test_action_harness import cluster_plan, cluster_tf, run_action
except ImportError:  # tests collected as a package
    from tests.test_action_harness import cluster_plan, cluster_tf, run_action

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "policies" / "check-ecs-exec-logging.yaml"
SECRET = "kind: TopSecretKind-7f3a"


def _stack(ws: Path, n: int = 2) -> None:
    clusters = [{"tf": f"c{i}", "logging": "NONE"} for i in range(n)]
    (ws / "plan.json").write_text(json.dumps(cluster_plan(clusters)), encoding="utf-8")
    (ws / "main.tf").write_text(cluster_tf(clusters), encoding="utf-8")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace"
    ws.mkdir()
    _stack(ws)
    return ws


def _refused(run, *needles: str) -> str:
    assert run.code == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert len(run.errors) == 1, run.stdout
    line = run.errors[0]
    for needle in needles:
        assert needle in line, line
    assert run.outputs["result"] == "error"
    assert "The check could not run" in run.summary
    assert SECRET not in run.stdout + run.summary
    return line


# -- the action: patterns ------------------------------------------------------


def test_links_to_the_workspace_do_not_loop_or_count_twice(ws: Path):
    (ws / "a").symlink_to(".")
    (ws / "b").symlink_to(".")
    (ws / "stacks").mkdir()
    (ws / "stacks" / "up").symlink_to("..")
    run = run_action(ws, {"payload": "**/plan.json"})
    assert run.code == 1, run.stdout + run.stderr
    assert run.outputs["violations"] == "2"
    assert len(run.errors) == 2


def test_a_link_to_the_workspace_named_like_a_match_is_refused(ws: Path):
    (ws / "loop.json").symlink_to(".")
    run = run_action(ws, {"payload": "*.json"})
    _refused(run, "loop.json", "symbolic link")


def test_a_matched_link_to_a_file_is_refused(ws: Path):
    (ws / "stacks").mkdir()
    (ws / "stacks" / "plan.json").symlink_to(ws / "plan.json")
    run = run_action(ws, {"payload": "**/plan.json"})
    _refused(run, "stacks/plan.json", "symbolic link")


def test_a_matched_fifo_is_refused(ws: Path):
    os.mkfifo(ws / "pipe.json")
    run = run_action(ws, {"payload": "*.json"})
    _refused(run, "pipe.json", "FIFO")


def test_a_pattern_matching_too_many_files(ws: Path):
    many = ws / "many"
    many.mkdir()
    for i in range(fileaccess.MAX_MATCHES + 1):
        (many / f"p{i:04d}.json").write_text("{}", encoding="utf-8")
    run = run_action(ws, {"payload": "many/*.json"})
    _refused(run, f"more than {fileaccess.MAX_MATCHES} payload files", "many/*.json")


def test_duplicates_are_read_once(ws: Path):
    os.link(ws / "plan.json", ws / "same-plan.json")
    run = run_action(ws, {"payload": "plan.json\n./plan.json\n*.json"})
    assert run.code == 1, run.stdout
    assert run.outputs["violations"] == "2"


# -- the action: named files ---------------------------------------------------


def test_a_named_link_inside_the_workspace_is_refused(ws: Path):
    (ws / "link.json").symlink_to("plan.json")
    run = run_action(ws, {"payload": "link.json"})
    _refused(run, "payload", "link.json", "symbolic link")


def test_a_named_fifo_is_refused(ws: Path):
    os.mkfifo(ws / "pipe.json")
    run = run_action(ws, {"payload": "pipe.json"})
    _refused(run, "payload", "pipe.json", "special file")


@pytest.mark.parametrize("input_name", ["policy", "bindings"])
def test_named_policy_or_bindings_link_is_refused(ws: Path, input_name: str):
    (ws / "real.yaml").write_text(BUNDLED.read_text(encoding="utf-8"), encoding="utf-8")
    (ws / "link.yaml").symlink_to("real.yaml")
    run = run_action(ws, {"payload": "plan.json", input_name: "link.yaml"})
    _refused(run, input_name, "link.yaml", "symbolic link")


# -- the action: files found in a policy folder --------------------------------


def _policy_folder(ws: Path) -> Path:
    folder = ws / "policies"
    folder.mkdir()
    (folder / "ecs.yaml").write_text(BUNDLED.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("target", "why"),
    [("/dev/zero", "symbolic link"), ("/proc/self/fd/1", "symbolic link"), ("OUTSIDE", "symbolic link")],
)
def test_links_in_a_policy_folder_are_refused(ws: Path, tmp_path: Path, target: str, why: str):
    if target == "OUTSIDE":
        target = str(tmp_path / "outside.yaml")
        Path(target).write_text(f"apiVersion: v1\n{SECRET}\n", encoding="utf-8")
    folder = _policy_folder(ws)
    (folder / "zz.yaml").symlink_to(target)
    run = run_action(ws, {"payload": "plan.json", "policy": "policies"})
    line = _refused(run, "policies/zz.yaml", why)
    assert "TopSecretKind" not in line


def test_a_fifo_in_a_policy_folder_is_refused(ws: Path):
    folder = _policy_folder(ws)
    os.mkfifo(folder / "wait.yaml")
    run = run_action(ws, {"payload": "plan.json", "policy": "policies"})
    _refused(run, "policies/wait.yaml", "FIFO")


def test_links_to_folders_in_a_policy_folder_are_not_followed(ws: Path, tmp_path: Path):
    folder = _policy_folder(ws)
    (folder / "again").symlink_to(".")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.yaml").write_text(SECRET, encoding="utf-8")
    (folder / "elsewhere").symlink_to(tmp_path / "elsewhere")
    bindings = ws / "b.json"
    bindings.write_text('{"analyzer": {"resource": {"type": "terraform-plan"}}}', encoding="utf-8")
    run = run_action(ws, {"payload": "plan.json", "policy": "policies", "bindings": "b.json"})
    assert run.code == 1, run.stdout + run.stderr
    assert run.outputs["violations"] == "2"
    assert SECRET not in run.stdout + run.summary


# -- the command line ----------------------------------------------------------


def _scan(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["scan", *args])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _one_error(code: int, err: str, *needles: str) -> None:
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ecs-exec-guard: error: "), err
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_cli_follows_a_named_link_to_a_regular_file(ws: Path, capsys):
    (ws / "link.json").symlink_to(ws / "plan.json")
    code, out, _err = _scan(capsys, "--payload", str(ws / "link.json"))
    assert code == 1 and "FAILED" in out


@pytest.mark.parametrize(("target", "why"), [("/dev/zero", "character device"), ("/proc/self/environ", "under /proc")])
def test_cli_refuses_special_files(tmp_path: Path, capsys, target: str, why: str):
    link = tmp_path / "p.json"
    link.symlink_to(target)
    code, _out, err = _scan(capsys, "--payload", str(link))
    _one_error(code, err, "p.json", "refused", why)
    assert "PATH=" not in err


def test_cli_refuses_a_fifo_and_links_found_in_a_folder(ws: Path, tmp_path: Path, capsys):
    os.mkfifo(ws / "pipe.json")
    code, _out, err = _scan(capsys, "--payload", str(ws / "pipe.json"))
    _one_error(code, err, "pipe.json", "FIFO")
    folder = _policy_folder(ws)
    (folder / "linked.yaml").symlink_to(folder / "ecs.yaml")
    code, _out, err = _scan(capsys, "--payload", str(ws / "plan.json"), "--policy", str(folder))
    _one_error(code, err, "linked.yaml", "symbolic link")


def test_cli_jp_query_refuses_a_fifo(tmp_path: Path, capsys):
    os.mkfifo(tmp_path / "in.json")
    capsys.readouterr()
    code = main(["jp", "query", "-i", str(tmp_path / "in.json"), "@"])
    err = capsys.readouterr().err
    _one_error(code, err, "in.json", "FIFO")


def test_size_cap_is_checked_before_reading(tmp_path: Path, capsys):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:  # sparse: no data is written
        fh.truncate(fileaccess.MAX_BYTES["policy"] + 1)
    (tmp_path / "plan.json").write_text("{}", encoding="utf-8")
    code, _out, err = _scan(capsys, "--payload", str(tmp_path / "plan.json"), "--policy", str(big))
    _one_error(code, err, "big.yaml", "too large")


# -- the walker itself ----------------------------------------------------------


def _tree(root: Path) -> None:
    for rel in ("a/x.json", "a/b/y.json", "a/b/c/z.json", ".hidden/h.json", "a/.h2/q.json", "top.json",
                "a/b/.dot.json", "d/e/f/g.yaml", "a/b/c/plan.json", "plan.json"):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")


@pytest.mark.parametrize(
    "pattern",
    ["*.json", "**/*.json", "a/**/*.json", "**/plan.json", "a/*/y.json", "a/b/**", "**", "*/*/*",
     "a/[bc]/*.json", "?/*.json", ".hidden/*.json", "a/b/.*.json", "d/**/g.yaml"],
)
def test_patterns_match_like_glob(tmp_path: Path, pattern: str):
    _tree(tmp_path)
    expected = sorted(os.path.relpath(p, tmp_path) for p in glob.glob(str(tmp_path / pattern), recursive=True))
    expected = [e for e in expected if e != "."]
    static, comps = fileaccess.split_pattern(pattern)
    base = str(tmp_path / static)
    got = [os.path.relpath(p, tmp_path) for p in fileaccess.glob_files(base, comps, "payload", pattern)]
    files = [e for e in expected if (tmp_path / e).is_file()]
    assert files, pattern
    assert [g for g in got if (tmp_path / g).is_file()] == files
    assert {g for g in got if (tmp_path / g).is_dir()} <= {e.rstrip("/") for e in expected}


def test_walk_budget(tmp_path: Path, monkeypatch):
    for i in range(50):
        (tmp_path / f"d{i}").mkdir()
    monkeypatch.setattr(fileaccess, "MAX_VISITS", 20)
    with pytest.raises(LoadError, match="more than 20 folder entries"):
        fileaccess.glob_files(str(tmp_path), ["**", "*.json"], "payload", "**/*.json")


def test_confined_scope_refuses_outside_and_links(tmp_path: Path):
    (tmp_path / "ws").mkdir()
    (tmp_path / "out.json").write_text("{}", encoding="utf-8")
    (tmp_path / "ws" / "in.json").write_text("{}", encoding="utf-8")
    (tmp_path / "ws" / "link.json").symlink_to("in.json")
    with fileaccess.confined(str(tmp_path / "ws")):
        assert fileaccess.read_bytes(str(tmp_path / "ws" / "in.json"), "payload") == b"{}"
        with pytest.raises(LoadError, match="outside the workspace"):
            fileaccess.read_bytes(str(tmp_path / "out.json"), "payload")
        with pytest.raises(LoadError, match="symbolic link"):
            fileaccess.read_bytes(str(tmp_path / "ws" / "link.json"), "payload")
    # outside the scope (the command line) the named link is followed
    assert fileaccess.read_bytes(str(tmp_path / "ws" / "link.json"), "payload") == b"{}"


if sys.platform != "linux":  # pragma: no cover
    pytestmark = pytest.mark.skip("FIFOs, /proc and /dev as on Linux")


def test_policy_folders_found_twice_load_each_file_once(ws: Path):
    folder = _policy_folder(ws)
    (folder / "sub").mkdir()
    (folder / "sub" / "other.yaml").write_text(
        BUNDLED.read_text(encoding="utf-8").replace("name: check-ecs-exec-logging", "name: other-check"), encoding="utf-8"
    )
    (ws / "b.json").write_text('{"analyzer": {"resource": {"type": "terraform-plan"}}}', encoding="utf-8")
    run = run_action(ws, {"payload": "plan.json", "policy": "policies/**\npolicies", "bindings": "b.json"})
    assert run.code == 1, run.stdout + run.stderr
    assert "Checking plan.json: 2 resources, 2 policies" in run.stdout  # one per cluster
    assert run.summary.count("(<code>check-ecs-exec-logging</code>,") == 1
    assert run.summary.count("(<code>other-check</code>,") == 1
