"""The README's examples run as written: its workflows pass actionlint, its
custom policy runs in the action without bindings, its pre-processing
example keeps the clusters in modules."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

try:
    from test_action_harness import run_action
except ImportError:  # tests collected as a package
    from tests.test_action_harness import run_action

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(yaml|sh)\n(.*?)^```$", README, re.M | re.S)


def _yaml_blocks(start: str) -> list[str]:
    return [body for kind, body in BLOCKS if kind == "yaml" and body.startswith(start)]


def test_workflows_are_complete_and_pass_actionlint(tmp_path):
    workflows = [b for b in _yaml_blocks("name: ") if "jobs:" in b]
    assert len(workflows) >= 2
    main = yaml.safe_load(workflows[0])
    assert main["permissions"] == {"contents": "read", "id-token": "write", "security-events": "write"}
    uses = [step.get("uses", "") for step in main["jobs"]["plan"]["steps"]]
    assert any(u.startswith("aws-actions/configure-aws-credentials@") for u in uses)
    assert "github/codeql-action/upload-sarif@v4" in uses
    assert uses.index("<org>/ecs-exec-guard@v1") < uses.index("github/codeql-action/upload-sarif@v4")
    assert "<owner>" not in README
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed")
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    files = []
    for i, text in enumerate(workflows):
        files.append(folder / f"readme-{i}.yml")
        files[-1].write_text(text.replace("<org>", "example-org"), encoding="utf-8")
    p = subprocess.run([actionlint, "-no-color", *map(str, files)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr


def test_custom_policy_runs_without_bindings(tmp_path):
    (block,) = _yaml_blocks("# .github/policies/")
    name = block.splitlines()[0][2:]
    ws = tmp_path / "workspace"
    shutil.copytree(REPO / "examples", ws)
    (ws / name).parent.mkdir(parents=True)
    (ws / name).write_text(block, encoding="utf-8")
    run = run_action(ws, {"payload": "ecs-cluster/plan.json", "policy": ".github/policies"})
    assert run.code == 1, run.stdout
    assert run.outputs["result"] == "fail" and run.outputs["violations"] == "2"
    assert "Rule error" not in run.stdout
    assert "severity: low" in run.summary


def test_pre_processing_example_keeps_module_clusters(tmp_path):
    (policy,) = _yaml_blocks("apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: ecs-exec-logging-per-resource")
    (command,) = [b for kind, b in BLOCKS if kind == "sh" and "--pre-process" in b]
    expression = re.search(r'--pre-process "([^"]+)"', command).group(1)
    (tmp_path / "per-resource.yaml").write_text(policy, encoding="utf-8")
    shutil.copy(REPO / "examples/ecs-cluster/plan.json", tmp_path / "plan.json")
    p = subprocess.run(
        [sys.executable, "-m", "ecs_exec_guard", "scan", "--payload", "plan.json", "--policy", "per-resource.yaml",
         "--pre-process", expression],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert p.returncode == 1, p.stderr
    failed = [line for line in p.stdout.splitlines() if line.endswith(" FAILED")]
    assert failed == [
        "- ecs-exec-logging-per-resource / ecs-exec-logging / aws_ecs_cluster.batch FAILED",
        "- ecs-exec-logging-per-resource / ecs-exec-logging / module.ecs.aws_ecs_cluster.this FAILED",
    ]
