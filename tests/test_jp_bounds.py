"""Bounds in the function library: quantities, parse_yaml, durations.

Each case once made a function run for a minute or more; here it gets an
answer or one clear error.  How long they take is measured by
benchmarks/stalls.py, not asserted here.
"""

from __future__ import annotations

import pytest

from ecs_exec_guard.jp import JPRuntimeError, compile_expression
from ecs_exec_guard.jp.gotime import GoTimeError, parse_duration
from ecs_exec_guard.jp.quantity import MAX_DIGITS


def run(expression, **bindings):
    return compile_expression(expression).search({}, bindings)


def error_of(expression, **bindings):
    with pytest.raises(JPRuntimeError) as info:
        run(expression, **bindings)
    return str(info.value)


# -- quantities --------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "add('1e2147483647', '1')",
        "subtract('1e5000', '1')",
        "add('1e4001', '1')",
        "add('1n', '1e3995')",
    ],
)
def test_quantity_arithmetic_past_the_digit_limit_is_refused(expression):
    assert f"quantity out of range: more than {MAX_DIGITS} digits needed" in error_of(expression)


def test_quantity_with_too_many_digits_is_refused_by_name():
    message = error_of("add($q, '1')", q="1" * (MAX_DIGITS + 1) + ".5")
    assert message.startswith("JMESPath function 'add': quantity out of range")


def test_quantities_within_the_limit_stay_exact():
    assert run("add('1e3990', '1')") == "1" + "0" * 3989 + "1"
    assert run("subtract('1e30', '1')") == "9" * 30
    assert run("add('1e2147483647', '1e2147483647')") == "20e2147483646"
    assert run("add('12Ki', '13')") == "12301"


def test_quantity_exponents_follow_go_int_parsing():
    # strconv.ParseInt(.., 64) then int32(): wraps inside int64, refused outside
    assert run("add('1e4294967296', '1')") == "2"
    assert run("add('1e00000000000000000000000000005', '1')") == "100001"
    assert error_of("add('1e9223372036854775808', '1')") == "JMESPath function 'add': invalid operand"
    assert error_of("add($q, '1')", q="1e" + "9" * 100_000) == "JMESPath function 'add': invalid operand"


def test_tiny_quantities_round_up_without_a_huge_power_of_ten():
    # Kubernetes rounds a positive amount below 1n up to 1n
    assert run("add('1e-2147483648', '0')") == "1e-9"
    assert run("add('1.5e-2147483647', '1')") == "1000000001e-9"


# -- parse_yaml ----------------------------------------------------------------


def _alias_bomb(fanout: int, levels: int) -> str:
    items = ",".join(['"x"'] * fanout)
    lines = [f"a0: &a0 [{items}]"]
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * fanout)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines)


def test_parse_yaml_refuses_an_alias_bomb():
    bomb = _alias_bomb(9, 12)
    assert len(bomb) < 600
    message = error_of("parse_yaml($y)", y=bomb)
    assert message.startswith("error converting YAML to JSON: document contains excessive aliasing")


def test_parse_yaml_keeps_small_aliases():
    assert run("parse_yaml($y).a2[1][2]", y=_alias_bomb(3, 3)) == ["x", "x", "x"]
    assert run("length(parse_yaml($y).a2)", y=_alias_bomb(3, 3)) == 3


def test_parse_yaml_refuses_recursive_and_deep_documents():
    assert "nesting is deeper than" in error_of("parse_yaml('a: &a [*a]')")
    assert "nest" in error_of("parse_yaml($y)", y="[" * 1200 + "]" * 1200)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("9" * 100_000, "9" * 100_000),  # no 64-bit integer, no finite float: a string
        ("0x" + "f" * 100_000, "0x" + "f" * 100_000),
        ("123456789012345678901234567890", 1.2345678901234568e29),
        ("18446744073709551615", 18446744073709551615),
        ("0b1010", 10),
        ("1_000", 1000),
        ("-42", -42),
    ],
)
def test_parse_yaml_integers_as_go_yaml(text, expected):
    assert run("parse_yaml($y)", y=text) == expected


# -- durations -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, ns",
    [
        ("1h2m3.5s", 3723500000000),
        ("-1.5h", -5400000000000),
        ("+0", 0),
        (".5s", 500000000),
        ("1.s", 1000000000),
        ("3\u00b5s4\u03bcs", 7000),
        ("9223372036854775807ns", 9223372036854775807),
        ("-9223372036854775808ns", -9223372036854775808),
        ("0.1234567890123456789012s", 123456789),
        ("1s" * 10_000, 10_000 * 1000000000),
        ("1." + "1" * 100_000 + "s", 1111111111),
    ],
)
def test_parse_duration(text, ns):
    assert parse_duration(text) == ns


@pytest.mark.parametrize(
    "text, message",
    [
        ("", 'time: invalid duration ""'),
        ("5", 'time: missing unit in duration "5"'),
        ("1x", 'time: unknown unit "x" in duration "1x"'),
        ("9223372036854775808ns", "time: invalid duration"),
        ("9" * 100_000 + "s", "time: invalid duration"),
        (".s", "time: invalid duration"),
    ],
)
def test_parse_duration_errors(text, message):
    with pytest.raises(GoTimeError) as info:
        parse_duration(text)
    assert str(info.value).startswith(message)


# -- replacements ------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "replace_all($s, 'a', $t)",
        "replace_all($s, '', $t)",
        "replace($s, 'a', $t, `-1`)",
        "regex_replace_all('a', $s, $t)",
        "regex_replace_all_literal('', $s, $t)",
    ],
)
def test_replacements_that_would_multiply_sizes_are_refused(expression):
    message = error_of(expression, s="a" * 100_000, t="b" * 100_000)
    assert "the result would be longer than 67108864" in message
    assert message.startswith("JMESPath function '")


def test_replacements_below_the_limit_are_unchanged():
    assert run("replace($s, 'a', $t, `2`)", s="a" * 1000, t="bb") == "bbbb" + "a" * 998
    assert run("replace_all('abcb', 'b', 'xx')") == "axxcxx"
    assert run("regex_replace_all('b', 'abcb', '[$0]')") == "a[b]c[b]"
