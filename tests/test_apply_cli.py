"""`apply`: the Kyverno CLI's output for JSON payloads, our exit statuses."""

import json

from ecs_exec_guard.cli import main

HEAD = """apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: {name}
spec:
  evaluation:
    mode: JSON
"""


def policy(name="p", conditions=(), validations=(), extra=""):
    text = HEAD.format(name=name) + extra
    if conditions:
        text += "  matchConditions:\n"
        for i, c in enumerate(conditions):
            text += f"    - name: c{i}\n      expression: {json.dumps(c)}\n"
    if validations:
        text += "  validations:\n"
        for v in validations:
            if isinstance(v, str):
                v = {"expression": v}
            text += f"    - expression: {json.dumps(v['expression'])}\n"
            if "message" in v:
                text += f"      message: {json.dumps(v['message'])}\n"
            if "messageExpression" in v:
                text += f"      messageExpression: {json.dumps(v['messageExpression'])}\n"
    return text


def run(tmp_path, capsys, policies, payloads):
    args = ["apply"]
    for i, text in enumerate(policies):
        p = tmp_path / f"policy{i}.yaml"
        p.write_text(text)
        args.append(str(p))
    for i, (ext, body) in enumerate(payloads):
        f = tmp_path / f"payload{i}.{ext}"
        f.write_text(body)
        args += ["--json", str(f)]
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_pass(tmp_path, capsys):
    code, out, err = run(tmp_path, capsys, [policy(validations=["object.a == 'x'"])], [("json", '{"a": "x"}')])
    assert out == "\nApplying 1 policy rule(s) to 1 resource(s)...\n\npass: 1, fail: 0, warn: 0, error: 0, skip: 0 \n"
    assert code == 0
    assert err == ""


def test_fail_prints_policy_and_message(tmp_path, capsys):
    pol = policy(name="no-x", validations=[{"expression": "object.a != 'x'", "message": "a must not be x"}])
    code, out, err = run(tmp_path, capsys, [pol], [("json", '{"a": "x"}')])
    assert out == (
        "\nApplying 1 policy rule(s) to 1 resource(s)...\n"
        "policy no-x -> resource JSON payload failed:\n"
        "1 -  a must not be x\n"
        "\npass: 0, fail: 1, warn: 0, error: 0, skip: 0 \n"
    )
    assert code == 1


def test_skip_when_a_match_condition_is_false(tmp_path, capsys):
    pol = policy(conditions=["has(object.b)"], validations=["false"])
    code, out, _ = run(tmp_path, capsys, [pol], [("json", '{"a": 1}')])
    assert out.endswith("\npass: 0, fail: 0, warn: 0, error: 0, skip: 1 \n")
    assert code == 0


def test_error_exits_2_and_says_why_on_stderr(tmp_path, capsys):
    pol = policy(validations=["object.n + 1 == 2"])
    code, out, err = run(tmp_path, capsys, [pol], [("json", '{"n": 1}')])
    assert out.endswith("\npass: 0, fail: 0, warn: 0, error: 1, skip: 0 \n")
    assert "failed:" not in out
    assert code == 2
    assert "spec.validations[0].expression" in err


def test_counts_every_payload_and_policy(tmp_path, capsys):
    p1 = policy(name="one", validations=[{"expression": "object.a == 1", "message": "a is not 1"}])
    p2 = policy(name="two", conditions=["object.a == 2"], validations=["true"])
    code, out, _ = run(tmp_path, capsys, [p1, p2], [("json", '{"a": 1}'), ("json", '{"a": 2}')])
    assert out == (
        "\nApplying 2 policy rule(s) to 2 resource(s)...\n"
        "policy one -> resource JSON payload failed:\n"
        "1 -  a is not 1\n"
        "\npass: 2, fail: 1, warn: 0, error: 0, skip: 1 \n"
    )
    assert code == 1


def test_error_and_fail_together_exit_2(tmp_path, capsys):
    p1 = policy(name="bad", validations=["object.missing == 1"])
    p2 = policy(name="fails", validations=["false"])
    code, out, _ = run(tmp_path, capsys, [p1, p2], [("json", '{"a": 1}')])
    assert "1 -  CEL expression validation failed at index 0\n" in out
    assert out.endswith("pass: 0, fail: 1, warn: 0, error: 1, skip: 0 \n")
    assert code == 2


