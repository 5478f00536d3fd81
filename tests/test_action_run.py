"""The action end to end: the entrypoint run as the container runs it."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

try:
    from test_action_harness import DATA, ROOT, copy_tree, line_of, run_action
except ImportError:  # tests collected as a package
    from tests.test_action_harness import DATA, ROOT, copy_tree, line_of, run_action


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace"
    ws.mkdir()
    return ws


def test_failing_plan(workspace: Path):
    copy_tree("failing", workspace)
    run = run_action(workspace, {"payload": "plan.json"})

    assert run.code == 1, run.stdout + run.stderr
    assert run.stray_commands() == []
    root_line = line_of(workspace / "main.tf", 'logging    = "NONE"')
    module_line = line_of(workspace / "modules/cluster/main.tf", 'logging = "NONE"')
    root = run.annotation("aws_ecs_cluster.jobs")
    assert root.startswith(f"::error file=main.tf,line={root_line},title=ECS Exec logging must not be disabled::")
    module = run.annotation("module.platform.aws_ecs_cluster.main")
    assert module.startswith(f"::error file=modules/cluster/main.tf,line={module_line},title=")
    assert "%0AFix: " in root  # the remediation, on its own line of the message
    assert len(run.errors) == 2
    assert not any("aws_ecs_cluster.api" in line for line in run.errors)
    assert run.notices == []

    assert run.outputs["result"] == "fail"
    assert run.outputs["violations"] == "2"
    for address in ("aws_ecs_cluster.jobs", "module.platform.aws_ecs_cluster.main", "aws_ecs_cluster.api"):
        assert address in run.summary
    assert "{{" not in run.summary and "{%" not in run.summary
    assert "## ❌ ECS Exec Guard: fail" in run.summary
    assert "severity: medium" in run.summary
    assert f"main.tf:{root_line}" in run.summary
    assert f"modules/cluster/main.tf:{module_line}" in run.summary
    assert "DEFAULT" in run.summary and "OVERRIDE" in run.summary
    # the log echoes the kyverno-style report, one line per cluster, framed as inert text
    assert "- check-ecs-exec-logging / check-ecs-exec-logging / aws_ecs_cluster.jobs FAILED" in run.stdout
    assert "- check-ecs-exec-logging / check-ecs-exec-logging / module.platform.aws_ecs_cluster.main FAILED" in run.stdout
    assert "- check-ecs-exec-logging / check-ecs-exec-logging / aws_ecs_cluster.api PASSED" in run.stdout


def test_no_report_and_nothing_written_by_default(workspace: Path):
    copy_tree("failing", workspace)
    before = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
    run = run_action(workspace, {"payload": "plan.json"})
    assert run.code == 1
    assert "report" not in run.outputs
    assert sorted(p.relative_to(workspace) for p in workspace.rglob("*")) == before
    assert list(run.runner_temp.iterdir()) == []


def test_report_file_without_resources(workspace: Path):
    copy_tree("failing", workspace)
    run = run_action(workspace, {"payload": "plan.json", "report-file": "out/report.json"})
    assert run.outputs["report"] == "out/report.json"
    report = workspace / "out/report.json"
    doc = json.loads(report.read_text(encoding="utf-8"))
    # one entry per cluster (the bundled policy reads the plan through the cluster analyzer)
    assert isinstance(doc, list) and len(doc) == 3
    assert "resource" not in doc[0]
    assert [(e["payload"], e["document"]) for e in doc] == [("plan.json", 0), ("plan.json", 1), ("plan.json", 2)]
    failed = {
        rule["identifier"]: [v["message"] for v in rule["violations"]]
        for entry in doc
        for res in entry["results"]
        for rule in res["rules"]
        if rule.get("violations")
    }
    assert failed == {
        "aws_ecs_cluster.jobs": ["ECS Exec must have logging enabled (CHECK=spec.rules[0].assert.all[0])"],
        "module.platform.aws_ecs_cluster.main": ["ECS Exec must have logging enabled (CHECK=spec.rules[0].assert.all[0])"],
    }
    assert "sarif" not in run.outputs
    assert not list(run.runner_temp.glob(".ecs-exec-guard-*"))  # no temporary file left


def test_report_file_with_resources_is_kyverno_json_form(workspace: Path, tmp_path: Path):
    copy_tree("failing", workspace)
    run = run_action(workspace, {"payload": "plan.json", "report-file": "r.json", "report-resources": "true"})
    assert run.code == 1
    written = (workspace / "r.json").read_bytes()
    # byte for byte what `scan --output json` prints for the same payload and policy
    from ecs_exec_guard.cli import main

    out = tmp_path / "scan.json"
    import contextlib
    import io

    buf = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stdout(buf):
        assert main(["scan", "--payload", str(workspace / "plan.json"), "--output", "json"]) == 1
    buf.flush()
    out.write_bytes(buf.buffer.getvalue())
    assert written == out.read_bytes()
    assert json.loads(written)[0]["resource"]["address"]
    assert not list(workspace.glob(".ecs-exec-guard-*"))


def test_clean_plan(workspace: Path):
    copy_tree("clean", workspace)
    run = run_action(workspace, {"payload": "plan.json"})
    assert run.code == 0, run.stdout + run.stderr
    assert run.outputs["result"] == "pass"
    assert run.outputs["violations"] == "0"
    assert run.errors == [] and run.notices == []
    assert "## ✅ ECS Exec Guard: pass" in run.summary
    assert "aws_ecs_cluster.web" in run.summary and "aws_ecs_cluster.plain" in run.summary
    assert "not set" in run.summary  # the cluster without an execute_command_configuration


def test_console_script(workspace: Path):
    script = Path(sys.executable).parent / "ecs-exec-guard"
    if not script.exists():
        pytest.skip("the console script is not installed beside this interpreter")
    copy_tree("failing", workspace)
    run = run_action(workspace, {"payload": "plan.json"}, command=[str(script), "action"])
    assert run.code == 1
    assert run.outputs["result"] == "fail"
    assert len(run.errors) == 2


def test_terraform_dir_elsewhere(workspace: Path):
    # the plan sits in plans/, the sources in infra/; an older copy of them in legacy/
    shutil.copy(DATA / "failing" / "plan.json", workspace / "plan-in-root.json")
    (workspace / "plans").mkdir()
    shutil.move(workspace / "plan-in-root.json", workspace / "plans" / "plan.json")
    copy_tree("failing", workspace, "infra")
    (workspace / "infra" / "plan.json").unlink()
    legacy = copy_tree("failing", workspace, "legacy")
    (legacy / "plan.json").unlink()
    text = (legacy / "main.tf").read_text(encoding="utf-8")
    (legacy / "main.tf").write_text("# legacy\n\n\n" + text, encoding="utf-8")

    run = run_action(workspace, {"payload": "plans/plan.json", "terraform-dir": "infra"})
    assert run.code == 1
    root_line = line_of(workspace / "infra/main.tf", 'logging    = "NONE"')
    module_line = line_of(workspace / "infra/modules/cluster/main.tf", 'logging = "NONE"')
    assert run.annotation("aws_ecs_cluster.jobs").startswith(f"::error file=infra/main.tf,line={root_line},")
    assert run.annotation("module.platform.aws_ecs_cluster.main").startswith(
        f"::error file=infra/modules/cluster/main.tf,line={module_line},"
    )


def test_sources_of_another_folder_are_never_used(workspace: Path):
    # the sources are looked for where the plan's module paths lead (the payload's folder
    # or terraform-dir), never in another root module of the workspace
    (workspace / "plans").mkdir()
    shutil.copy(DATA / "failing" / "plan.json", workspace / "plans" / "plan.json")
    copy_tree("failing", workspace, "stack")
    (workspace / "stack" / "plan.json").unlink()
    run = run_action(workspace, {"payload": "plans/plan.json"})
    jobs = run.annotation("aws_ecs_cluster.jobs")
    assert jobs.startswith("::error file=plans/plan.json,line=")
    assert "no .tf source was found" in jobs
    assert "stack/" not in run.stdout


def test_unknown_source_points_at_the_plan(workspace: Path):
    shutil.copy(DATA / "failing" / "plan.json", workspace / "plan.json")
    run = run_action(workspace, {"payload": "plan.json"})
    line = run.annotation("aws_ecs_cluster.jobs")
    assert line.startswith("::error file=plan.json,line=")
    assert ",line=," not in line and "line=0" not in line


@pytest.mark.parametrize(
    ("fail_on", "plan", "code", "result"),
    [
        ("never", "failing", 0, "fail"),
        ("errors", "failing", 0, "fail"),
        ("violations", "failing", 1, "fail"),
        ("never", "clean", 0, "pass"),
        ("errors", "clean", 0, "pass"),
    ],
)
def test_fail_on(workspace: Path, fail_on: str, plan: str, code: int, result: str):
    copy_tree(plan, workspace)
    run = run_action(workspace, {"payload": "plan.json", "fail-on": fail_on})
    assert run.code == code
    assert run.outputs["result"] == result


STRICT_POLICY = """\
apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: strict
  annotations:
    ecs-exec-guard.io/analyzer: terraform-ecs-clusters
