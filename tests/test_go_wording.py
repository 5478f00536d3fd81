"""Values and errors spelt as kyverno-json (a Go program) spells them."""

import json

import pytest
from test_numbers import _check

from ecs_exec_guard.cli import main
from ecs_exec_guard.jp import JPError, compile_expression


@pytest.mark.parametrize("text,error", [
    ("", "unexpected end of JSON input"),
    ("{", "unexpected end of JSON input"),
    ("abc", "invalid character 'a' looking for beginning of value"),
    ("{a}", "invalid character 'a' looking for beginning of object key string"),
    ("[1,]", "invalid character ']' looking for beginning of value"),
    ('{"a" 1}', "invalid character '1' after object key"),
    ('{"a":1 "b":2}', "invalid character '\"' after object key:value pair"),
    ("[1 2]", "invalid character '2' after array element"),
    ("1 2", "invalid character '2' after top-level value"),
    ("01", "invalid character '1' after top-level value"),
    ('"\\x"', "invalid character 'x' in string escape code"),
    ('"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"),
    ('"a\tb"', "invalid character '\\t' in string literal"),
    ("trux", "invalid character 'x' in literal true (expecting 'e')"),
    ("tr", "invalid character ' ' in literal true (expecting 'u')"),
    ("-", "invalid character ' ' in numeric literal"),
    ("1.x", "invalid character 'x' after decimal point in numeric literal"),
    ("1e", "invalid character ' ' in exponent of numeric literal"),
    ("'a'", "invalid character '\\'' looking for beginning of value"),
    ("[1e400]", "json: cannot unmarshal number 1e400 into Go value of type float64"),
])
@pytest.mark.parametrize("function", ["json_parse", "parse_json"])
def test_json_parse_errors_use_encoding_json_wording(function, text, error):
    expr = compile_expression(f"{function}(@)")
    with pytest.raises(JPError) as info:
        expr.search(text, {})
    assert str(info.value) == error


def test_json_parse_keeps_ints_as_int64():
    value = compile_expression("json_parse(@)").search('[1, 1.0, 1e2, 18446744073709551615]', {})
    assert [type(v) for v in value] == [int, float, float, float]


def test_items_result_prints_as_a_slice_of_maps(scan):
    r = scan(_check("(items(m, 'k', 'v')): []"), {"m": {"b": 2, "a": "x"}})
    assert r.rule_lines[1] == (
        " -> all[0].check.(items(m, 'k', 'v')): Invalid value: []map[string]interface {}{"
        'map[string]interface {}{"k":"a", "v":"x"}, map[string]interface {}{"k":"b", "v":2}}: '
        "lengths of slices don't match"
    )
    # an array's indexes are float64 in the reference
    r = scan(_check("(items(l, 'i', 'v')[1].i): abc"), {"l": ["p", "q"]})
    assert r.rule_lines[0].endswith("types are not comparable, string - float64")


def test_jp_query_prints_as_encoding_json(tmp_path, capsys):
    f = tmp_path / "in.json"
    f.write_text('{"z": 1, "a": 18446744073709551615, "h": "<b>", "f": 2.0}')
    assert main(["jp", "query", "-i", str(f), "@"]) == 0
    out = capsys.readouterr().out
    assert out == '{\n  "a": 18446744073709552000,\n  "f": 2,\n  "h": "\\u003cb\\u003e",\n  "z": 1\n}\n'
    assert json.loads(out)["z"] == 1
    assert main(["jp", "query", "-i", str(f), "`1e3` / `0`"]) == 2
    assert "json: unsupported value: +Inf" in capsys.readouterr().err


def test_pre_process_is_parsed_after_the_payload_is_read(scan):
    r = scan(_check("count: 1"), {"count": 1}, "--pre-process", "foo(")
    assert r.code == 2
    assert r.out.splitlines() == ["Loading policies ...", "Loading payload ...", "Pre processing ..."]
    assert r.err.startswith("ecs-exec-guard: error: --pre-process #1: ")
    # a payload problem is reported first, as the payload is read first
    r = scan(_check("count: 1"), b"{", "--pre-process", "foo(")
    assert r.code == 2
    assert "Pre processing ..." not in r.out
    assert "invalid JSON" in r.err


COMPILER_EVERYWHERE = """
- name: r
  compiler: jp
  context:
  - name: x
    compiler: jp
    variable: (m)
  match:
    compiler: jp
    any:
    - m: {}
  feedback:
  - name: f
    compiler: jp
    value: (m)
  assert:
    compiler: jp
    all:
    - compiler: jp
      check:
        ($x): {}
"""


def test_compiler_is_accepted_everywhere_the_reference_has_it(scan):
    from test_engine_semantics import policy

    text = policy(COMPILER_EVERYWHERE).replace("spec:\n", "spec:\n  compiler: jp\n", 1)
    r = scan(text, {"m": {"a": 1}})
    assert r.rule_lines == ["- test / r /  PASSED"]
    bad = text.replace("- name: f\n        compiler: jp", "- name: f\n        compiler: go")
    assert bad != text
    r = scan(bad, {"m": {"a": 1}})
    assert r.code == 2
    assert "spec.rules[0].feedback[0].compiler must be 'jp' or 'cel', got 'go'" in r.err
