"""CEL core: parsing, checking and evaluating through the public API."""

from __future__ import annotations

import math

import pytest

from ecs_exec_guard.cel import CelCompileError, CelEvalError, Environment, UInt

ENV = Environment(variables={"object": "dyn", "variables": "map(string, dyn)"})
PAYLOAD = {
    "items": [{"name": "a", "n": 1.0}, {"name": "b", "n": 2.0}],
    "n": 1.0,
    "nul": None,
    "s": "hello",
    "m": {"k": "v"},
}


def run(text, payload=PAYLOAD, env=ENV):
    return env.compile(text).evaluate({"object": payload, "variables": {}})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 / 2", 3),
        ("-7 / 2", -3),
        ("-7 % 3", -1),
        ("7.0 / 2.0", 3.5),
        ("1u + 2u", UInt(3)),
        ("0x10", 16),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("'a' + \"b\"", "ab"),
        ("'''x\ny'''", "x\ny"),
        (r"r'\d'", "\\d"),
        (r"'\x41\u00e9\101'", "Aé" + "A"),
        (r"b'\xff'", b"\xff"),
        ("true && !false", True),
        ("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3", True),
        ("1 < 1.5 && 2u > 1 && 1.0 == dyn(1)", True),
        ("'a' < 'b'", True),
        ("[1, 2] + [3]", [1, 2, 3]),
        ("{'a': 1}.a", 1),
        ("{'a': 1}['a']", 1),
        ("[1, 2, 3][1]", 2),
        ("2 in [1, 2]", True),
        ("'k' in {'k': 1}", True),
        ("size('héllo')", 5),
        ("'abc'.size()", 3),
        ("size([1, 2])", 2),
        ("size({'a': 1})", 1),
        ("true ? 'y' : 'n'", "y"),
        ("null == null", True),
        ("-9223372036854775808", -(2**63)),
        ("--5", 5),
        ("!!true", True),
        ("type(1) == int && type('a') == string && type(1u) == uint", True),
        ("type(null) == null_type && type([]) == list && type({}) == map", True),
        ("cel.bind(x, 3, x * x)", 9),
    ],
)
def test_literals_and_operators(text, expected):
    result = run(text)
    assert result == expected
    assert type(result) is type(expected)


def test_payload_access_and_json_numbers():
    assert run("object.n == 1") is True
    assert run("object.items[1].name") == "b"
    assert run("object.m.k == 'v'") is True
    assert run("object.items.exists(i, i.name == 'b')") is True
    assert run("object.items.all(i, i.n > 0.5)") is True
    assert run("object.items.map(i, i.name)") == ["a", "b"]
    assert run("object.items.filter(i, i.n > 1).size()") == 1
    assert run("object.items.exists_one(i, i.name == 'a')") is True
    assert run("object.items.map(i, i.n > 1, i.name)") == ["b"]
    assert run("object.m.all(k, k == 'k')") is True
    # JSON numbers are doubles: adding an int is a run-time error, as in Kyverno.
    with pytest.raises(CelEvalError, match=r"no matching overload for '_\+_' applied to '\(double, int\)'"):
        run("object.n + 1")


def test_has_is_false_on_null_and_non_maps():
    assert run("has(object.m)") is True
    assert run("has(object.zz)") is False
    assert run("has(object.nul.x)") is False
    assert run("has(object.s.x)") is False
    with pytest.raises(CelEvalError, match="no such key: zz"):
        run("has(object.zz.x)")


def test_errors_are_absorbed_by_logical_operators():
    assert run("object.missing || true") is True
    assert run("true || object.missing") is True
    assert run("object.missing && false") is False
    assert run("false && object.missing") is False
    with pytest.raises(CelEvalError, match="no such key: missing"):
        run("object.missing && true")
    with pytest.raises(CelEvalError, match="no such key: missing"):
        run("object.missing || false")
    # all()/exists() absorb errors the same way
    assert run("[1, 0].all(x, 1 / x > 5)") is False
    assert run("[0, 1].exists(x, 1 / x == 1)") is True
    with pytest.raises(CelEvalError, match="division by zero"):
        run("[0, 1].all(x, 1 / x == 1)")


@pytest.mark.parametrize(
    "text, message",
    [
        ("9223372036854775807 + 1", "integer overflow"),
        ("-9223372036854775807 - 2", "integer overflow"),
        ("-(-9223372036854775808)", "integer overflow"),
        ("0u - 1u", "unsigned integer overflow"),
        ("1 / 0", "division by zero"),
        ("1 % 0", "modulus by zero"),
        ("[1][3]", "index out of bounds: 3"),
        ("{'a': 1}.b", "no such key: b"),
        ("object.zz", "no such key: zz"),
        ("int(1e30)", "integer overflow"),
        ("int('x')", "cannot convert"),
        ("object.s.x", "does not support field selection"),
        ("{'a': 1, 'a': 2}", "repeated key"),
    ],
)
def test_runtime_errors(text, message):
    with pytest.raises(CelEvalError, match=message):
        run(text)


