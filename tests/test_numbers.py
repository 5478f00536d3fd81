"""Numbers keep the Go type kyverno-json gives them, from loading to output.

Expected outputs follow from how the reference decodes documents: JSON
payloads and policies hold int64 (floats only for real numbers and
integers outside int64), YAML payloads and bindings Go's ``int`` (and
``uint64`` above int64), and every number an expression computes is a
float64. ``%v`` prints a float64 with an exponent from 1e+06 on,
``encoding/json`` only from 1e+21 on.
"""

import json
import textwrap

from test_engine_semantics import policy


def _check(body: str) -> str:
    """A policy with one rule asserting ``body`` (a YAML map) as its check."""
    check = textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 12)
    return policy("- name: r\n  assert:\n    all:\n    - check:\n") + check + "\n"


def test_json_integers_print_as_integers_and_computed_numbers_as_float64(scan):
    r = scan(_check("""
        count: 5
        (count + `0`): 5
        (length(items)): 5
    """), {"count": 2147483647, "items": [1, 2, 3]})
    assert r.code == 1
    assert r.rule_lines == [
        "- test / r /  FAILED",
        " -> all[0].check.count: Invalid value: 2147483647: Expected value: 5",
        " -> all[0].check.(count + `0`): Invalid value: 2.147483647e+09: Expected value: 5",
        " -> all[0].check.(length(items)): Invalid value: 3: Expected value: 5",
    ]


def test_json_integer_beyond_int64_is_a_float64(scan):
    r = scan(_check("big: 1"), b'{"big": 18446744073709551615}')
    assert r.rule_lines[1] == " -> all[0].check.big: Invalid value: 1.8446744073709552e+19: Expected value: 1"
    r = scan(_check("big: 1"), b'{"big": 18446744073709551615}', "--output", "json")
    report = json.loads(r.out)
    assert '"big": 18446744073709552000' in r.out
    assert report[0]["results"][0]["rules"][0]["violations"][0]["errors"][0]["value"] == 18446744073709552000


def test_not_comparable_names_the_go_kinds(scan):
    r = scan(_check("count: abc"), {"count": 1})
    assert r.code == 2
    assert r.rule_lines == [
        "- test / r /  ERROR: all[0].check.count: Internal error: types are not comparable, string - int64"
    ]
    r = scan(_check("count: abc"), "count: 1\n", payload_name="payload.yaml")
    assert r.rule_lines[0].endswith("types are not comparable, string - int")
    r = scan(_check("count: abc"), "count: 18446744073709551615\n", payload_name="payload.yaml")
    assert r.rule_lines[0].endswith("types are not comparable, string - uint64")
    r = scan(_check("count: abc"), {"count": 1.5})
    assert r.rule_lines[0].endswith("types are not comparable, string - float64")
    r = scan(_check("(count + `1`): abc"), {"count": 1})
    assert r.rule_lines[0].endswith("types are not comparable, string - float64")
    r = scan(_check("count: 1"), {"count": True})
    assert r.rule_lines[0].endswith("types are not comparable, int64 - bool")


def test_integer_and_float_compare_as_go_does(scan):
    # int64 against float64: float64(int) == float
    r = scan(_check("count: 1.5"), {"count": 1})
    assert r.rule_lines[0] == "- test / r /  FAILED"
    r = scan(_check("count: 2.0"), {"count": 2})  # the policy's 2.0 is int64 2 after the round trip
    assert r.rule_lines == ["- test / r /  PASSED"]
    r = scan(_check("count: 3"), b'{"count": 3.0}')
    assert r.rule_lines == ["- test / r /  PASSED"]
    # two integers compare exactly, even where float64 cannot tell them apart
    r = scan(_check("count: 9007199254740993"), {"count": 9007199254740992})
    assert r.rule_lines[0] == "- test / r /  FAILED"
    # an integer against a float64 is compared as float64
    r = scan(_check("count: 9007199254740993"), b'{"count": 9007199254740992.0}')
    assert r.rule_lines == ["- test / r /  PASSED"]
    # a YAML uint64 against the policy's float64 (the same number once rounded)
    r = scan(_check("count: 18446744073709551615"), "count: 18446744073709551615\n", payload_name="p.yaml")
    assert r.rule_lines == ["- test / r /  PASSED"]


def test_uint64_prints_in_hex_inside_go_sharp_v(scan):
    r = scan(_check("m: [1]"), "m:\n  a: 18446744073709551615\n  b: 7\n", payload_name="payload.yaml")
    assert r.rule_lines == [
        '- test / r /  ERROR: all[0].check.m: Invalid value: map[string]interface {}{"a":0xffffffffffffffff, '
        '"b":7}: expected a slice'
    ]


