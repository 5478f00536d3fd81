"""Evaluating CEL ValidatingPolicy documents as Kyverno does for JSON payloads."""

import pytest

from ecs_exec_guard.celpolicy.compile import compile_document
from ecs_exec_guard.celpolicy.evaluate import ERROR, FAIL, PASS, SKIP, LazyVariables, evaluate_policy
from ecs_exec_guard.celpolicy.payload import json_numbers_as_double, load_cel_payload


def compiled(conditions=(), validations=(), variables=(), failure_policy=None):
    spec = {"evaluation": {"mode": "JSON"}}
    if conditions:
        spec["matchConditions"] = [{"name": f"c{i}", "expression": e} for i, e in enumerate(conditions)]
    if variables:
        spec["variables"] = [{"name": n, "expression": e} for n, e in variables]
    if validations:
        spec["validations"] = [v if isinstance(v, dict) else {"expression": v} for v in validations]
    if failure_policy:
        spec["failurePolicy"] = failure_policy
    doc = {"apiVersion": "policies.kyverno.io/v1alpha1", "kind": "ValidatingPolicy", "metadata": {"name": "t"}, "spec": spec}
    return compile_document(doc, "t.yaml", 1)


def outcome(policy, payload, json_numbers=True):
    return evaluate_policy(policy, json_numbers_as_double(payload) if json_numbers else payload)


# --- numbers ---------------------------------------------------------------


def test_json_numbers_are_doubles():
    p = compiled(validations=["object.n == 1", "type(object.n) == double", "object.list[0] == 2.0"])
    assert outcome(p, {"n": 1, "list": [2]}).status == PASS
    assert outcome(compiled(validations=["object.n + 1 == 2"]), {"n": 1}).status == ERROR


def test_yaml_payload_keeps_integers(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("n: 1\nf: 1.5\n")
    p = compiled(validations=["object.n + 1 == 2", "type(object.n) == int", "object.f == 1.5"])
    assert evaluate_policy(p, load_cel_payload(str(f))).status == PASS


def test_json_payload_file_loaded_with_doubles(tmp_path):
    f = tmp_path / "p.json"
    f.write_text('{"a": {"b": [1, {"c": 2}]}, "big": 12345678901234567890}')
    payload = load_cel_payload(str(f))
    p = compiled(validations=["object.a.b[0] == 1.0", "type(object.a.b[1].c) == double", "object.big > 1.0"])
    assert evaluate_policy(p, payload).status == PASS
    assert evaluate_policy(p, load_cel_payload(str(f), lazy=False)).status == PASS


# --- match conditions ------------------------------------------------------


def test_first_false_condition_skips():
    p = compiled(conditions=["true", "object.kind == 'x'", "object.nope == 1"], validations=["false"])
    assert outcome(p, {"kind": "y"}).status == SKIP


def test_error_then_false_still_skips():
    p = compiled(conditions=["object.nope == 1", "false"], validations=["false"])
    assert outcome(p, {}).status == SKIP


def test_condition_error_without_false_is_an_error():
    p = compiled(conditions=["object.nope == 1", "true"], validations=["true"])
    result = outcome(p, {})
    assert result.status == ERROR
    assert "spec.matchConditions[0].expression" in result.message


def test_condition_error_under_ignore_skips():
    p = compiled(conditions=["object.nope == 1"], validations=["true"], failure_policy="Ignore")
    assert outcome(p, {}).status == SKIP


# --- validations -----------------------------------------------------------


def test_all_true_passes():
    assert outcome(compiled(validations=["true", "object.a == 'x'"]), {"a": "x"}).status == PASS


def test_no_validations_pass():
    assert outcome(compiled(), {}).status == PASS


def test_first_false_fails_with_its_message():
    p = compiled(validations=["true", {"expression": "false", "message": "second"}, {"expression": "false", "message": "third"}])
    result = outcome(p, {})
    assert (result.status, result.message, result.index) == (FAIL, "second", 1)


def test_error_before_a_false_is_an_error():
    p = compiled(validations=["object.nope == 1", "false"])
    result = outcome(p, {})
    assert result.status == ERROR
    assert result.index == 0


def test_false_before_an_error_fails():
    p = compiled(validations=["false", "object.nope == 1"])
    assert outcome(p, {}).status == FAIL


def test_message_expression_gives_the_message():
    p = compiled(validations=[{"expression": "false", "message": "static", "messageExpression": "'name: ' + object.n"}])
    assert outcome(p, {"n": "web"}).message == "name: web"


def test_message_expression_error_is_reported_in_the_message():
    p = compiled(validations=[{"expression": "false", "messageExpression": "string(object.nope)"}])
    result = outcome(p, {})
    assert result.status == FAIL
    assert result.message.startswith("failed to evaluate message expression: ")


def test_default_message_names_the_index():
    p = compiled(validations=["true", "true", {"expression": "false", "messageExpression": "''"}])
    result = outcome(p, {})
    assert result.message == "CEL expression validation failed at index 2"


# --- variables -------------------------------------------------------------


def test_variables_in_order():
    p = compiled(
        variables=[("names", "object.items.map(i, i.name)"), ("count", "size(variables.names)")],
        validations=[{"expression": "variables.count == 2", "messageExpression": "string(variables.count)"}],
    )
    assert outcome(p, {"items": [{"name": "a"}, {"name": "b"}]}).status == PASS
    result = outcome(p, {"items": [{"name": "a"}]})
    assert (result.status, result.message) == (FAIL, "1")


def test_variables_are_lazy():
    # an unused variable that would fail is never evaluated
    p = compiled(variables=[("boom", "object.nope.deeper")], validations=["object.a == 1"])
    assert outcome(p, {"a": 1}).status == PASS
    used = compiled(variables=[("boom", "object.nope.deeper")], validations=["variables.boom == 1"])
    assert outcome(used, {"a": 1}).status == ERROR


def test_each_variable_is_evaluated_once():
    calls = []

    class Counting:
        output_type = "dyn"

        def evaluate(self, activation):
            calls.append(1)
            return 5

    lazy = LazyVariables([("v", Counting())], {"object": {}}, 1)
    assert lazy["v"] == 5 and lazy["v"] == 5
    assert "v" in lazy and "w" not in lazy
    assert len(calls) == 1
    assert list(lazy) == ["v"]


def test_a_variable_sees_only_earlier_ones_at_run_time():
    lazy = LazyVariables([("a", None), ("b", None)], {}, 1)
    with pytest.raises(KeyError):
        lazy["b"]
