"""The container, without Docker: what the Dockerfile copies, installed the
way it installs it into a fresh virtual environment, then its ENTRYPOINT
run with the environment a GitHub runner gives a container action."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent


VENV = "/opt/ecs-exec-guard"


def _stages(text: str) -> list[list[str]]:
    """Each stage's instructions, continuation lines joined, comments dropped."""
    stages: list[list[str]] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        current += line[:-1] + " " if line.endswith("\\") else line
        if line.endswith("\\"):
            continue
        if current.startswith("FROM "):
            stages.append([])
        stages[-1].append(current)
        current = ""
    return stages


def _dockerfile():
    """(files the build stage copies, its RUN commands, the final ENTRYPOINT)."""
    text = (REPO / "Dockerfile").read_text()
    build, final = _stages(text)[0], _stages(text)[-1]
    copies = [name for ins in build if ins.startswith("COPY ") for name in ins.split()[1:-1]]
    runs = [ins[4:] for ins in build if ins.startswith("RUN ")]
    entry = json.loads(next(ins for ins in final if ins.startswith("ENTRYPOINT ")).split(" ", 1)[1])
    return copies, runs, entry


def test_final_stage_holds_only_the_virtual_environment():
    stages = _stages((REPO / "Dockerfile").read_text())
    assert len(stages) == 2
    froms = [stage[0] for stage in stages]
    base = re.fullmatch(r"FROM (python:3\.11-slim-bookworm@sha256:[0-9a-f]{64})( AS build)?", froms[0]).group(1)
    assert froms[1] == f"FROM {base}"  # the same pinned base for both
    final = stages[1]
    assert not [ins for ins in final if ins.startswith("RUN ")]  # no package manager, no compiler, no git
    assert [ins for ins in final if ins.startswith("COPY ")] == [f"COPY --from=build {VENV} {VENV}"]
    installs = [ins for ins in stages[0] if "pip install" in ins]
    assert "--require-hashes" in installs[0] and "-r requirements.lock" in installs[0]
    assert "--no-deps ." in installs[1]
    assert "apt-get" not in (REPO / "Dockerfile").read_text()


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """A fresh venv holding the project as the image holds it: the build stage's
    commands run in order, with the venv at a temporary path."""
    root = tmp_path_factory.mktemp("image")
    src = root / "src-copy"
    src.mkdir()
    copies, runs, entry = _dockerfile()
    for name in copies:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(path, src / name)
    venv = root / "venv"
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    for command in runs:
        command = command.replace(VENV, str(venv))
        if command.startswith("python "):
            command = f"{shlex.quote(sys.executable)} {command[len('python '):]}"
        subprocess.run(["sh", "-ec", command], cwd=src, env=env, check=True, timeout=900, capture_output=True)
    assert not (venv / "bin" / "pip").exists()  # the installer left the environment
    command = [str(venv / "bin" / entry[0]), *entry[1:]]
    return command


def _runner_env(ws: Path, tmp: Path, **inputs):
    action = yaml.safe_load((REPO / "action.yml").read_text())
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp / "home")}
    for name, spec in action["inputs"].items():
        env[f"INPUT_{name.upper()}"] = str(spec.get("default", ""))
    for name, value in inputs.items():
        env[f"INPUT_{name.upper()}"] = value
    (tmp / "summary.md").write_text("")
    (tmp / "output.txt").write_text("")
    env.update(
        GITHUB_ACTIONS="true", CI="true", GITHUB_WORKSPACE=str(ws),
        GITHUB_STEP_SUMMARY=str(tmp / "summary.md"), GITHUB_OUTPUT=str(tmp / "output.txt"),
        RUNNER_TEMP=str(tmp / "runner-temp"),
    )
    (tmp / "runner-temp").mkdir(exist_ok=True)
    return env


def _outputs(text: str) -> dict:
    out, lines, i = {}, text.splitlines(), 0
    while i < len(lines):
        name, _, delim = lines[i].partition("<<")
        j = lines.index(delim, i + 1)
        out[name] = "\n".join(lines[i + 1 : j])
        i = j + 1
    return out


def _none_line(path: Path) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if re.search(r'logging\s*=\s*"NONE"', line))


def test_entrypoint_on_the_example_as_a_runner_runs_it(image, tmp_path):
    ws = tmp_path / "workspace"
    shutil.copytree(REPO / "examples", ws)
    env = _runner_env(ws, tmp_path, PAYLOAD="ecs-cluster/plan.json")
    p = subprocess.run(image, cwd=ws, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stderr
    assert "Traceback" not in p.stderr
    errors = [line for line in p.stdout.splitlines() if line.startswith("::error ")]
    root_line = _none_line(ws / "ecs-cluster" / "main.tf")
    module_line = _none_line(ws / "ecs-cluster" / "modules" / "ecs" / "main.tf")
    assert any(e.startswith(f"::error file=ecs-cluster/main.tf,line={root_line},") for e in errors), errors
    assert any(e.startswith(f"::error file=ecs-cluster/modules/ecs/main.tf,line={module_line},") for e in errors), errors
    assert len(errors) == 2
    outputs = _outputs((tmp_path / "output.txt").read_text())
    assert outputs["result"] == "fail" and outputs["violations"] == "2"
    summary = (tmp_path / "summary.md").read_text()
    for address in ("aws_ecs_cluster.batch", "module.ecs.aws_ecs_cluster.this", "aws_ecs_cluster.payments"):
        assert address in summary
    assert "{{" not in summary and "{%" not in summary


def test_entrypoint_reports_an_input_error_once(image, tmp_path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    env = _runner_env(ws, tmp_path, PAYLOAD="missing/plan.json")
    p = subprocess.run(image, cwd=ws, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr + p.stdout
    assert len([line for line in p.stdout.splitlines() if line.startswith("::error")]) == 1
    assert _outputs((tmp_path / "output.txt").read_text())["result"] == "error"
    assert os.path.getsize(tmp_path / "summary.md") > 0