def test_policy_numbers_after_the_yaml_to_json_round_trip(scan):
    r = scan(_check("""
        a: 1e6
        b: -0.0
        c: 1e+300
        d: 1E2
        e: 1_000
        f: 0x10
        g: 1.5
        h: 18446744073709551615
    """), {})
    expected = {
        "a": "1000000", "b": "0", "c": "1e+300", "d": "100", "e": "1000", "f": "16", "g": "1.5",
        "h": "1.8446744073709552e+19",
    }
    assert r.rule_lines[1:] == [
        f" -> all[0].check.{k}: Required value: field not found in the input object" for k in expected
    ]
    literals = {"a": "1e6", "b": "-0.0", "c": "1e+300", "d": "1E2", "e": "1_000", "f": "0x10", "g": "1.5",
                "h": "18446744073709551615"}
    kinds = {"a": "int64", "b": "int64", "c": "float64", "d": "int64", "e": "int64", "f": "int64",
             "g": "float64", "h": "float64"}
    for key, literal in literals.items():
        r = scan(_check(f"{key}: {literal}"), {key: "x"})
        assert r.rule_lines[0].endswith(f"types are not comparable, {kinds[key]} - string"), key
    r = scan(_check("c: 1e+300\ng: 1.5\nh: 18446744073709551615"), {"c": 1, "g": 1, "h": 1})
    assert r.rule_lines[1:] == [
        " -> all[0].check.c: Invalid value: 1: Expected value: 1e+300",
        " -> all[0].check.g: Invalid value: 1: Expected value: 1.5",
        " -> all[0].check.h: Invalid value: 1: Expected value: 1.8446744073709552e+19",
    ]
    r = scan(_check("a: 1e6\nb: -0.0\nd: 1E2"), {"a": "x", "b": "x", "d": "x"}, "--output", "json")
    check = json.loads(r.out)[0]["results"][0]["policy"]["spec"]["rules"][0]["assert"]["all"][0]["check"]
    assert check == {"a": 1000000, "b": 0, "d": 100}
    assert '"a": 1000000,' in r.out and '"b": 0,' in r.out


def test_policy_scalars_follow_goyaml_v2(scan):
    # y/n/yes/on are booleans, 0777 is octal, 08 is not an integer but a float
    r = scan(_check("""
        a: y
        b: n
        c: on
        d: 0777
        e: 08
        f: 2024-01-02
        g: 1:20
    """), {"a": True, "b": False, "c": True, "d": 511, "e": 8, "f": "2024-01-02", "g": "1:20"})
    assert r.rule_lines == ["- test / r /  PASSED"]


def test_yaml_payloads_and_bindings_follow_yaml_v3(scan):
    payload = "a: y\nb: on\nc: 0777\nd: 1_000\ne: 1e3\nf: 0o17\ng: yes\nh: 2024-01-02\n"
    r = scan(_check("""
        a: 'y'
        b: 'on'
        c: 511
        d: 1000
        e: 1000
        f: 15
        g: 'yes'
        h: '2024-01-02'
        (type(e)): number
    """), payload, payload_name="payload.yaml")
    assert r.rule_lines == ["- test / r /  PASSED"]
    # bindings are read like a payload, not like a policy
    r = scan(_check("($flag): 'on'\n($mode): 511"), {}, bindings="flag: on\nmode: 0777\n")
    assert r.rule_lines == ["- test / r /  PASSED"]
    assert "- flag -> on" in r.out and "- mode -> 511" in r.out


def test_yaml_payload_plain_scalar_followed_by_a_tab(scan):
    r = scan(_check("name: x"), "name: x\t\nother: 1\n", payload_name="payload.yaml")
    assert r.rule_lines == ["- test / r /  PASSED"]


def test_json_report_writes_floats_as_encoding_json(scan):
    payload = b'{"a": 1e21, "b": 1e-7, "c": 100000000000000000000.0, "d": 0.000001, "e": -0.0, "f": 1.0}'
    r = scan(_check("zzz: 1"), payload, "--output", "json")
    head = r.out.split('"results"')[0]
    assert '"a": 1e+21,' in head
    assert '"b": 1e-7,' in head
    assert '"c": 100000000000000000000,' in head
    assert '"d": 0.000001,' in head
    assert '"e": -0,' in head
    assert '"f": 1\n' in head


def test_expression_results_are_float64(scan):
    # arithmetic, number functions and JSON literals give float64
    r = scan(_check("""
        (sum(items)): 1
        (abs(neg)): 1
        (`1000000`): 1
        (multiply(count, `1`)): 1
        (count): 1
    """), {"items": [1000000, 2], "neg": -1234567, "count": 1000000})
    assert r.rule_lines[1:] == [
        " -> all[0].check.(sum(items)): Invalid value: 1.000002e+06: Expected value: 1",
        " -> all[0].check.(abs(neg)): Invalid value: 1.234567e+06: Expected value: 1",
        " -> all[0].check.(`1000000`): Invalid value: 1e+06: Expected value: 1",
        " -> all[0].check.(multiply(count, `1`)): Invalid value: 1e+06: Expected value: 1",
        " -> all[0].check.(count): Invalid value: 1000000: Expected value: 1",
    ]
