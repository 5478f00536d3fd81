"""Loading CEL ValidatingPolicy documents: kinds per document, shapes, compile errors."""

import pytest

from ecs_exec_guard.celpolicy.compile import referenced_variables
from ecs_exec_guard.cli import main
from ecs_exec_guard.engine.errors import LoadError
from ecs_exec_guard.engine.policy import load_policies

KJ = """apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: kj}
spec:
  rules:
  - name: r
    assert:
      all:
      - check: {a: 1}
"""

CEL = """apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: %s}
spec:
  evaluation: {mode: JSON}
%s"""


def cel(name="c", body="  validations:\n  - expression: 'true'\n"):
    return CEL % (name, body)


def load(tmp_path, text):
    p = tmp_path / "p.yaml"
    p.write_text(text)
    return load_policies([str(p)])


def load_error(tmp_path, text) -> str:
    with pytest.raises(LoadError) as info:
        load(tmp_path, text)
    return str(info.value)


def test_mixed_file_recognises_each_document(tmp_path):
    policies = load(tmp_path, KJ + "---\n" + cel("one") + "---\n" + cel("two").replace("v1alpha1", "v1beta1"))
    assert [p.name for p in policies] == ["kj", "one", "two"]
    assert [getattr(p, "language", "kyverno-json") for p in policies] == ["kyverno-json", "cel", "cel"]
    assert [r.name for r in policies[1].rules] == [""]


def test_unknown_kind_names_both_languages(tmp_path):
    msg = load_error(tmp_path, "apiVersion: policies.kyverno.io/v1alpha1\nkind: MutatingPolicy\nmetadata: {name: m}\n")
    assert "document 1 (m): not a kyverno-json policy" in msg
    assert "policies.kyverno.io/v1alpha1" in msg


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("  validations: {}\n", "spec.validations: must be a list"),
        ("  validations:\n  - message: m\n", "spec.validations[0].expression: is required"),
        ("  validations:\n  - expression: 'true'\n    message: 3\n", "spec.validations[0].message: must be a string"),
        ("  matchConditions:\n  - name: a\n    expression: 7\n", "spec.matchConditions[0].expression: must be a string"),
        ("  failurePolicy: Sometimes\n", "spec.failurePolicy: must be 'Fail' or 'Ignore'"),
        ("  variables:\n  - name: 'a-b'\n    expression: '1'\n", "spec.variables[0].name: 'a-b' is not a valid CEL identifier"),
        (
            "  variables:\n  - {name: a, expression: '1'}\n  - {name: a, expression: '2'}\n",
            "spec.variables[1].name: duplicate variable name 'a'",
        ),
    ],
)
def test_shape_errors_name_the_field(tmp_path, body, fragment):
    msg = load_error(tmp_path, cel("shape", body))
    assert "p.yaml: document 1 (shape): " + fragment in msg


def test_bad_mode(tmp_path):
    msg = load_error(tmp_path, cel().replace("mode: JSON", "mode: Yaml"))
    assert "spec.evaluation.mode: must be 'JSON' or 'Kubernetes'" in msg


def test_compile_error_names_file_policy_field_and_cel_error(tmp_path):
    body = "  validations:\n  - expression: 'true'\n  - expression: 'object.a ==='\n"
    msg = load_error(tmp_path, KJ + "---\n" + cel("broken", body))
    assert msg.startswith(str(tmp_path / "p.yaml") + ": document 2 (broken): spec.validations[1].expression: ")
    assert "\n" not in msg


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("  validations:\n  - expression: 'object.a'\n", "spec.validations[0].expression: output is expected to be of type bool"),
        ("  validations:\n  - expression: \"'x'\"\n", "spec.validations[0].expression: output is expected to be of type bool, got string"),
        (
            "  matchConditions:\n  - {name: m, expression: '1 + 1'}\n",
            "spec.matchConditions[0].expression: output is expected to be of type bool, got int",
        ),
        (
            "  validations:\n  - expression: 'false'\n    messageExpression: '1'\n",
            "spec.validations[0].messageExpression: output is expected to be of type string, got int",
        ),
        ("  validations:\n  - expression: 'noSuchFunction(object)'\n", "spec.validations[0].expression: "),
        ("  validations:\n  - expression: 'unknownName == 1'\n", "spec.validations[0].expression: "),
    ],
)
def test_type_errors(tmp_path, body, fragment):
    assert fragment in load_error(tmp_path, cel("typed", body))


def test_variables_see_only_earlier_ones(tmp_path):
    ok = "  variables:\n  - {name: a, expression: '1'}\n  - {name: b, expression: 'variables.a + 1'}\n"
    ok += "  validations:\n  - expression: 'variables.b == 2'\n"
    assert load(tmp_path, cel("v", ok))[0].name == "v"
    later = "  variables:\n  - {name: a, expression: 'variables.b'}\n  - {name: b, expression: '1'}\n"
    msg = load_error(tmp_path, cel("v", later))
    assert "spec.variables[0].expression: undefined field 'b'" in msg
    cond = "  variables:\n  - {name: a, expression: '1'}\n  matchConditions:\n  - {name: m, expression: 'variables.a == 1'}\n"
    assert "spec.matchConditions[0].expression: undefined field 'a'" in load_error(tmp_path, cel("v", cond))


def test_references_to_variables_skip_strings_and_fields():
    assert referenced_variables("variables.a + variables . b") == ["a", "b"]
    assert referenced_variables("variables.?c.orValue(1)") == ["c"]
    assert referenced_variables("'variables.x' + \"variables.y\" + r'variables.z'") == []
    assert referenced_variables("object.variables.q == '''\nvariables.w'''") == []
    assert referenced_variables("x // variables.comment\n") == []


def test_scan_compile_error_exits_2(tmp_path, capsys):
    p = tmp_path / "p.yaml"
    p.write_text(cel("bad", "  validations:\n  - expression: 'object.('\n"))
    payload = tmp_path / "d.json"
    payload.write_text("{}")
    assert main(["scan", "--policy", str(p), "--payload", str(payload)]) == 2
    err = capsys.readouterr().err
    assert "document 1 (bad): spec.validations[0].expression:" in err
    assert "Traceback" not in err
