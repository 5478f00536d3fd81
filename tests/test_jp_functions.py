"""Functions: community built-ins, kyverno-json's and the Kyverno library."""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ecs_exec_guard.jp import JPRuntimeError, compile_expression  # noqa: E402

# A self-signed test certificate and a request for the same key (generated
# with openssl for these tests; the expected values below are what
# `openssl x509 -text` / `openssl req -text` report for them).
CERT = """-----BEGIN CERTIFICATE-----
MIIDBjCCAm+gAwIBAgICEjQwDQYJKoZIhvcNAQELBQAwUzELMAkGA1UEBhMCRlIx
FDASBgNVBAoMC0V4YW1wbGUgT3JnMREwDwYDVQQLDAhQbGF0Zm9ybTEbMBkGA1UE
AwwSZ3VhcmQuZXhhbXBsZS50ZXN0MB4XDTI2MTEyNzEyNDkxM1oXDTM2MTEyNDEy
NDkxM1owUzELMAkGA1UEBhMCRlIxFDASBgNVBAoMC0V4YW1wbGUgT3JnMREwDwYD
VQQLDAhQbGF0Zm9ybTEbMBkGA1UEAwwSZ3VhcmQuZXhhbXBsZS50ZXN0MIGfMA0G
CSqGSIb3DQEBAQUAA4GNADCBiQKBgQCcxuJCT3vn8bro2wzSCvGgwpislAN8pQye
C1GHujrjv9tKuXt2UgwxeAqjjOvdwetqeKNQkCCyw/Y69UVDc8mCggeIj0aDfYDW
BVnq8nKT73n+2EhgfhtQMAkdsOaGK4bmwXGwsT6/iWq9lqbd70fSGF/TEG3tTcY6
SVxaryB8RwIDAQABo4HoMIHlMB0GA1UdDgQWBBT1SuCXYd6QRaKgU6XQN9/9O4SD
wDAfBgNVHSMEGDAWgBT1SuCXYd6QRaKgU6XQN9/9O4SDwDAPBgNVHRMBAf8EBTAD
AQH/MGMGA1UdEQRcMFqCEmd1YXJkLmV4YW1wbGUudGVzdIIUKi5ndWFyZC5leGFt
cGxlLnRlc3SHBAoAAAGBEG9wc0BleGFtcGxlLnRlc3SGFmh0dHBzOi8vZXhhbXBs
ZS50ZXN0L3gwDgYDVR0PAQH/BAQDAgWgMB0GA1UdJQQWMBQGCCsGAQUFBwMBBggr
BgEFBQcDAjANBgkqhkiG9w0BAQsFAAOBgQBwN5giQpOeFj9QLr4Qy4R4DNa5sXHR
py+/6AGRAdskXmXnzKCW0Wcguo6vCHZALBtCmZv6suNmXaQK3FDyALHF11Gbymc6
8wFT5gXUi1BVrsSUI70ZY0Ii5WK6D+idPpkpYu2UgwuFqQQojmCFU1F077nLAWwm
+GXoRdmJLFpDAA==
-----END CERTIFICATE-----
"""
CSR = """-----BEGIN CERTIFICATE REQUEST-----
MIIBlTCB/wIBADAoMQswCQYDVQQGEwJGUjEZMBcGA1UEAwwQc3ZjLmV4YW1wbGUu
dGVzdDCBnzANBgkqhkiG9w0BAQEFAAOBjQAwgYkCgYEAnMbiQk975/G66NsM0grx
oMKYrJQDfKUMngtRh7o647/bSrl7dlIMMXgKo4zr3cHranijUJAgssP2OvVFQ3PJ
goIHiI9Gg32A1gVZ6vJyk+95/thIYH4bUDAJHbDmhiuG5sFxsLE+v4lqvZam3e9H
0hhf0xBt7U3GOklcWq8gfEcCAwEAAaAuMCwGCSqGSIb3DQEJDjEfMB0wGwYDVR0R
BBQwEoIQc3ZjLmV4YW1wbGUudGVzdDANBgkqhkiG9w0BAQsFAAOBgQB/WUyNwhVM
Dlvc+hSks4GXtC2eNhis9+SCR6a8pEq1dc33wJPeWhtEh3t/dgRTqcnnNkLZw/gD
N8BDo8eAD74++uSWfg3mrZF/gMDwBpERHASHoo7IofEbTcF9Gf9rPEZ1MiG4h6WF
8KFY02j8M7DhC6IGsUeHJHhgwuiN/lhELw==
-----END CERTIFICATE REQUEST-----
"""
MODULUS_HEX = (
    "9CC6E2424F7BE7F1BAE8DB0CD20AF1A0C298AC94037CA50C9E0B5187BA3AE3BFDB4AB97B76520C31780AA38CEBDDC1EB"
    "6A78A3509020B2C3F63AF5454373C9828207888F46837D80D60559EAF27293EF79FED848607E1B5030091DB0E6862B86"
    "E6C171B0B13EBF896ABD96A6DDEF47D2185FD3106DED4DC63A495C5AAF207C47"
)


