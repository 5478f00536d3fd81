"""Bad inputs: one error annotation, a summary saying what is wrong, result=error, exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

try:
    from test_action_harness import DATA, action_defaults, copy_tree, run_action
except ImportError:  # tests collected as a package
    from tests.test_action_harness import DATA, action_defaults, copy_tree, run_action


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace"
    ws.mkdir()
    copy_tree("failing", ws)
    return ws


def assert_input_error(run, *needles: str, summary: tuple[str, ...] | None = None):
    assert run.code == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert len(run.errors) == 1, run.stdout
    # a file that cannot be used is annotated on it
    assert re.match(r"::error( file=[^:,]+)?::ecs-exec-guard: ", run.errors[0]), run.errors[0]
    assert run.stray_commands() == []
    assert run.outputs["result"] == "error"
    assert run.outputs["violations"] == "0"
    assert "## ⚠️ ECS Exec Guard: error" in run.summary
    assert "The check could not run" in run.summary
    for needle in needles:
        assert needle in run.errors[0]
    for needle in needles if summary is None else summary:
        assert needle in run.summary


def test_missing_payload(workspace: Path):
    run = run_action(workspace, {"payload": "nope/plan.json"})
    assert_input_error(run, "payload", "nope/plan.json", "not found")


def test_empty_payload(workspace: Path):
    run = run_action(workspace, {"payload": " \n , "})
    assert_input_error(run, "payload", "required")


def test_glob_without_match(workspace: Path):
    run = run_action(workspace, {"payload": "plans/**/*.json"})
    # the summary shows the pattern with its Markdown characters escaped
    assert_input_error(run, "no file matches", "plans/**/*.json", summary=("no file matches", r"plans/\*\*/\*.json"))


def test_payload_outside_workspace(workspace: Path, tmp_path: Path):
    (tmp_path / "secret.json").write_text("{}", encoding="utf-8")
    for value in ("../secret.json", str(tmp_path / "secret.json"), "../*.json"):
        run = run_action(workspace, {"payload": value})
        assert_input_error(run, "outside the workspace")


def test_symlink_leaving_workspace(workspace: Path, tmp_path: Path):
    (tmp_path / "elsewhere.json").write_text("{}", encoding="utf-8")
    (workspace / "link.json").symlink_to(tmp_path / "elsewhere.json")
    run = run_action(workspace, {"payload": "link.json"})
    assert_input_error(run, "outside the workspace")


def test_payload_is_a_folder(workspace: Path):
    run = run_action(workspace, {"payload": "modules"})
    assert_input_error(run, "folder")


def test_invalid_json_payload(workspace: Path):
    (workspace / "broken.json").write_text('{"planned_values": ', encoding="utf-8")
    run = run_action(workspace, {"payload": "broken.json"})
    assert_input_error(run, "broken.json")


@pytest.mark.parametrize("value", ["always", "yes", "violation"])
def test_invalid_fail_on(workspace: Path, value: str):
    run = run_action(workspace, {"payload": "plan.json", "fail-on": value})
    assert_input_error(run, "fail-on", value)


def test_invalid_boolean(workspace: Path):
    run = run_action(workspace, {"payload": "plan.json", "annotations": "maybe"})
    assert_input_error(run, "annotations", "maybe")


def test_bad_policy(workspace: Path):
    (workspace / "policy.yaml").write_text("apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nspec: [\n", encoding="utf-8")
    run = run_action(workspace, {"payload": "plan.json", "policy": "policy.yaml"})
    assert_input_error(run, "policy.yaml")


def test_missing_policy(workspace: Path):
    run = run_action(workspace, {"payload": "plan.json", "policy": "policies/none.yaml"})
    assert_input_error(run, "policy", "policies/none.yaml")


def test_missing_bindings(workspace: Path):
    run = run_action(workspace, {"payload": "plan.json", "bindings": "b.json"})
    assert_input_error(run, "bindings", "b.json")


def test_terraform_dir_not_a_folder(workspace: Path):
    run = run_action(workspace, {"payload": "plan.json", "terraform-dir": "main.tf"})
    assert_input_error(run, "terraform-dir")


def test_sarif_outside_workspace(workspace: Path):
    run = run_action(workspace, {"payload": "plan.json", "sarif-file": "../out.sarif"})
    assert_input_error(run, "sarif-file", "outside the workspace")


def test_error_message_is_escaped(workspace: Path):
    run = run_action(workspace, {"payload": "b%0A::warning::x\r.json"})
    assert run.code == 2
    assert len(run.errors) == 1
    assert run.stray_commands() == []
    # the % of the input is escaped (the runner does not decode it); the CR is quoted
    assert run.errors[0] == "::error::ecs-exec-guard: payload: 'b%250A::warning::x\\r.json' not found in the workspace"


def test_custom_policy_and_bindings(workspace: Path):
    # the bundled policy needs its binding; given explicitly with a custom path it works the same
    (workspace / "policies").mkdir()
    (workspace / "policies" / "ecs.yaml").write_bytes((DATA.parents[2] / "policies/check-ecs-exec-logging.yaml").read_bytes())
    (workspace / "plan.bindings.json").write_text('{"analyzer": {"resource": {"type": "terraform-plan"}}}', encoding="utf-8")
    run = run_action(workspace, {"payload": "plan.json", "policy": "policies", "bindings": "plan.bindings.json"})
    assert run.code == 1
    assert run.outputs["violations"] == "2"
    # without a bindings input, any policy gets the bundled terraform-plan binding
    run = run_action(workspace, {"payload": "plan.json", "policy": "policies/*.yaml"})
    assert run.code == 1, run.stdout
    assert run.outputs["violations"] == "2"


def test_undefined_variable_is_refused_at_load_time(workspace: Path):
    (workspace / "p.yaml").write_text(
        "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: needs-env\n"
        "spec:\n  rules:\n  - name: r\n    assert:\n      all:\n"
        "      - check:\n          (format_version == $env.version): true\n",
        encoding="utf-8",
    )
    run = run_action(workspace, {"payload": "plan.json", "policy": "p.yaml"})
    assert run.code == 2 and run.outputs["result"] == "error"
    assert len(run.errors) == 1
    error = run.errors[0]
    assert "p.yaml" in error and "needs-env" in error
    assert "spec.rules[0].assert.all[0].check.(format_version == $env.version)" in error
    assert "variable $env is not defined" in error and "`bindings` input" in error
    # names bound inside the rule are defined
    (workspace / "q.yaml").write_text(
        "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: bound\n"
        "spec:\n  rules:\n  - name: r\n    context:\n    - name: want\n      variable: '1.2'\n"
        "    assert:\n      all:\n      - check:\n          format_version->v:\n"
        "            (let $w = $want in $v == $w || $analyzer != null): true\n",
        encoding="utf-8",
    )
    run = run_action(workspace, {"payload": "plan.json", "policy": "q.yaml"})
    assert run.outputs["result"] != "error", run.stdout


def test_defaults_match_the_documented_behaviour():
    defaults = action_defaults()
    assert defaults == {
        "payload": "",
        "policy": "",
        "bindings": "",
        "terraform-dir": "",
        "fail-on": "violations",
        "annotations": "true",
        "summary": "true",
        "changed-only": "false",
        "sarif-file": "",
        "report-file": "",
        "report-resources": "false",
    }
