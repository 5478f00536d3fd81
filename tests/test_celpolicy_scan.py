"""`scan` and the Action with CEL policies; kyverno-json's own CEL compiler."""

import json
import textwrap
from pathlib import Path

import pytest

try:
    from test_action_harness import copy_tree, run_action
except ImportError:  # tests collected as a package
    from tests.test_action_harness import copy_tree, run_action

REPO = Path(__file__).resolve().parent.parent
CEL_ECS = REPO / "policies" / "cel" / "check-ecs-exec-logging.yaml"


def kj_policy(spec: str, name: str = "test") -> str:
    """A kyverno-json ValidatingPolicy around an indented ``spec`` body."""
    body = textwrap.indent(textwrap.dedent(spec).strip("\n"), "  ")
    return f"apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: {name}\nspec:\n{body}\n"


def cel(name, validations, conditions=()):
    text = (
        "apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\n"
        f"metadata:\n  name: {name}\nspec:\n  evaluation:\n    mode: JSON\n"
    )
    if conditions:
        text += "  matchConditions:\n" + "".join(
            f"  - name: c{i}\n    expression: {json.dumps(c)}\n" for i, c in enumerate(conditions)
        )
    text += "  validations:\n"
    for v in validations:
        v = {"expression": v} if isinstance(v, str) else v
        text += "".join(f"  {'-' if i == 0 else ' '} {k}: {json.dumps(x)}\n" for i, (k, x) in enumerate(v.items()))
    return text


# --- CEL ValidatingPolicy under scan ---------------------------------------


def test_scan_reports_one_unnamed_rule(scan):
    r = scan(cel("p", [{"expression": "object.a == 1", "message": "a must be 1"}]), {"a": 2})
    assert r.code == 1
    assert r.rule_lines == ["- p /  /  FAILED", "-> a must be 1"]
    assert scan(cel("p", ["object.a == 1"]), {"a": 1}).rule_lines == ["- p /  /  PASSED"]


def test_scan_error_and_skip(scan):
    r = scan(cel("p", ["object.missing == 1"]), {"a": 1})
    assert r.code == 2
    assert r.rule_lines[0].startswith("- p /  /  ERROR: spec.validations[0].expression: ")
    skipped = scan(cel("p", ["false"], conditions=["has(object.b)"]), {"a": 1})
    assert (skipped.code, skipped.rule_lines) == (0, [])


def test_scan_list_payload_gives_one_result_per_document(scan):
    r = scan(cel("p", ["object.a == 1"]), [{"a": 1}, {"a": 2}])
    assert r.rule_lines == ["- p /  /  PASSED", "- p /  /  FAILED", "-> CEL expression validation failed at index 0"]


def test_scan_json_numbers_are_doubles_yaml_keeps_ints(scan):
    assert scan(cel("p", ["type(object.n) == double"]), {"n": 1}).code == 0
    assert scan(cel("p", ["type(object.n) == int"]), "n: 1\n", payload_name="p.yaml").code == 0


def test_mixed_policies_in_one_file(scan):
    text = kj_policy("""
        rules:
        - name: r
          assert:
            all:
            - check: {a: 2}
    """, name="kj") + "---\n" + cel("c", ["object.a == 1"])
    r = scan(text, {"a": 1})
    assert r.code == 1
    assert r.rule_lines[0] == "- kj / r /  FAILED"
    assert "- c /  /  PASSED" in r.rule_lines


def test_scan_json_report(scan):
    r = scan(cel("p", [{"expression": "false", "message": "nope"}]), {"a": 1}, "--output", "json")
    report = json.loads(r.out)
    result = report[0]["results"][0]
    assert result["policy"]["apiVersion"] == "policies.kyverno.io/v1alpha1"
    assert result["rules"][0]["rule"] == {"name": ""}
    assert result["rules"][0]["violations"] == [{"message": "nope (CHECK=spec.validations[0])"}]


# --- kyverno-json's compiler: cel -------------------------------------------


def test_cel_key_and_value(scan):
    text = kj_policy("""
        rules:
        - name: r
          assert:
            all:
            - check:
                (cel; object.items.size()): 2
                items:
                  (cel; object[0] + 1): (cel; 3)
    """)
    assert scan(text, "items: [2, 5]\n", payload_name="p.yaml").code == 0
    assert scan(text, "items: [1, 5]\n", payload_name="p.yaml").code == 1


@pytest.mark.parametrize("where", ["spec", "rule", "assert", "assertion"])
def test_compiler_field_sets_the_default(scan, where):
    rule = {"name": "r", "assert": {"all": [{"check": {"(object.a.startsWith('x'))": True}}]}}
    spec = {"rules": [rule]}
    target = {"spec": spec, "rule": rule, "assert": rule["assert"], "assertion": rule["assert"]["all"][0]}[where]
    target["compiler"] = "cel"
    doc = {"apiVersion": "json.kyverno.io/v1alpha1", "kind": "ValidatingPolicy", "metadata": {"name": "t"}, "spec": spec}
    assert scan(json.dumps(doc), {"a": "xy"}).code == 0
    assert scan(json.dumps(doc), {"a": "yy"}).code == 1


def test_explicit_jp_inside_a_cel_policy(scan):
    text = kj_policy("""
        compiler: cel
        rules:
        - name: r
          assert:
            all:
            - check:
                (jp; length(a)): 2
                (size(object.a)): 2
    """)
    assert scan(text, {"a": "xy"}).code == 0