@pytest.mark.parametrize(
    "text, message",
    [
        ("x", "undeclared reference to 'x'"),
        ("object.foo()", "undeclared reference to 'foo'"),
        ("size(1)", "found no matching overload for 'size' applied to '(int)'"),
        ("1 + 'a'", "found no matching overload for '_+_' applied to '(int, string)'"),
        ("[1, 'a']", "expected type 'int' but found 'string'"),
        ("{'a': 1, 'b': 'x'}", "expected type 'int' but found 'string'"),
        ("1 +", "Syntax error"),
        ("'abc", "unterminated string"),
        ("a.all(1, true)", "argument must be a simple name"),
        ("has(a)", "invalid argument to has() macro"),
        ("9223372036854775808", "invalid int literal"),
        ("if", "reserved identifier"),
        ("'x' ? 1 : 2", "_?_:_"),
    ],
)
def test_compile_errors(text, message):
    with pytest.raises(CelCompileError) as info:
        ENV.compile(text)
    assert message in info.value.message
    assert info.value.message.startswith("ERROR: <input>:1:") or "Syntax" not in message


def test_output_types():
    assert ENV.compile("object.a == 'x'").output_type == "bool"
    assert ENV.compile("object.a").output_type == "dyn"
    assert ENV.compile("'a' + 'b'").output_type == "string"
    assert ENV.compile("[1, 2]").output_type == "list(int)"
    assert ENV.compile("{'a': object}").output_type == "map(string, dyn)"
    assert ENV.compile("variables.x").output_type == "dyn"
    assert ENV.compile("object.items.map(i, i.name)").output_type == "list(dyn)"


def test_lazy_mapping_variables():
    calls = []

    class Lazy(dict):
        def __missing__(self, key):
            calls.append(key)
            value = {"a": 1, "b": 2}[key]
            self[key] = value
            return value

    prog = ENV.compile("variables.a + variables.a + variables.b")
    assert prog.evaluate({"object": {}, "variables": Lazy()}) == 4
    assert calls == ["a", "b"]


def test_doubles():
    assert run("1.0 / 0.0") == math.inf
    assert math.isnan(run("0.0 / 0.0"))
    assert run("0.0 / 0.0 == 0.0 / 0.0") is False
    assert run("string(1.5)") == "1.5"
    assert run("string(1e21)") == "1e+21"


def test_nesting_limit_is_a_compile_error():
    with pytest.raises(CelCompileError):
        ENV.compile("(" * 500 + "1" + ")" * 500)
    assert ENV.compile(" && ".join(["true"] * 2000)).evaluate({}) is True


def test_kyverno_json_bindings_resolve():
    class Bindings:
        def resolve(self, name):
            if name == "missing":
                raise CelEvalError("variable not defined: $missing")
            return {"x": 4, "s": "a"}[name]

    env = Environment(variables={"object": "dyn", "bindings": "bindings"}, libraries="kyverno-json")
    prog = env.compile("object.n == bindings.resolve('x') && bindings.resolve('s') == 'a'")
    assert prog.output_type == "bool"
    assert prog.evaluate({"object": {"n": 4}, "bindings": Bindings()}) is True
    with pytest.raises(CelEvalError, match=r"variable not defined: \$missing"):
        env.compile("bindings.resolve('missing')").evaluate({"object": {}, "bindings": Bindings()})
    with pytest.raises(CelCompileError, match="resolve"):
        env.compile("bindings.resolve(1)")
    # resolve() belongs to kyverno-json's environment only
    with pytest.raises(CelCompileError, match="undeclared reference to 'resolve'"):
        Environment(variables={"bindings": "bindings"}).compile("bindings.resolve('x')")


def test_host_objects_are_opaque_values():
    class Thing:
        pass

    thing = Thing()
    assert ENV.compile("variables.t == variables.t").evaluate({"object": {}, "variables": {"t": thing}}) is True
    with pytest.raises(CelEvalError, match="no matching overload"):
        ENV.compile("variables.t + 1").evaluate({"object": {}, "variables": {"t": thing}})


@pytest.mark.parametrize(
    "text, payload, message",
    [
        # A type parameter first bound to dyn stays dyn: the value behind
        # orValue() can be null or a string at run time.
        ("-object.?a.orValue(1)", {"a": None}, "no matching overload for '-_' applied to '(null_type)'"),
        ("-object.?a.orValue(1)", {"a": "x"}, "no matching overload for '-_' applied to '(string)'"),
        # ... and a dyn element makes a list literal list(dyn).
        ("[1, object.a][1] + 1", {"a": "x"}, "no matching overload for '_+_' applied to '(string, int)'"),
    ],
)
def test_dyn_type_parameters_are_checked_at_run_time(text, payload, message):
    with pytest.raises(CelEvalError) as info:
        ENV.compile(text).evaluate({"object": payload, "variables": {}})
    assert str(info.value) == message
