"""Public API of ecs_exec_guard.jp: compile once, search many times."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ecs_exec_guard.jp import (  # noqa: E402
    JPError,
    JPRuntimeError,
    JPSyntaxError,
    compile_expression,
    function_names,
)


def test_compile_and_search():
    expr = compile_expression("foo[?a == `1`] | length(@)")
    assert expr.text == "foo[?a == `1`] | length(@)"
    assert expr.search({"foo": [{"a": 1}, {"a": 2}, {"a": 1.0}]}, {}) == 2
    assert expr.search({"foo": []}) == 0


def test_compile_is_cached_and_reusable():
    first = compile_expression("metadata.name")
    assert compile_expression("metadata.name") is first
    for i in range(100):
        assert first.search({"metadata": {"name": f"n{i}"}}) == f"n{i}"


def test_errors_are_jp_errors_with_one_line_messages():
    assert issubclass(JPSyntaxError, JPError)
    assert issubclass(JPRuntimeError, JPError)
    with pytest.raises(JPSyntaxError) as info:
        compile_expression("foo[?")
    assert "\n" not in str(info.value)
    with pytest.raises(JPSyntaxError):
        compile_expression("")
    with pytest.raises(JPSyntaxError, match="Unexpected token"):
        compile_expression("foo bar")
    with pytest.raises(JPSyntaxError, match="invalid JSON literal"):
        compile_expression("`NaN`")


def test_unknown_function_is_a_compile_error():
    with pytest.raises(JPSyntaxError, match="unknown function: nope"):
        compile_expression("a || nope(b)")
    # even in a branch that would never run
    with pytest.raises(JPSyntaxError, match="image_normalize"):
        compile_expression("`false` && image_normalize('nginx')")


def test_variables_root_and_let_shadowing():
    expr = compile_expression("[$payload.kind, $.kind, let $payload = `1` in $payload, $payload.kind]")
    doc = {"kind": "root"}
    assert expr.search(doc, {"payload": {"kind": "var"}}) == ["var", "root", 1, "var"]


def test_let_bindings_see_the_outer_scope():
    expr = compile_expression("let $a = `1`, $b = $a in [$a, $b]")
    assert expr.search(None, {"a": "outer"}) == [1, "outer"]


def test_let_inside_projection_uses_current_element():
    expr = compile_expression("items[*].let $n = name in {n: $n, root: $.id}")
    assert expr.search({"id": 7, "items": [{"name": "a"}, {"name": "b"}]}) == [
        {"n": "a", "root": 7},
        {"n": "b", "root": 7},
    ]


def test_undefined_variable_is_a_runtime_error():
    with pytest.raises(JPRuntimeError, match=r"variable not defined: \$missing"):
        compile_expression("$missing").search({}, {})


def test_variables_are_looked_up_lazily():
    class Lazy(dict):
        def __missing__(self, key):
            if key == "boom":
                raise ValueError("could not load")
            raise KeyError(key)

    expr = compile_expression("a || $boom")
    assert expr.search({"a": 1}, Lazy()) == 1
    with pytest.raises(JPRuntimeError, match="could not load"):
        expr.search({}, Lazy())


def test_function_errors_are_runtime_errors():
    with pytest.raises(JPRuntimeError, match="invalid type for"):
        compile_expression("abs(@)").search("x")
    with pytest.raises(JPRuntimeError, match="invalid arity"):
        compile_expression("length(@, @)").search("x")


def test_expression_references_are_not_values():
    with pytest.raises(JPRuntimeError):
        compile_expression("&foo").search({})
    with pytest.raises(JPRuntimeError):
        compile_expression("[&foo]").search({})


def test_results_are_not_shared_with_literals():
    expr = compile_expression("`[1, 2]`")
    first = expr.search(None)
    first.append(3)
    assert expr.search(None) == [1, 2]


def test_deep_nesting_does_not_leak_recursion_error():
    deep = "[" * 3000 + "`1`" + "]" * 3000
    with pytest.raises(JPError):
        compile_expression(deep).search(None)
    value: list = []
    for _ in range(5000):
        value = [value]
    expr = compile_expression("@ == @")
    try:
        expr.search(value)
    except JPError:
        pass


def test_search_is_reentrant_across_threads():
    expr = compile_expression("let $x = a in items[?@ > $x] | length(@)")
    errors = []

    def work(n):
        try:
            for _ in range(200):
                assert expr.search({"a": n, "items": list(range(10))}) == max(0, 9 - n)
        except AssertionError as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_function_names_lists_every_function_once():
    rows = function_names()
    names = [row[0] for row in rows]
    assert names == sorted(names)
    assert len(names) == len(set(names))
    for expected in ("abs", "at", "concat", "json_parse", "wildcard", "x509_decode", "time_truncate", "items"):
        assert expected in names
    assert "image_normalize" not in names
    signatures = dict((row[0], row[1]) for row in rows)
    assert signatures["items"] == "items(object|array, string, string) array"
    assert signatures["merge"].startswith("merge(object...)")
    assert all(isinstance(desc, str) for _, _, desc in rows)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from("abc"), children, max_size=3),
    max_leaves=12,
)

EXPRESSIONS = [
    "a.b[0]", "a[*].b", "a[?b > `1`]", "a | length(@)", "sort(@)", "a + b", "a // b", "a % b", "-a",
    "keys(@)", "values(@)", "to_number(@)", "to_string(@)", "a[1:2]", "@[::-1]", "max(@)", "join(',', @)",
    "add(a, b)", "divide(a, b)", "modulo(a, b)", "sum(@)", "split(a, b)", "regex_match(a, b)",
    "parse_json(a)", "parse_yaml(a)", "lookup(@, a)", "items(@, 'k', 'v')", "round(a, b)", "truncate(a, b)",
    "base64_decode(a)", "x509_decode(a)", "semver_compare(a, b)", "time_add(a, b)", "pad_left(a, b)",
    "find_first(a, b, c)", "sort_by(@, &a)", "group_by(@, &a)", "min_by(@, &a)", "at(@, a)", "[a, b] == [b, a]",
]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(EXPRESSIONS), json_values)
def test_no_raw_python_exception_escapes(text, value):
    expr = compile_expression(text)
    try:
        expr.search(value, {})
    except JPError:
        pass
