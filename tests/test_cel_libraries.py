"""CEL extension libraries: cel-go's strings, lists, sets, math, encoders,
regex and optional values, and the Kubernetes libraries."""

from __future__ import annotations

import pytest

from ecs_exec_guard.cel import CelCompileError, CelEvalError, Environment, Optional, UInt

ENV = Environment(variables={"object": "dyn"})


def run(text, obj=None):
    return ENV.compile(text).evaluate({"object": obj if obj is not None else {}})


CASES = [
    # strings (v2)
    ("'hello'.charAt(1)", "e"),
    ("'hello'.charAt(5)", ""),
    ("'héllo'.indexOf('l')", 2),
    ("'hello'.indexOf('l', 3)", 3),
    ("'hello'.indexOf('')", 0),
    ("'hello'.lastIndexOf('l')", 3),
    ("'hello'.lastIndexOf('l', 2)", 2),
    ("'hello'.lastIndexOf('')", 5),
    ("'HeLLo Ä'.lowerAscii()", "hello Ä"),
    ("'hello ä'.upperAscii()", "HELLO ä"),
    ("'aaa'.replace('a', 'b')", "bbb"),
    ("'aaa'.replace('a', 'b', 2)", "bba"),
    ("'a,b,c'.split(',')", ["a", "b", "c"]),
    ("'a,b,c'.split(',', 2)", ["a", "b,c"]),
    ("'a,b,c'.split(',', 0)", []),
    ("'abc'.split('')", ["a", "b", "c"]),
    ("'hello'.substring(1)", "ello"),
    ("'hello'.substring(1, 3)", "el"),
    ("' \\t x \\n'.trim()", "x"),
    ("['a', 'b'].join()", "ab"),
    ("['a', 'b'].join('-')", "a-b"),
    ("strings.quote('a\"b\\n')", '"a\\"b\\n"'),
    ("'abc'.reverse()", "cba"),
    ("'%s=%d (%.1f%%) %x %o %b'.format(['n', dyn(42), dyn(99.54), dyn(255), dyn(8), dyn(5)])", "n=42 (99.5%) ff 10 101"),
    ("'%s'.format([[1, 2]])", "[1, 2]"),
    ("'%s'.format([true])", "true"),
    ("'%s'.format([{'b': 1, 'a': 2}])", '{"a":2, "b":1}'),
    ("'%s'.format([['a', 'b']])", '["a", "b"]'),
    ("'%s'.format([[1.5]])", "[1.500000]"),
    ("'%s'.format([[duration('1s')]])", '[duration("1s")]'),
    ("'%s %s'.format([1.5, dyn(1e6)])", "1.5 1e+06"),
    ("'%.2f|%e'.format([3.14159, 1234.5])", "3.14|1.234500e+03"),
    # lists
    ("[1, 2, 3, 4].slice(1, 3)", [2, 3]),
    ("[dyn([1]), dyn([2, 3]), dyn(4)].flatten()", [1, 2, 3, 4]),
    ("[dyn([1, dyn([2])])].flatten(2)", [1, 2]),
    ("lists.range(3)", [0, 1, 2]),
    ("[1, 2, 1, 3, 2].distinct()", [1, 2, 3]),
    ("[dyn(1), dyn(1.0), dyn(1u), dyn('1')].distinct()", [1, "1"]),
    ("[1, 2, 3].reverse()", [3, 2, 1]),
    ("['b', 'c', 'a'].sort()", ["a", "b", "c"]),
    ("[{'n': 2}, {'n': 1}].sortBy(e, e.n).map(e, e.n)", [1, 2]),
    ("[1, 2].first()", Optional(True, 1)),
    ("[1, 2].last().value()", 2),
    ("[].first().hasValue()", False),
    # sets
    ("sets.contains([1, 2, 3], [3, 1])", True),
    ("sets.contains([1, 2], [4])", False),
    ("sets.equivalent([1, 2, 2], [2, 1])", True),
    ("sets.intersects([1, 2], [2, 5])", True),
    ("sets.intersects([1], [])", False),
    # math
    ("math.greatest(1, 5, 3)", 5),
    ("math.greatest(1, 2.5, 2u)", 2.5),
    ("math.least([3, 1, 2])", 1),
    ("math.least(dyn(-1), 0u)", -1),
    ("math.ceil(1.2)", 2.0),
    ("math.floor(-1.2)", -2.0),
    ("math.round(2.5)", 3.0),
    ("math.round(-2.5)", -3.0),
    ("math.trunc(-2.7)", -2.0),
    ("math.abs(-3)", 3),
    ("math.sign(-2.5)", -1.0),
    ("math.isNaN(0.0 / 0.0)", True),
    ("math.isInf(1.0 / 0.0)", True),
    ("math.isFinite(1.0)", True),
    ("math.bitAnd(6, 3)", 2),
    ("math.bitOr(6u, 3u)", UInt(7)),
    ("math.bitXor(6, 3)", 5),
    ("math.bitNot(0)", -1),
    ("math.bitShiftLeft(1, 3)", 8),
    ("math.bitShiftRight(-1, 60)", 15),
    ("math.sqrt(16)", 4.0),
    # encoders
    ("base64.encode(b'hello')", "aGVsbG8="),
    ("base64.decode('aGVsbG8=')", b"hello"),
    ("base64.decode('aGVsbG8')", b"hello"),
    # regex
    ("regex.extract('ab12cd', '[0-9]+')", Optional(True, "12")),
    ("regex.extract('id=7', 'id=([0-9])')", Optional(True, "7")),
    ("regex.extract('abc', '[0-9]+').hasValue()", False),
    ("regex.extractAll('a1b22c333', '[0-9]+')", ["1", "22", "333"]),
    ("regex.replace('banana', 'a(n)', '<\\\\1>')", "b<n><n>a"),
    ("regex.replace('aaa', 'a', 'b', 2)", "bba"),
    ("'abc123'.matches('[0-9]')", True),
    ("'abc'.matches('^b')", False),
    ("matches('abc', 'b')", True),
    # optional values
    ("optional.of(1).orValue(2)", 1),
    ("optional.none().orValue(2)", 2),
    ("optional.ofNonZeroValue('').hasValue()", False),
    ("optional.none().or(optional.of(3)).value()", 3),
    ("{'a': 1}.?a.orValue(0)", 1),
    ("{'a': 1}.?b.orValue(0)", 0),
    ("{'a': {'b': 1}}.?a.?b.orValue(0)", 1),
    ("{'a': {'b': 1}}.?x.b.orValue(0)", 0),
    ("[1, 2][?5].orValue(0)", 0),
    ("{'a': 1}[?'a'].value()", 1),
    ("[?optional.of(1), ?optional.none(), 2]", [1, 2]),
    ("{?'a': optional.none(), 'b': 2}", {"b": 2}),
    ("optional.of(2).optMap(v, v * 2).value()", 4),
    ("optional.of(2).optFlatMap(v, optional.none()).hasValue()", False),
    # two-variable comprehensions
    ("[10, 20].all(i, v, v == (i + 1) * 10)", True),
    ("{'a': 1, 'b': 2}.exists(k, v, k == 'b' && v == 2)", True),
    ("[1, 2, 3].existsOne(i, v, v > 2)", True),
    ("[1, 2].transformList(i, v, i * v)", [0, 2]),
    ("[1, 2, 3].transformList(i, v, v > 1, v * 10)", [20, 30]),
    ("{'a': 1}.transformMap(k, v, v + 1)", {"a": 2}),
    ("{'a': 1, 'b': 2}.transformMapEntry(k, v, {v: k})", {1: "a", 2: "b"}),
    # Kubernetes lists
    ("[1, 2, 2, 3].isSorted()", True),
    ("['b', 'a'].isSorted()", False),
    ("[1, 2, 3].sum()", 6),
    ("[1.5, 2.0].sum()", 3.5),
    ("[3, 1, 2].min()", 1),
    ("['a', 'c', 'b'].max()", "c"),
    ("[1, 2, 1].indexOf(1)", 0),
    ("[1, 2, 1].lastIndexOf(1)", 2),
    ("[1, 2].indexOf(5)", -1),
    # Kubernetes regex
    ("'abc123def456'.find('[0-9]+')", "123"),
    ("'abc'.find('[0-9]+')", ""),
    ("'a1b2c3'.findAll('[0-9]')", ["1", "2", "3"]),
    ("'a1b2c3'.findAll('[0-9]', 2)", ["1", "2"]),
    # quantity
    ("quantity('1Gi').isGreaterThan(quantity('1G'))", True),
    ("quantity('500m').add(1).compareTo(quantity('1.5'))", 0),
    ("quantity('2').sub(quantity('500m')).asApproximateFloat()", 1.5),
    ("quantity('1.5').isInteger()", False),
    ("quantity('1k').asInteger()", 1000),
    ("quantity('-1').sign()", -1),
    ("isQuantity('1x')", False),
    ("quantity('1Gi') == quantity('1024Mi')", True),
    # URLs
    ("url('https://example.com:8080/a%20b?x=1&x=2').getQuery()", {"x": ["1", "2"]}),
    ("url('https://example.com:8080/a').getPort()", "8080"),
    ("url('https://[::1]:80/p').getHostname()", "::1"),
    ("url('https://[::1]:80/p').getHost()", "[::1]:80"),
    ("url('/path').getScheme()", ""),
    ("isURL('not a url')", False),
    # IP / CIDR
    ("ip('10.0.0.1').family()", 4),
    ("ip('::1').isLoopback()", True),
    ("ip('8.8.8.8').isGlobalUnicast()", True),
    ("ip('fe80::1').isLinkLocalUnicast()", True),
    ("ip.isCanonical('::0001')", False),
    ("isIP('1.2.3')", False),
    ("cidr('10.0.0.0/8').containsIP('10.1.2.3')", True),
    ("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", True),
    ("string(cidr('10.0.0.1/8').masked())", "10.0.0.0/8"),
    ("cidr('10.0.0.1/8').prefixLength()", 8),
    ("string(cidr('10.0.0.1/8').ip())", "10.0.0.1"),
    ("isCIDR('10.0.0.0')", False),
    # semver
    ("semver('1.2.3').isLessThan(semver('1.10.0'))", True),
    ("semver('v1.2', true).minor()", 2),
    ("semver('2.0.0').compareTo(semver('2.0.0-rc.1'))", 1),
    ("isSemver('1.2')", False),
    # named formats
    ("format.dns1123Label().validate('abc').hasValue()", False),
    ("format.dns1123Label().validate('Abc').hasValue()", True),
    ("format.named('uuid').value().validate('x').value()", ["does not match the UUID format"]),
    ("format.named('nope').hasValue()", False),
    # time
    ("timestamp('2024-03-01T10:20:30Z').getHours()", 10),
    ("timestamp('2024-03-01T10:20:30Z').getMonth()", 2),
    ("timestamp('2024-03-01T10:20:30Z').getDayOfWeek()", 5),
    ("timestamp('2024-03-01T10:20:30Z').getHours('+02:00')", 12),
    ("string(timestamp('2024-03-01T10:20:30.5+01:00'))", "2024-03-01T09:20:30.5Z"),
    ("duration('1h30m').getMinutes()", 90),
    ("duration('1.5s').getMilliseconds()", 1500),
    ("duration('-1.5s').getMilliseconds()", -1500),
    ("string(duration('1.5s'))", "1.5s"),
    ("timestamp('2024-01-02T00:00:00Z') - timestamp('2024-01-01T00:00:00Z') == duration('24h')", True),
    ("int(timestamp('1970-01-01T00:01:00Z'))", 60),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_library_functions(text, expected):
    result = run(text)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    "text, message",
    [
        ("'abc'.charAt(5)", "index out of range: 5"),
        ("'abc'.substring(2, 1)", "invalid substring range"),
        ("[1, 2].slice(1, 5)", "cannot slice(1, 5), list is length 2"),
        ("math.least(dyn([]))", "must not be empty"),
        ("[].min()", "min called on empty list"),
        ("base64.decode('!!')", "illegal base64"),
        ("'a'.matches(dyn('('))", "invalid regular expression '(': missing ): ("),
        ("regex.extract('a', '(a)(b)')", "more than one capturing group"),
        ("quantity('1x')", "quantities must match"),
        ("ip('1.2.3')", "parse error"),
        ("cidr('10.0.0.0')", "parse error"),
        ("semver('1.2')", "could not parse semver"),
        ("timestamp('yesterday')", "timestamp parse error"),
        ("duration('1 hour')", "invalid duration"),
        ("'%d'.format(['x'])", "decimal clause can only be used on integers"),
        ("'%f'.format([1])", "fixed-point clause can only be used on doubles"),
        ("'%d %d'.format([1])", "index 1 out of range"),
        ("optional.none().value()", "optional.none() dereference"),
        ("[1, 2].transformMapEntry(i, v, {'k': v})", "already exists"),
        ("[dyn(1), dyn('a')].sort()", "same type"),
    ],
)
def test_library_errors(text, message):
    with pytest.raises(CelEvalError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(text)


@pytest.mark.parametrize(
    "text",
    [
        "'abc'.charAt('x')",
        "[1].join()",
        "math.abs('x')",
        "quantity(1)",
        "lists.range('a')",
        "object.nosuch.fn()",
        "nosuch.fn()",
    ],
)
def test_library_misuse_is_a_compile_error(text):
    with pytest.raises(CelCompileError):
        ENV.compile(text)


def test_orvalue_on_a_plain_value_returns_it():
    # Kyverno's compatibility form of orValue.
    assert run("object.x.orValue(5)", {"x": 3}) == 3
    assert run("object.?y.orValue(5)", {"x": 3}) == 5
    with pytest.raises(CelEvalError, match="no such key: y"):
        run("object.y.orValue(5)", {"x": 3})


@pytest.mark.parametrize("text", ["'a'.matches('(')", "matches('a', '[')", "'a'.find('(')", "'a'.findAll('(', 2)"])
def test_constant_invalid_pattern_is_a_compile_error(text):
    with pytest.raises(CelCompileError, match="invalid regular expression"):
        ENV.compile(text)


def test_standard_environment_lacks_extensions():
    std = Environment(variables={"object": "dyn"}, libraries="standard")
    assert std.compile("size('ab') == 2").evaluate({"object": {}}) is True
    with pytest.raises(CelCompileError, match="undeclared reference to 'lowerAscii'"):
        std.compile("'A'.lowerAscii()")


@pytest.mark.parametrize(
    "text, function",
    [
        ("http.Get('https://example.com').status == 200", "http.Get"),
        ("resource.List('v1', 'pods', '').items.size() > 0", "resource.List"),
        ("json.unmarshal(object.s).a == 1", "json.unmarshal"),
    ],
)
def test_kyverno_only_libraries_are_reported_as_unsupported(text, function):
    with pytest.raises(CelCompileError, match=f"function '{function}' is not supported"):
        ENV.compile(text)


@pytest.mark.parametrize(
    "text",
    [
        "int('5\\n')",
        "uint('5\\n')",
        "uint('+1')",
        "int('\u0663')",
        "timestamp('2024-01-01T00:00:00Z\\n')",
        "'%.\u00b2f'.format([1.0])",
    ],
)
def test_conversions_reject_what_go_rejects(text):
    with pytest.raises(CelEvalError) as info:
        run(text)
    assert not str(info.value).startswith("evaluation failed")