def run(text, data="", **variables):
    return compile_expression(text).search(data, variables)


def fails(text, data="", match=None, **variables):
    with pytest.raises(JPRuntimeError) as info:
        run(text, data, **variables)
    if match:
        assert match in str(info.value)
    return str(info.value)


# -- community built-ins -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abs(`-2.5`)", 2.5),
        ("ceil(`2.1`)", 3),
        ("floor(`-2.1`)", -3),
        ("avg(`[1, 2, 4]`)", 7 / 3),
        ("avg(`[]`)", None),
        ("contains('foobar', 'oba')", True),
        ("contains('foobar', `1`)", False),
        ("contains(`[1, \"a\", {\"b\": 2}]`, `{\"b\": 2.0}`)", True),
        ("ends_with('file.txt', '.txt')", True),
        ("find_first('subject string', 'string')", 8),
        ("find_first('subject string', 's', `1`)", 8),
        ("find_last('subject string', 's', `0`, `8`)", 0),
        ("find_first('', 'a')", None),
        ("find_first('h\u00e9llo', 'l')", 3),  # byte offsets, as in Go
        ("from_items([['a', `1`], ['b', `2`]])", {"a": 1, "b": 2}),
        ("join('-', ['a', 'b'])", "a-b"),
        ("keys(`{\"a\": 1}`)", ["a"]),
        ("length('h\u00e9')", 2),
        ("lower('ABC')", "abc"),
        ("upper('abc')", "ABC"),
        ("max(`[1, 3, 2]`)", 3),
        ("min(['b', 'a'])", "a"),
        ("max(`[]`)", None),
        ("merge(`{\"a\": 1, \"b\": 1}`, `{\"b\": 2}`)", {"a": 1, "b": 2}),
        ("not_null(`null`, `null`, 'x')", "x"),
        ("pad_left('7', `3`, '0')", "007"),
        ("pad_right('ab', `4`)", "ab  "),
        ("reverse(`[1, 2]`)", [2, 1]),
        ("sort(['b', 'a', 'c'])", ["a", "b", "c"]),
        ("sort(`[3, 1.5, 2]`)", [1.5, 2, 3]),
        ("starts_with('prefix-x', 'prefix')", True),
        ("to_array('a')", ["a"]),
        ("to_array(`[1]`)", [1]),
        ("to_number('12.5')", 12.5),
        ("to_number('1e3')", 1000),
        ("to_number('abc')", None),
        ("to_number(' 1')", None),
        ("to_number(`true`)", None),
        ("to_string(`{\"b\": [1, 2.5e-7], \"a\": \"<&>\"}`)", '{"a":"\\u003c\\u0026\\u003e","b":[1,2.5e-7]}'),
        ("to_string(`1e21`)", "1e+21"),
        ("to_string('already')", "already"),
        ("trim_left('  a  ')", "a  "),
        ("trim_right('xxaxx', 'x')", "xxa"),
        ("type(`null`)", "null"),
        ("type(`1.5`)", "number"),
        ("type(`false`)", "boolean"),
        ("values(`{\"a\": 1}`)", [1]),
        ("zip(`[1, 2, 3]`, ['a', 'b'])", [[1, "a"], [2, "b"]]),
    ],
)
def test_builtins(text, expected):
    assert run(text) == expected


