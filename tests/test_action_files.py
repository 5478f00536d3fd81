"""action.yml, the Dockerfile and the CI workflow: the contract a runner and a user rely on."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

try:
    from test_action_harness import ACTION_YML, ROOT
except ImportError:  # tests collected as a package
    from tests.test_action_harness import ACTION_YML, ROOT

BIN = Path(sys.executable).parent


def tool(name: str) -> str | None:
    path = BIN / name
    return str(path) if path.exists() else shutil.which(name)


def test_action_metadata():
    spec = yaml.safe_load(ACTION_YML.read_text(encoding="utf-8"))
    assert spec["name"] and spec["description"] and spec["author"]
    assert spec["branding"]["icon"] and spec["branding"]["color"]
    assert spec["runs"] == {"using": "docker", "image": "Dockerfile"}
    assert list(spec["inputs"]) == [
        "payload", "policy", "bindings", "terraform-dir", "fail-on", "annotations", "summary", "changed-only",
        "sarif-file", "report-file", "report-resources",
    ]
    assert spec["inputs"]["payload"]["required"] is True
    assert set(spec["outputs"]) == {"result", "violations", "report", "sarif"}
    for item in list(spec["inputs"].values()) + list(spec["outputs"].values()):
        assert item["description"].strip()


def test_dockerfile():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for base in re.findall(r"^FROM (\S+)", text, re.M):
        # a tag for people, a digest for the build
        assert re.fullmatch(r"python:3\.\d+-slim-\w+@sha256:[0-9a-f]{64}", base), base
    assert "PIP_NO_CACHE_DIR=1" in text
    entry = re.search(r"^ENTRYPOINT (.+)$", text, re.M).group(1)
    assert json.loads(entry) == ["ecs-exec-guard", "action"]
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for name in (".git", ".venv", "tests", "benchmarks"):
        assert name in ignore


def test_dockerfile_copies_what_the_package_needs():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = set()
    for line in re.findall(r"^COPY (.+)$", text, re.M):
        copied.update(line.split()[:-1])
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert {"pyproject.toml", "src", "policies", "requirements.lock", "LICENSE"} <= copied
    readme = re.search(r'^readme\s*=\s*"([^"]+)"', pyproject, re.M)
    if readme:
        assert readme.group(1) in copied


def test_ci_workflow_runs_the_action():
    wf = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    jobs = wf["jobs"]
    assert {"lint", "test", "action"} <= set(jobs)
    steps = jobs["action"]["steps"]
    guard = next(s for s in steps if s.get("uses") == "./" and s.get("id") == "guard")
    assert guard["continue-on-error"] is True
    assert guard["with"]["payload"] == "examples/ecs-cluster/plan.json"
    text = yaml.safe_dump(steps)
    assert "steps.guard.outputs.result" in text and "fail" in text
    assert not (ROOT / ".github/workflows/example.yml").exists()


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_check_jsonschema():
    exe = tool("check-jsonschema")
    if exe is None:
        pytest.skip("check-jsonschema is not installed")
    proc = _run([exe, "--builtin-schema", "vendor.github-actions", "action.yml"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    workflows = sorted(str(p.relative_to(ROOT)) for p in (ROOT / ".github/workflows").glob("*.yml"))
    proc = _run([exe, "--builtin-schema", "vendor.github-workflows", *workflows])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hadolint():
    exe = tool("hadolint")
    if exe is None:
        pytest.skip("hadolint is not installed")
    proc = _run([exe, "--failure-threshold", "warning", "Dockerfile"])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint():
    exe = tool("actionlint")
    if exe is None:
        pytest.skip("actionlint is not installed")
    proc = _run([exe])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_example_plan_matches_its_sources():
    plan = json.loads((ROOT / "examples/ecs-cluster/plan.json").read_text(encoding="utf-8"))
    calls = plan["configuration"]["root_module"]["module_calls"]
    assert calls["ecs"]["source"] == "./modules/ecs"
    assert plan["planned_values"]["root_module"]["child_modules"][0]["address"] == "module.ecs"
    modules = {rc["address"]: rc.get("module_address") for rc in plan["resource_changes"]}
    assert modules["module.ecs.aws_ecs_cluster.this"] == "module.ecs"
    main_tf = (ROOT / "examples/ecs-cluster/main.tf").read_text(encoding="utf-8")
    module_tf = (ROOT / "examples/ecs-cluster/modules/ecs/main.tf").read_text(encoding="utf-8")
    for address in plan["planned_values"]["root_module"]["resources"]:
        rtype, name = address["type"], address["name"]
        assert f'resource "{rtype}" "{name}"' in main_tf
    assert 'resource "aws_ecs_cluster" "this"' in module_tf


def test_lock_file_covers_the_dependencies():
    """requirements.lock (tools/update-lock.sh) pins every runtime dependency
    within its pyproject range, each with hashes; regenerate it when this fails."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    from packaging.requirements import Requirement

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = {}
    for m in re.finditer(r"^([A-Za-z0-9._-]+)==(\S+)(?: ;[^\\\n]*)? \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", text, re.M):
        pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    pinned_lines = re.findall(r"^[A-Za-z0-9._-]+==", text, re.M)
    assert len(pins) == len(pinned_lines)  # every pin has hashes
    for dep in deps:
        req = Requirement(dep)
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not in requirements.lock: run tools/update-lock.sh"
        assert req.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} is outside {req.specifier}"