def test_resource_named_by_kind_and_metadata(tmp_path, capsys):
    pol = policy(validations=["false"])
    body = '{"kind": "Thing", "metadata": {"name": "n1", "namespace": "ns"}}'
    _, out, _ = run(tmp_path, capsys, [pol], [("json", body)])
    assert "policy p -> resource ns/Thing/n1 failed:\n" in out


def test_compile_error_prints_only_the_applying_line(tmp_path, capsys):
    pol = policy(name="broken", validations=["object.a =="])
    code, out, err = run(tmp_path, capsys, [pol], [("json", "{}")])
    assert out == "\nApplying 1 policy rule(s) to 1 resource(s)...\n"
    assert code == 2
    assert "policy0.yaml: document 1 (broken): spec.validations[0].expression:" in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_non_bool_validation_does_not_compile(tmp_path, capsys):
    pol = policy(name="typed", validations=["object.a"])
    code, out, err = run(tmp_path, capsys, [pol], [("json", "{}")])
    assert code == 2
    assert "spec.validations[0].expression: output is expected to be of type bool" in err


def test_kubernetes_mode_policy_gives_no_result(tmp_path, capsys):
    text = policy(validations=["false"]).replace("    mode: JSON\n", "    mode: Kubernetes\n")
    code, out, _ = run(tmp_path, capsys, [text], [("json", "{}")])
    assert out == "\nApplying 1 policy rule(s) to 1 resource(s)...\n\npass: 0, fail: 0, warn: 0, error: 0, skip: 0 \n"
    assert code == 0


def test_kyverno_json_policy_is_refused(tmp_path, capsys):
    text = "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: kj}\nspec: {rules: []}\n"
    code, out, err = run(tmp_path, capsys, [text], [("json", "{}")])
    assert code == 2
    assert out == ""
    assert "document 1 (kj): a kyverno-json policy" in err and "use `scan`" in err


def test_payload_must_be_an_object(tmp_path, capsys):
    code, out, err = run(tmp_path, capsys, [policy(validations=["true"])], [("json", "[1, 2]")])
    assert code == 2
    assert out == ""
    assert "a payload must be a JSON object, got array" in err or "a payload must be a JSON object" in err


def test_yaml_payload_keeps_integers(tmp_path, capsys):
    pol = policy(validations=["object.n + 1 == 2"])
    code, out, _ = run(tmp_path, capsys, [pol], [("yaml", "n: 1\n")])
    assert out.endswith("pass: 1, fail: 0, warn: 0, error: 0, skip: 0 \n")
    assert code == 0


def test_json_numbers_are_doubles(tmp_path, capsys):
    pol = policy(validations=["object.n == 1", "type(object.n) == double", "object.n + 1.0 == 2.0"])
    code, out, _ = run(tmp_path, capsys, [pol], [("json", '{"n": 1}')])
    assert out.endswith("pass: 1, fail: 0, warn: 0, error: 0, skip: 0 \n")
    assert code == 0


def test_untrusted_message_stays_on_one_line(tmp_path, capsys):
    pol = policy(validations=[{"expression": "false", "messageExpression": "string(object.m)"}])
    _, out, _ = run(tmp_path, capsys, [pol], [("json", '{"m": "line1\\n::error::x"}')])
    assert "1 -  line1\\n::error::x\n" in out


def test_missing_json_flag(tmp_path, capsys):
    p = tmp_path / "p.yaml"
    p.write_text(policy(validations=["true"]))
    assert main(["apply", str(p)]) == 2
    assert "--json" in capsys.readouterr().err


def test_yaml_integers_compare_and_big_ones_are_uint(tmp_path, capsys):
    pol = policy(validations=["object.n < 2 && object.n >= 1", "type(object.big) == uint", "object.l[0] < object.l[1]"])
    code, out, _ = run(tmp_path, capsys, [pol], [("yaml", "n: 1\nbig: 18446744073709551615\nl: [1, 2]\n")])
    assert out.endswith("pass: 1, fail: 0, warn: 0, error: 0, skip: 0 \n")
    assert code == 0