def test_builtins_with_expression_references():
    data = {"people": [{"n": "b", "age": 30}, {"n": "a", "age": 20}, {"n": "c", "age": 30}]}
    assert run("sort_by(people, &age)[].n", data) == ["a", "b", "c"]
    assert run("sort_by(people, &n)[].n", data) == ["a", "b", "c"]
    assert run("max_by(people, &age).n", data) == "b"
    assert run("min_by(people, &n).n", data) == "a"
    assert run("map(&age, people)", data) == [30, 20, 30]
    assert run("group_by(people, &to_string(age))", data) == {
        "30": [data["people"][0], data["people"][2]],
        "20": [data["people"][1]],
    }
    assert run("group_by(`[]`, &a)") is None
    fails("sort_by(people, &age || n)", {"people": [{"age": 1}, {"n": "x"}]}, "sort_by")
    fails("group_by(people, &age)", data, "must evaluate to a string")


def test_builtin_argument_checks():
    fails("abs('x')", match="invalid type for: x")
    fails("length(`1`)", match='expected: []functions.JpType{"string", "array", "object"}')
    fails("join(',', `[1]`)", match="invalid type")
    fails("not_null()", match="expects 1 argument or more but none were supplied")
    fails("ends_with('a')", match="expects 2 arguments but 1 were supplied")
    fails("abs(`1`, `2`)", match="expects at most 1 arguments but 2 were supplied")
    fails("pad_left('a', `-1`)", match="greater than or equal to zero")
    fails("pad_left('a', `3`, 'ab')", match="string of length 1")
    fails("find_first('abc', 'b', `1.5`)", match="to be an integer")
    fails("from_items([[`1`, `2`]])", match="pair of string and value")


# -- kyverno-json's functions ------------------------------------------------------


def test_kyverno_json_functions():
    assert run("at(`[1, 2, 3]`, `1`)") == 2
    assert run("at(`[1, 2, 3]`, `1.9`)") == 2
    fails("at(`[1]`, `3`)", match="index out of range")
    assert run("concat('a', 'b')") == "ab"
    assert run("json_parse('{\"a\": [1, 2.5]}')") == {"a": [1, 2.5]}
    fails("json_parse('{')")
    assert run("wildcard('bypass-*', 'bypass-me')") is True
    assert run("wildcard('?*', 'A-Team')") is True
    assert run("wildcard('?', '')") is False
    assert run("wildcard('a?c', 'abbc')") is False
    assert run("wildcard('', '')") is True
    assert run("wildcard('*', '')") is True


# -- Kyverno: strings, regular expressions -------------------------------------------


def test_kyverno_strings():
    assert run("compare('a', 'b')") == -1
    assert run("equal_fold('K\u00e9Y', 'k\u00c9y')") is True
    assert run("equal_fold('\u00df', 'SS')") is False
    assert run("replace('a-a-a', '-', '+', `1`)") == "a+a-a"
    assert run("replace('a-a-a', '-', '+', `-1`)") == "a+a+a"
    assert run("replace_all('a-a', '-', '')") == "aa"
    assert run("to_upper('stra\u00dfe')") == "STRA\u00dfE"
    assert run("trim('--x--', '-')") == "x"
    assert run("trim_prefix('prefix-rest', 'prefix-')") == "rest"
    assert run("split('a,b,,c', ',')") == ["a", "b", "", "c"]
    assert run("split('', ',')") == [""]
    assert run("truncate('h\u00e9llo', `2`)") == "h\u00e9"
    assert run("truncate('abc', `-3`)") == ""
    assert run("base64_encode('\u00e9')") == "w6k="
    assert run("base64_decode('w6k=')") == "\u00e9"
    fails("base64_decode('w6k')")
    assert run("path_canonicalize('//a/./b/../c//')") == "/a/c"
    assert run("path_canonicalize('a/../../b')") == "../b"
    assert run("path_canonicalize('')") == ""


