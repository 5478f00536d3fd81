"""SARIF output, checked against the SARIF 2.1.0 subset schema shipped with the package.

The schema (src/ecs_exec_guard/schemas/sarif-2.1.0-subset.json) is written
for this project from the SARIF 2.1.0 specification: the required
properties, enumerations and closed objects of everything the action
writes. It is read from the package, no network involved.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

try:
    from test_action_harness import copy_tree, line_of, run_action
except ImportError:  # tests collected as a package
    from tests.test_action_harness import copy_tree, line_of, run_action

TFPLANS = Path(__file__).resolve().parent / "data" / "tfplans"
REPO = Path(__file__).resolve().parent.parent


def sarif_validator() -> jsonschema.Draft7Validator:
    text = resources.files("ecs_exec_guard").joinpath("schemas/sarif-2.1.0-subset.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.fixture
def failing_run(tmp_path: Path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    copy_tree("failing", ws)
    run = run_action(ws, {"payload": "plan.json", "sarif-file": "reports/ecs-exec-guard.sarif"})
    return run


def test_sarif_written_and_valid(failing_run):
    run = failing_run
    assert run.code == 1
    assert run.outputs["sarif"] == "reports/ecs-exec-guard.sarif"
    doc = json.loads((run.workspace / "reports/ecs-exec-guard.sarif").read_text(encoding="utf-8"))
    errors = sorted(sarif_validator().iter_errors(doc), key=str)
    assert errors == [], [e.message for e in errors]

    assert doc["version"] == "2.1.0"
    (sarif_run,) = doc["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "ecs-exec-guard"
    assert driver["version"]
    assert driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    rule = rules["check-ecs-exec-logging/check-ecs-exec-logging"]
    assert rule["shortDescription"]["text"] == "ECS Exec logging must not be disabled"
    assert rule["fullDescription"]["text"].startswith("ECS Exec opens a shell")
    assert 'set logging to "DEFAULT" or "OVERRIDE"' in rule["help"]["text"]
    assert rule["properties"]["severity"] == "medium"
    assert rule["properties"]["security-severity"] == "5.5"
    assert rule["properties"]["category"] == "ECS Best Practices"

    results = sarif_run["results"]
    assert len(results) == 2
    by_address = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r for r in results}
    root = by_address["aws_ecs_cluster.jobs"]
    assert root["ruleId"] == "check-ecs-exec-logging/check-ecs-exec-logging"
    assert root["level"] == "error"
    assert driver["rules"][root["ruleIndex"]]["id"] == root["ruleId"]
    physical = root["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "main.tf", "uriBaseId": "%SRCROOT%"}
    assert physical["region"]["startLine"] == line_of(run.workspace / "main.tf", 'logging    = "NONE"')
    module = by_address["module.platform.aws_ecs_cluster.main"]
    assert module["ruleId"] == "check-ecs-exec-logging/check-ecs-exec-logging"
    assert module["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "modules/cluster/main.tf"
    assert "ECS Exec must have logging enabled" in module["message"]["text"]
    fingerprints = {r["partialFingerprints"]["ecsExecGuard/v1"] for r in results}
    assert len(fingerprints) == 2
    assert sarif_run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_for_a_clean_plan(tmp_path: Path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    copy_tree("clean", ws)
    run = run_action(ws, {"payload": "plan.json", "sarif-file": "out.sarif"})
    assert run.code == 0
    doc = json.loads((ws / "out.sarif").read_text(encoding="utf-8"))
    assert list(sarif_validator().iter_errors(doc)) == []
    assert doc["runs"][0]["results"] == []
    # one SARIF rule per rule of the bundled policy, even when nothing failed
    bundled = yaml.safe_load((REPO / "policies" / "check-ecs-exec-logging.yaml").read_text())
    expected = [f"check-ecs-exec-logging/{r['name']}" for r in bundled["spec"]["rules"]]
    assert [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]] == expected


@pytest.mark.parametrize(
    ("severity", "score"),
    [("low", "3.0"), ("medium", "5.5"), ("high", "8.0"), ("critical", "9.5"), ("Critical", "9.5"), ("unusual", None)],
)
def test_security_severity(severity, score):
    from ecs_exec_guard.action.sarif import _rule_descriptor

    class P:
        name = "p"
        annotations = {"policies.kyverno.io/severity": severity}

    props = _rule_descriptor(P, "r")["properties"]
    assert props.get("security-severity") == score


def test_schema_rejects_broken_documents():
    validator = sarif_validator()
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}
    assert list(validator.iter_errors(good)) == []
    for broken in (
        {"runs": []},
        {"version": "2.0.0", "runs": []},
        {"version": "2.1.0", "runs": [{"results": []}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "error"}]}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "extra": 1}]}]},
    ):
        assert list(validator.iter_errors(broken)), broken


def test_sarif_write_is_atomic(failing_run):
    # nothing but the SARIF file itself in its folder: the temporary file was renamed over it
    assert [p.name for p in (failing_run.workspace / "reports").iterdir()] == ["ecs-exec-guard.sarif"]


@pytest.mark.parametrize(("fail_on", "code"), [("violations", 2), ("never", 0)])
def test_sarif_that_cannot_be_written(tmp_path: Path, fail_on: str, code: int):
    ws = tmp_path / "workspace"
    ws.mkdir()
    copy_tree("failing", ws)
    run = run_action(ws, {"payload": "plan.json", "sarif-file": "main.tf/out.sarif", "fail-on": fail_on})
    assert run.code == code
    assert run.outputs["result"] == "error"
    assert "sarif" not in run.outputs
    assert run.errors[0].startswith("::error::ecs-exec-guard: sarif-file: cannot write main.tf/out.sarif")
    assert len(run.errors) == 3  # then the two failing clusters
    assert run.stray_commands() == []


def test_clusters_known_only_after_apply_are_warnings(tmp_path: Path):
    ws = tmp_path / "workspace"
    shutil.copytree(TFPLANS / "unknown", ws / "unknown")
    run = run_action(ws, {"payload": "unknown/plan.json", "sarif-file": "out.sarif"})
    assert run.code == 1
    doc = json.loads((ws / "out.sarif").read_text(encoding="utf-8"))
    errors = sorted(sarif_validator().iter_errors(doc), key=str)
    assert errors == [], [e.message for e in errors]
    (sarif_run,) = doc["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    by_address = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r for r in sarif_run["results"]}
    assert {a: r["level"] for a, r in by_address.items()} == {
        "aws_ecs_cluster.literal": "error",
        "aws_ecs_cluster.computed": "warning",
        "aws_ecs_cluster.dynamic": "warning",
    }
    computed = by_address["aws_ecs_cluster.computed"]
    assert rules[computed["ruleIndex"]]["id"] == computed["ruleId"] == "ecs-exec-guard/logging-known-after-apply"
    assert rules[computed["ruleIndex"]]["defaultConfiguration"]["level"] == "warning"
    assert "ECS Exec logging is known only after apply" in computed["message"]["text"]
    # where the ::warning annotation points
    physical = computed["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "unknown/main.tf"
    assert physical["region"]["startLine"] == line_of(ws / "unknown/main.tf", "logging = aws_cloudwatch_log_group.exec.arn")
    warning = next(line for line in run.stdout.splitlines() if line.startswith("::warning"))
    assert warning.startswith(f"::warning file=unknown/main.tf,line={physical['region']['startLine']},")
    fingerprints = {r["partialFingerprints"]["ecsExecGuard/v1"] for r in sarif_run["results"]}
    assert len(fingerprints) == 3


def _generated_plan(tmp_path: Path, resources: int, clusters: int, failing: int) -> Path:
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_plan", REPO / "benchmarks" / "generate_plan.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    plan = mod.generate(resources, clusters, failing, seed=3)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def _scan_sarif(capsys, path: Path) -> tuple[int, dict]:
    from ecs_exec_guard.cli import main

    capsys.readouterr()
    code = main(["scan", "--output", "sarif", "--payload", str(path)])
    return code, json.loads(capsys.readouterr().out)


def test_results_past_code_scannings_limit_are_left_out_and_said_so(tmp_path: Path, capsys, monkeypatch):
    from ecs_exec_guard.action import sarif

    monkeypatch.setattr(sarif, "MAX_RESULTS", 10)
    code, doc = _scan_sarif(capsys, _generated_plan(tmp_path, 150, 40, 25))
    assert code == 1
    assert sorted(sarif_validator().iter_errors(doc), key=str) == []
    (sarif_run,) = doc["runs"]
    assert len(sarif_run["results"]) == 10
    (note,) = sarif_run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning"
    assert note["message"]["text"].startswith("15 more results left out: GitHub code scanning accepts at most 10")
    # no rule failed to run: the run itself succeeded
    assert sarif_run["invocations"][0]["executionSuccessful"] is True


def test_texts_from_the_plan_are_cut_in_sarif(tmp_path: Path, capsys):
    from ecs_exec_guard.action.sarif import MAX_TEXT

    path = _generated_plan(tmp_path, 60, 12, 1)
    plan = json.loads(path.read_text(encoding="utf-8"))
    failing = next(
        c for c in plan["resource_changes"]
        if c["type"] == "aws_ecs_cluster"
        and c["change"]["after"]["configuration"]
        and c["change"]["after"]["configuration"][0]["execute_command_configuration"][0]["logging"] == "NONE"
    )
    long_address = "aws_ecs_cluster." + "x" * (3 * MAX_TEXT)
    failing["address"] = long_address
    path.write_text(json.dumps(plan), encoding="utf-8")
    code, doc = _scan_sarif(capsys, path)
    assert code == 1
    assert sorted(sarif_validator().iter_errors(doc), key=str) == []
    # (planned_values still names the cluster by its first address: two results)
    names = [r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in doc["runs"][0]["results"]]
    (result,) = [r for r, n in zip(doc["runs"][0]["results"], names) if len(n) > 100]
    name = result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    assert "aws_ecs_cluster.xxx" in name
    assert len(name) < MAX_TEXT + 100 and name.endswith(" more characters)")
    assert len(result["message"]["text"]) < MAX_TEXT + 100