spec:
  rules:
  - name: strict
    identifier: address
    match:
      all:
      - mode: managed
    assert:
      all:
      - message: logging must be set
        check:
          values:
            ~.(configuration):
              execute_command_configuration:
                ~.(@):
                  (logging != 'NONE'): true
"""


@pytest.mark.parametrize(("fail_on", "code"), [("violations", 2), ("errors", 2), ("never", 0)])
def test_rule_error(workspace: Path, fail_on: str, code: int):
    # one cluster without a configuration list: a policy that iterates over it errors on that
    # cluster only; the others are still judged
    copy_tree("failing", workspace)
    (workspace / "strict.yaml").write_text(STRICT_POLICY, encoding="utf-8")
    plan = json.loads((workspace / "plan.json").read_text(encoding="utf-8"))
    for entry in plan["resource_changes"]:
        if entry["address"] == "aws_ecs_cluster.api":
            del entry["change"]["after"]["configuration"]
    (workspace / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    run = run_action(workspace, {"payload": "plan.json", "fail-on": fail_on, "policy": "strict.yaml",
                                 "bindings": ""})
    assert run.code == code
    assert run.outputs["result"] == "error"
    assert run.errors[0].startswith("::error file=plan.json,title=Rule error")
    assert "aws_ecs_cluster.jobs" in run.annotation("aws_ecs_cluster.jobs")  # still annotated
    assert "### Errors" in run.summary and "expected a slice or a map" in run.summary
    assert "rule error" in run.summary
    assert run.stray_commands() == []


def test_missing_configuration_is_no_error(workspace: Path):
    # a provider older than 3.46 writes no configuration: the default (DEFAULT) applies
    copy_tree("clean", workspace)
    plan = json.loads((workspace / "plan.json").read_text(encoding="utf-8"))
    for entry in plan["resource_changes"]:
        entry["change"]["after"].pop("configuration", None)
    (workspace / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    run = run_action(workspace, {"payload": "plan.json"})
    assert run.code == 0 and run.outputs["result"] == "pass", run.stdout


def test_annotations_and_summary_off(workspace: Path):
    copy_tree("failing", workspace)
    run = run_action(workspace, {"payload": "plan.json", "annotations": "false", "summary": "false"})
    assert run.code == 1
    assert run.errors == []
    assert run.summary == ""
    assert run.outputs["result"] == "fail"


def test_several_payloads_by_glob(workspace: Path):
    copy_tree("failing", workspace, "stacks/a")
    copy_tree("clean", workspace, "stacks/b")
    run = run_action(workspace, {"payload": "stacks/*/plan.json", "report-file": "report.json"})
    assert run.code == 1
    assert run.outputs["violations"] == "2"
    assert run.annotation("aws_ecs_cluster.jobs").startswith("::error file=stacks/a/main.tf,line=16,")
    assert "aws_ecs_cluster.web" in run.summary and "stacks/b/plan.json" in run.summary
    report = json.loads((workspace / run.outputs["report"]).read_text(encoding="utf-8"))
    assert len(report) == 5  # one entry per cluster: 3 + 2
    assert [e["payload"] for e in report] == ["stacks/a/plan.json"] * 3 + ["stacks/b/plan.json"] * 2
    # one group per payload in the log, each with its counts and timing
    groups = [line for line in run.stdout.splitlines() if line.startswith("::group::")]
    assert groups == ["::group::stacks/a/plan.json", "::group::stacks/b/plan.json"]
    assert run.stdout.count("::endgroup::") == 2
    assert re.search(r"Checking stacks/a/plan.json: 3 resources, 1 policy, 2 failing resources \(\d+\.\d\d s\)", run.stdout)


def test_payload_list_newlines_and_commas(workspace: Path):
    copy_tree("failing", workspace, "a")
    copy_tree("clean", workspace, "b")
    copy_tree("clean", workspace, "c")
    run = run_action(workspace, {"payload": "a/plan.json\n b/plan.json, c/plan.json\n", "report-file": "report.json"})
    assert run.code == 1
    assert "Checking a/plan.json" in run.stdout and "Checking b/plan.json" in run.stdout
    assert "Checking c/plan.json" in run.stdout
    report = json.loads((workspace / run.outputs["report"]).read_text(encoding="utf-8"))
    assert len(report) == 7  # one entry per cluster: 3 + 2 + 2


def test_example_plan_fails_as_documented(workspace: Path):
    shutil.copytree(ROOT / "examples", workspace / "examples")
    run = run_action(workspace, {"payload": "examples/ecs-cluster/plan.json"})
    assert run.code == 1
    assert run.outputs["result"] == "fail" and run.outputs["violations"] == "2"
    main_tf = workspace / "examples/ecs-cluster/main.tf"
    module_tf = workspace / "examples/ecs-cluster/modules/ecs/main.tf"
    none = 'logging = "NONE"'
    assert run.annotation("aws_ecs_cluster.batch").startswith(
        f"::error file=examples/ecs-cluster/main.tf,line={line_of(main_tf, none)},"
    )
    assert run.annotation("module.ecs.aws_ecs_cluster.this").startswith(
        f"::error file=examples/ecs-cluster/modules/ecs/main.tf,line={line_of(module_tf, none)},"
    )
    assert "aws_ecs_cluster.payments" in run.summary