def test_kyverno_regular_expressions_are_re2():
    assert run("regex_match('^[a-z]+$', 'abc')") is True
    assert run("regex_match('^a$', 'a\n')") is False  # `$` is end of text
    assert run("regex_match('\\d+', '\u0663')") is False  # \d is ASCII only
    assert run("regex_match('[[:upper:]]x', 'Ax')") is True
    assert run("regex_match('a(?i)b', 'aB')") is True
    assert run("regex_match('\\Qa.b\\E', 'a.b')") is True
    assert run("regex_match('\\Qa.b\\E', 'axb')") is False
    fails("regex_match('(?=a)', 'a')")  # RE2 has no look-ahead
    fails("regex_match('(a)\\1', 'aa')")  # nor back-references
    fails("regex_match('(', 'a')")
    assert run("regex_match('1\\.5', `1.5`)") is True
    assert run("regex_replace_all('(\\w+)@(\\w+)', 'me@host', '$2 at ${1}')") == "host at me"
    assert run("regex_replace_all('(a)', 'a', '$1x|${1}x|$$')") == "|ax|$"
    assert run("regex_replace_all('(?P<w>o)', 'foo', '[$w]')") == "f[o][o]"
    assert run("regex_replace_all('x*', 'abxd', '-')") == "-a-b-d-"
    assert run("regex_replace_all_literal('a', 'banana', '$1')") == "b$1n$1n$1"
    assert run("regex_replace_all('\\d', `1234`, `0`)") == "0000"


def test_kyverno_pattern_and_label_match():
    assert run("pattern_match('nginx:*', 'nginx:1.25')") is True
    assert run("pattern_match('12?', `123`)") is True
    assert run("label_match(`{\"app\": \"a\"}`, `{\"app\": \"a\", \"x\": \"y\"}`)") is True
    assert run("label_match(`{\"app\": \"a\"}`, `{}`)") is False


def test_kyverno_to_boolean():
    assert run("to_boolean('True')") is True
    assert run("to_boolean('fALSE')") is False
    message = fails("to_boolean('yes')")
    assert message == "JMESPath function 'to_boolean': lowercase argument must be 'true' or 'false' (provided: 'yes')"


# -- Kyverno: arithmetic with quantities and durations ---------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("add(`1`, `2.5`)", 3.5),
        ("add('1Gi', '512Mi')", "1536Mi"),
        ("add('1', '500m')", "1500m"),
        ("add('1k', '1')", "1001"),
        ("add('1e3', '1e3')", "2e3"),
        ("add('1h', '30m0s')", "1h30m0s"),
        ("add('500ms', '1.5s')", "2s"),
        ("subtract('2Gi', '3Gi')", "-1Gi"),
        ("subtract('1Ki', '1')", "1023"),
        ("subtract('1h', '2h')", "-1h0m0s"),
        ("multiply('1.5', `2`)", "3"),
        ("multiply(`3`, '250m')", "750m"),
        ("multiply('1h', `0.5`)", "30m0s"),
        ("divide('1Gi', '1Mi')", 1024),
        ("divide('1.5Ki', `7`)", "219428571428n"),
        ("divide('1', `3`)", "0"),
        ("divide('1h', '15m0s')", 4),
        ("divide('1h', `4`)", "15m0s"),
        ("modulo('10Ki', '3Ki')", "1Ki"),
        ("modulo('10s', '3s')", "1s"),
        ("modulo(`-7`, `3`)", -1),
        ("sum(['1Gi', '1Gi', '2Gi'])", "4Gi"),
        ("sum(['1m', '2m'])", "3m"),
        ("sum([`1`, `2`])", 3),
        ("sum(['anything'])", "anything"),
        ("round(`2.5`, `0`)", 3),
        ("round(`-2.5`, `0`)", -3),
        ("round(`1.005`, `2`)", 1),
        ("round(`1.23456`, `3`)", 1.235),
    ],
)
def test_arithmetic_functions(text, expected):
    assert run(text) == expected