def test_cel_runtime_error_is_a_rule_error(scan):
    text = kj_policy("""
        rules:
        - name: r
          assert:
            all:
            - check:
                (cel; object.nope): 1
    """)
    r = scan(text, {"a": 1})
    assert r.code == 2
    assert "ERROR" in r.rule_lines[0] and "no such key: nope" in r.rule_lines[0]


def test_cel_compile_error_names_the_key(scan):
    text = kj_policy("""
        rules:
        - name: r
          assert:
            all:
            - check:
                (cel; object.a ==): 1
    """)
    r = scan(text, {"a": 1})
    assert r.code == 2
    assert "spec.rules[0].assert.all[0].check.(cel; object.a ==): invalid CEL expression" in r.err


def test_bad_compiler_value(scan):
    text = kj_policy("""
        compiler: python
        rules:
        - name: r
          assert:
            all:
            - check: {a: 1}
    """)
    r = scan(text, {"a": 1})
    assert r.code == 2
    assert "spec.compiler must be 'jp' or 'cel', got 'python'" in r.err


# --- the Action --------------------------------------------------------------


def test_action_runs_a_cel_policy(tmp_path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    copy_tree("failing", ws)
    (ws / "cel.yaml").write_text(CEL_ECS.read_text())
    run = run_action(ws, {"payload": "plan.json", "policy": "cel.yaml"})
    assert run.code == 1, run.stdout + run.stderr
    assert run.outputs["result"] == "fail"
    # the bundled CEL check reads one cluster at a time (the analyzer annotation)
    assert "**2 failing resources**: 2 of 3 ECS clusters failed, in 1 plan." in run.summary
    assert "- check-ecs-exec-logging /  / aws_ecs_cluster.jobs FAILED" in run.stdout
    assert "- check-ecs-exec-logging /  / module.platform.aws_ecs_cluster.main FAILED" in run.stdout
    assert "- check-ecs-exec-logging /  / aws_ecs_cluster.api PASSED" in run.stdout
    assert "::error file=main.tf,line=16," in run.stdout
    assert "::error file=modules/cluster/main.tf,line=10," in run.stdout
    assert "(rule <code></code>)" not in run.summary
    assert run.stray_commands() == []


def test_action_clean_plan_passes_with_the_cel_policy(tmp_path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    copy_tree("clean", ws)
    (ws / "cel.yaml").write_text(textwrap.dedent(CEL_ECS.read_text()))
    run = run_action(ws, {"payload": "plan.json", "policy": "cel.yaml"})
    assert run.code == 0, run.stdout + run.stderr
    assert run.outputs["result"] == "pass"


def test_yaml_integers_compare_under_scan_and_kyverno_json_cel(scan):
    assert scan(cel("p", ["object.n < 2", "type(object.n) == int"]), "n: 1\n", payload_name="p.yaml").code == 0
    text = kj_policy("""
        rules:
        - name: r
          assert:
            all:
            - check:
                (cel; object.n < 2): true
    """)
    assert scan(text, "n: 1\n", payload_name="p.yaml").code == 0
    assert scan(text, "n: 3\n", payload_name="p.yaml").code == 1


# a catalog-style policy: judges the whole plan (no analyzer annotation)
WHOLE_PLAN = cel("whole-plan-ecs", [{
    "expression": "size(variables.quiet) == 0",
    "messageExpression": "'ECS Exec must have logging enabled: ' + variables.quiet.join(', ')",
}], conditions=["has(object.resource_changes)"]).replace("  validations:\n", """  variables:
  - name: quiet
    expression: >-
      object.resource_changes.filter(r, r.type == 'aws_ecs_cluster' && type(r.change.after) == map &&
        has(r.change.after.configuration) && r.change.after.configuration.exists(c,
          has(c.execute_command_configuration) && c.execute_command_configuration.exists(e,
            has(e.logging) && e.logging == 'NONE'))).map(r, r.address)
  validations:
""")


def test_summary_does_not_call_clusters_passed_under_a_whole_plan_verdict(scan):
    plan = json.loads((REPO / "examples" / "ecs-cluster" / "plan.json").read_text())
    r = scan(WHOLE_PLAN, plan, "--output", "markdown")
    assert r.code == 1
    assert "ECS Exec must have logging enabled: aws_ecs_cluster.batch, module.ecs.aws_ecs_cluster.this" in r.out
    assert "✅ pass" not in r.out
    # the header says the document failed, not "0 of 0 ECS clusters"
    assert "**1 failing resource**: 1 payload document failed a policy that judges the whole document" in r.out
    assert "0 of 0" not in r.out


def test_summary_counts_clusters_and_a_whole_document_verdict_apart(tmp_path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    copy_tree("failing", ws)
    (ws / "policies").mkdir()
    (ws / "policies" / "cel.yaml").write_text(CEL_ECS.read_text())
    (ws / "policies" / "whole.yaml").write_text(WHOLE_PLAN)
    run = run_action(ws, {"payload": "plan.json", "policy": "policies"})
    assert run.code == 1, run.stdout + run.stderr
    assert "2 of 3 ECS clusters failed, 1 payload document failed as a whole, in 1 plan." in run.summary
