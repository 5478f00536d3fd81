"""Core expression semantics, matching the Go interpreter of the reference."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ecs_exec_guard.jp import JPRuntimeError, compile_expression  # noqa: E402

DOC = {
    "foo": [{"a": 1, "b": "x"}, {"a": 2}, {"a": 3, "b": "y"}],
    "bar": {"baz": [1, 2, [3, 4, 5]]},
    "grid": [[1, 2], [3, 4]],
    "s": "hello",
    "n": None,
    "t": True,
    "obj": {"k1": "v1", "k2": "v2"},
}


def search(text, data=DOC, variables=None):
    return compile_expression(text).search(data, variables)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("foo[*].b", ["x", "y"]),
        ("foo[].a", [1, 2, 3]),
        ("bar.baz[]", [1, 2, 3, 4, 5]),
        ("bar.baz[2][0]", 3),
        ("bar.baz[-1][-1]", 5),
        ("bar.baz[2][0:2]", [3, 4]),
        ("grid[*][0]", [1, 3]),
        ("grid[0][0:1]", [1]),
        ("foo[0:2].a", [1, 2]),
        ("foo[5]", None),
        ("obj.*", ["v1", "v2"]),
        ("foo[?a > `1`].a", [2, 3]),
        ("foo[?b].a", [1, 3]),
        ("foo[?!b].a", [2]),
        ("foo | [0].a", 1),
        ("{a: s, b: n}", {"a": "hello", "b": None}),
        ("[s, n]", ["hello", None]),
        ("n.foo", None),
        ("n[0]", None),
        ("s[0]", None),
        ("`[null, 1, [2, null]]`[]", [1, 2]),
        ("s[1:3]", "el"),
        ("s[::-1]", "olleh"),
        ("s[1:3].foo", "el"),
        ('"s"', "hello"),
        ("t && s", "hello"),
        ("n || s", "hello"),
        ("`\"\"` || `[]` || `{}` || `false` || `0`", 0),
        ("!`0`", False),
        ("!`\"\"`", True),
        ("$.foo[0].a", 1),
        ("foo[?a == $.foo[2].a].b", ["y"]),
    ],
)
def test_paths_and_projections(text, expected):
    assert search(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("`1` == `1.0`", True),
        ("`true` == `1`", False),
        ("`false` == `0`", False),
        ("`[1, {\"a\": 2}]` == `[1.0, {\"a\": 2.0}]`", True),
        ("`{\"a\": true}` == `{\"a\": 1}`", False),
        ("`null` == n", True),
        ("`1` != `2`", True),
        ("`1` < `2`", True),
        ("`2.5` >= `2.5`", True),
        # ordering is defined for numbers only: anything else is null
        ("'a' < 'b'", None),
        ("`true` > `false`", None),
        ("n < `1`", None),
    ],
)
def test_comparisons(text, expected):
    assert search(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("`5` + `2`", 7),
        ("`5` - `7`", -2),
        ("`5` * `2`", 10),
        ("`5` \u00d7 `2`", 10),
        ("`5` / `2`", 2.5),
        ("`5` \u00f7 `2`", 2.5),
        ("`7` // `2`", 3),
        ("`-7` // `2`", -4),
        ("`-7` % `3`", -1),  # Go math.Mod: sign of the dividend
        ("`7` % `-3`", 1),
        ("`5.5` % `2`", 1.5),
        ("-`3`", -3),
        ("+`3`", 3),
        ("`5` \u2212 `2`", 3),
        ("`1` + `2` * `3`", 7),
        # arithmetic on anything but numbers yields null, as in the reference
        ("'a' + `1`", None),
        ("n * `2`", None),
        ("-s", None),
        ("`true` + `1`", None),
    ],
)
def test_arithmetic(text, expected):
    assert search(text) == expected


def test_division_by_zero_follows_float64():
    assert search("`1` / `0`") == math.inf
    assert search("`-1` / `0`") == -math.inf
    assert math.isnan(search("`0` / `0`"))
    assert math.isnan(search("`1` % `0`"))
    assert search("`1` // `0`") == math.inf


def test_slices():
    assert search("[0:5:2]", [0, 1, 2, 3, 4, 5]) == [0, 2, 4]
    assert search("[::-2]", [0, 1, 2, 3]) == [3, 1]
    assert search("[-2:]", [0, 1, 2, 3]) == [2, 3]
    assert search("[10:]", [0, 1]) == []
    with pytest.raises(JPRuntimeError, match="step cannot be 0"):
        search("[::0]", [1])
    assert search("[::0]", "abc") is None
    assert search("[1:]", {"a": 1}) is None


def test_errors_on_the_left_of_a_filter_or_flatten_give_null():
    # the reference swallows evaluation errors of the projected expression
    assert search("abs(s)[?a]") is None
    assert search("abs(s)[]") is None
    assert search("abs(s).*") is None
    with pytest.raises(JPRuntimeError):
        search("abs(s)[*]")


def test_let_and_variables():
    assert search("let $x = `1` in $x + `1`") == 2
    assert search("let $x = foo in $x[0].a") == 1
    assert search("foo[*].[a, $k]", variables={"k": "K"}) == [[1, "K"], [2, "K"], [3, "K"]]
    assert search("let $k = 'inner' in foo[0].[a, $k]", variables={"k": "K"}) == [1, "inner"]
    assert search("$", {"x": 1}) == {"x": 1}


def test_field_names():
    assert search('"with space"', {"with space": 1}) == 1
    assert search('"\\u00e9t\\u00e9"', {"\u00e9t\u00e9": 2}) == 2
    assert search("'raw \\' quote'") == "raw ' quote"
    assert search("`\"lit\\`eral\"`") == "lit`eral"


def test_functions_as_path_steps():
    assert search("foo[*].length(keys(@))") == [2, 1, 2]
    assert search("bar.length(baz)") == 3
    assert search("sort_by(foo, &a)[-1].b") == "y"