def test_arithmetic_errors_use_the_reference_messages():
    assert fails("add('1Gi', `1`)") == "JMESPath function 'add': Types mismatch"
    assert fails("add('1h', '1')") == "JMESPath function 'add': Types mismatch"  # '1' is a quantity
    assert fails("add(`true`, `1`)") == "JMESPath function 'add': invalid operand"
    assert fails("add('abc', `1`)") == "JMESPath function 'add': invalid operand"
    assert fails("sum(['1Gi', '1s'])") == "JMESPath function 'sum': Types mismatch"
    assert fails("sum(`[]`)") == "JMESPath function 'sum': at least one element in the array is required"
    assert fails("multiply('1Gi', '1Gi')") == "JMESPath function 'multiply': Types mismatch"
    assert fails("divide(`1`, `0`)") == "JMESPath function 'divide': Zero divisor passed"
    assert fails("divide('1s', '0s')") == "JMESPath function 'divide': Zero divisor passed"
    assert fails("divide(`1`, '1')") == "JMESPath function 'divide': Types mismatch"
    assert fails("modulo('1.5', '1')") == "JMESPath function 'modulo': Non-integer argument(s) passed for modulo"
    assert fails("modulo('4Ki', `2`)") == "JMESPath function 'modulo': Types mismatch"
    assert fails("modulo(`4`, `0`)") == "JMESPath function 'modulo': Zero divisor passed"
    assert fails("round(`1`, `0.5`)") == "JMESPath function 'round': Non-integer argument(s) passed for round off"
    assert fails("round(`1`, `-1`)").startswith("JMESPath function 'round': ")


# -- Kyverno: semver, JSON, YAML, lookups -------------------------------------------


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ("1.2.3", ">=1.2.0", True),
        ("1.2.3", "<1.2.3", False),
        ("1.2.3", "1.2.x", True),
        ("1.3.0", "1.2.x", False),
        ("1.2.3", "<=1.2.x", True),
        ("1.3.0", ">1.2.x", True),
        ("2.0.0", ">=1.0.0 <2.0.0", False),
        ("3.1.0", "<2.0.0 || >=3.0.0", True),
        ("1.0.0-alpha", "<1.0.0", True),
        ("1.0.0-alpha.1", ">1.0.0-alpha", True),
        ("not-a-version", "0.0.0", True),  # unparsable versions read as 0.0.0
        ("1.5.0", "!1.x", False),  # '!' with a wildcard never matches
    ],
)
def test_semver_compare(version, spec, expected):
    assert run("semver_compare($v, $r)", v=version, r=spec) is expected


def test_semver_compare_rejects_bad_ranges():
    fails("semver_compare('1.0.0', 'x || ')")
    fails("semver_compare('1.0.0', '>=a.b.c')")


def test_parse_json_and_yaml():
    assert run("parse_json('[1, 1.5, \"a\", null, {\"k\": true}]')") == [1, 1.5, "a", None, {"k": True}]
    fails("parse_json('NaN')")
    fails("parse_json('[1')")
    assert run("parse_yaml('a: [1, 2]\nb: yes\nc: ~\nd: 2024-01-02\n3: x')") == {
        "a": [1, 2],
        "b": True,
        "c": None,
        "d": "2024-01-02",
        "3": "x",
    }
    assert run("parse_yaml('---\nx: 1\n---\nx: 2\n')") == {"x": 1}
    assert run("parse_yaml('')") is None
    fails("parse_yaml('a: [')")


def test_lookup_items_object_from_lists():
    assert run("lookup(`{\"a\": 1}`, 'a')") == 1
    assert run("lookup(`{\"a\": 1}`, 'b')") is None
    assert run("lookup(`[10, 20]`, `1`)") == 20
    assert run("lookup(`[10, 20]`, `-1`)") is None
    assert fails("lookup(`{}`, `1`)") == "JMESPath function 'lookup': argument #2 is not of type String"
    assert fails("lookup(`[]`, 'a')") == "JMESPath function 'lookup': argument #2 is not of type Number"
    assert run("items(`{\"b\": 2, \"a\": 1}`, 'k', 'v')") == [{"k": "a", "v": 1}, {"k": "b", "v": 2}]
    assert run("items(['x'], 'i', 'v')") == [{"i": 0, "v": "x"}]
    assert run("object_from_lists(['a', `1`, `true`], [`1`, `2`])") == {"a": 1, "1": 2, "true": None}
    fails("object_from_lists([`[]`], [`1`])", match="StringArray")


def test_random_matches_its_pattern():
    for pattern in ("[a-z]{8}", "[0-9A-F]{4}-[0-9A-F]{4}", "(ab|cd)x?", "\\d{3}"):
        value = run("random($p)", p=pattern)
        assert re.fullmatch(pattern.replace("\\d", "[0-9]"), value), (pattern, value)
    fails("random('')", match="no pattern provided")


# -- Kyverno: time ---------------------------------------------------------------


def test_time_functions():
    start, end = "2024-02-28T23:30:00+01:00", "2024-03-01T01:00:00+01:00"
    assert run("time_diff($a, $b)", a=start, b=end) == "25h30m0s"
    assert run("time_since('', $a, $b)", a=start, b=end) == "25h30m0s"
    assert run("time_since('2006-01-02', '2024-01-01', '2024-01-02')") == "24h0m0s"
    assert run("time_add($a, '1h45m')", a=start) == "2024-02-29T01:15:00+01:00"
    assert run("time_add($a, '-24h')", a=start) == "2024-02-27T23:30:00+01:00"
    assert run("time_utc($a)", a=start) == "2024-02-28T22:30:00Z"
    assert run("time_to_cron($a)", a=start) == "30 23 28 2 3"
    assert run("time_before($a, $b)", a=start, b=end) is True
    assert run("time_after($a, $b)", a=start, b=end) is False
    assert run("time_between($a, $a, $b)", a=start, b=end) is False
    assert run("time_truncate('2024-02-28T23:59:59Z', '1h')") == "2024-02-28T23:00:00Z"
    assert run("time_truncate('2024-02-28T23:59:59.5Z', '1s')") == "2024-02-28T23:59:59Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", run("time_now_utc()"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", run("time_now()"))


@pytest.mark.parametrize(
    ("layout", "value", "expected"),
    [
        ("2006-01-02", "2024-03-05", "2024-03-05T00:00:00Z"),
        ("02 Jan 06 15:04 -0700", "05 Mar 24 10:20 +0530", "2024-03-05T10:20:00+05:30"),
        ("Monday, January 2, 2006 3:04PM", "Tuesday, March 5, 2024 9:07AM", "2024-03-05T09:07:00Z"),
        ("Jan _2 15:04:05.000", "Mar  5 12:00:00.250", "0000-03-05T12:00:00Z"),
        ("2006-01-02T15:04:05Z07:00", "2024-03-05T12:00:00.123456Z", "2024-03-05T12:00:00Z"),
        ("2006-002", "2024-060", "2024-02-29T00:00:00Z"),
    ],
)
def test_time_parse_go_layouts(layout, value, expected):
    assert run("time_parse($l, $v)", l=layout, v=value) == expected


def test_time_errors():
    assert "month out of range" in fails("time_parse('2006-01-02', '2024-13-01')")
    assert "day out of range" in fails("time_parse('2006-01-02', '2023-02-29')")
    assert 'cannot parse "x" as "2006"' in fails("time_parse('2006', 'x')")
    assert "extra text" in fails("time_parse('2006', '2024x')")
    assert fails("time_add('2024-01-01T00:00:00Z', '5 minutes')") == 'time: unknown unit " minutes" in duration "5 minutes"'
    fails("time_utc('2024-01-01')")
    fails("time_before(`1`, '2024-01-01T00:00:00Z')", match="invalid type")


# -- Kyverno: x509 ------------------------------------------------------------------


def test_x509_decode_certificate():
    cert = run("x509_decode($pem)", pem=CERT)
    assert cert["Version"] == 3
    assert cert["SerialNumber"] == 4660
    assert cert["SignatureAlgorithm"] == 4  # SHA256WithRSA
    assert cert["PublicKeyAlgorithm"] == 1  # RSA
    assert cert["PublicKey"] == {"N": str(int(MODULUS_HEX, 16)), "E": 65537}
    assert cert["Subject"]["CommonName"] == "guard.example.test"
    assert cert["Subject"]["Country"] == ["FR"]
    assert cert["Subject"]["Organization"] == ["Example Org"]
    assert cert["Subject"]["Locality"] is None
    assert cert["Subject"]["Names"][0] == {"Type": [2, 5, 4, 6], "Value": "FR"}
    assert cert["Issuer"] == cert["Subject"]
    assert cert["NotBefore"] == "2026-11-27T12:49:13Z"
    assert cert["NotAfter"] == "2036-11-24T12:49:13Z"
    assert cert["KeyUsage"] == 5  # digitalSignature | keyEncipherment
    assert cert["ExtKeyUsage"] == [1, 2]  # serverAuth, clientAuth
    assert cert["BasicConstraintsValid"] is True and cert["IsCA"] is True
    assert cert["MaxPathLen"] == -1
    assert cert["DNSNames"] == ["guard.example.test", "*.guard.example.test"]
    assert cert["IPAddresses"] == ["10.0.0.1"]
    assert cert["EmailAddresses"] == ["ops@example.test"]
    assert cert["URIs"][0]["Host"] == "example.test" and cert["URIs"][0]["Path"] == "/x"
    key_id = base64.b64encode(bytes.fromhex("F54AE09761DE9045A2A053A5D037DFFD3B8483C0")).decode()
    assert cert["SubjectKeyId"] == key_id
    assert cert["AuthorityKeyId"] == key_id
    ids = [ext["Id"] for ext in cert["Extensions"]]
    assert [2, 5, 29, 17] in ids and [2, 5, 29, 15] in ids
    assert cert["UnhandledCriticalExtensions"] is None
    der = base64.b64decode("".join(CERT.strip().splitlines()[1:-1]))
    assert base64.b64decode(cert["Raw"]) == der
    # the base64-encoded PEM form decodes the same way
    encoded = base64.b64encode(CERT.encode()).decode()
    assert run("x509_decode(base64_decode($b)).SerialNumber", b=encoded) == 4660


def test_x509_decode_certificate_request():
    csr = run("x509_decode($pem)", pem=CSR)
    assert csr["Version"] == 0
    assert csr["Subject"]["CommonName"] == "svc.example.test"
    assert csr["PublicKey"]["E"] == 65537
    assert csr["DNSNames"] == ["svc.example.test"]
    assert csr["Extensions"][0]["Id"] == [2, 5, 29, 17]
    assert "RawTBSCertificateRequest" in csr


def test_x509_decode_errors():
    assert fails("x509_decode('not pem')") == "failed to decode PEM block"
    block = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
    assert "neither contains" in fails("x509_decode($p)", p=block)
