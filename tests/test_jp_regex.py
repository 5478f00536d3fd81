"""Regular expressions: Go's RE2 syntax and refusals, ReplaceAll's templates
and empty-match rules, and property tests over random patterns."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_exec_guard.cli import main
from ecs_exec_guard.jp import JPRuntimeError, compile_expression
from ecs_exec_guard.jp.goregex import GoRegexError, compile_go, generate


def run(expression, **bindings):
    return compile_expression(expression).search({}, bindings)


def error_of(expression, **bindings):
    with pytest.raises(JPRuntimeError) as info:
        run(expression, **bindings)
    return str(info.value)


@pytest.mark.parametrize(
    "pattern, text, expected",
    [
        ("\\pL+", "é", True),  # Unicode classes
        ("^\\p{Greek}+$", "λόγος", True),
        ("^\\PL$", "1", True),
        ("(?i)ABC", "xabcx", True),
        ("(?i:a)b", "Ab", True),
        ("(?i:a)b", "AB", False),
        ("(?s)a.b", "a\nb", True),
        ("a.b", "a\nb", False),
        ("(?m)^b$", "a\nb\nc", True),
        ("^b$", "a\nb\nc", False),
        ("a$", "a\n", False),  # `$` is the end of the text
        ("\\d", "\u0663", False),  # Perl classes are ASCII
        ("\\w", "é", False),
        ("\\s", "\u00a0", False),
        ("[[:alpha:]]", "é", False),
        ("\\x{263A}", "\u263a", True),
        ("\\Qa.b\\E", "axb", False),
        ("(?U)a+", "aaa", True),
        ("(?<name>x)", "x", True),
        ("\\bword\\b", "a word here", True),
        ("\\Aab\\z", "ab", True),
        ("[^a]", "\ud800", True),  # a lone surrogate reads as U+FFFD
    ],
)
def test_regex_match_uses_go_syntax(pattern, text, expected):
    assert run("regex_match($p, $t)", p=pattern, t=text) is expected


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("(?=a)", "invalid or unsupported Perl syntax: `(?=`"),
        ("(?!a)", "invalid or unsupported Perl syntax"),
        ("(?<=a)b", "invalid or unsupported Perl syntax"),
        ("(a)\\1", "invalid escape sequence: `\\1`"),
        ("\\C", "invalid escape sequence: `\\C`"),
        ("\\Z", "invalid escape sequence"),
        ("(", "missing closing ): `(`"),
        ("a)", "unexpected )"),
        ("[a", "missing closing ]"),
        ("a**", "invalid nested repetition operator: `**`"),
        ("a{1001}", "invalid repeat count"),
        ("*", "missing argument to repetition operator"),
        ("[z-a]", "invalid character class range: `z-a`"),
        ("\\pX", "invalid character class range"),
        ("(?P<>a)", "invalid named capture"),
        ("(?P<ü>a)", "invalid named capture: `(?P<ü>`"),
        ("(?<a-b>a)", "invalid named capture"),
        ("(" * 1001 + ")" * 1001, "expression nests too deeply"),
    ],
)
def test_what_go_refuses_is_refused(pattern, message):
    text = error_of("regex_match($p, 'a')", p=pattern)
    assert text.startswith("error parsing regexp: ")
    assert message in text
    assert message in error_of("regex_replace_all($p, 'a', 'b')", p=pattern)


def test_escaped_c_in_a_quoted_literal_is_text():
    assert run("regex_match('\\Q\\C\\E', 'x\\Cy')") is True


@pytest.mark.parametrize(
    "pattern, src, repl, expected",
    [
        ("(\\w+)@(\\w+)", "me@host", "$2 at ${1}", "host at me"),
        ("(a)", "a", "$1x|${1}x|$$", "|ax|$"),  # $1x names group "1x"
        ("(?P<w>o)", "foo", "[$w]", "f[o][o]"),
        ("(?P<w>o)", "foo", "[$wx]", "f[][]"),  # unknown name -> empty
        ("(?P<w>o)", "foo", "[${w}x]", "f[ox][ox]"),
        ("(a)", "a", "$9|$01|$", "||$"),  # no group 9; "01" is a name, not a number; lone $
        ("(a)", "a", "${1", "${1"),  # malformed reference stays text
        ("(a)|b", "ab", "[$1]", "[a][]"),  # group that did not take part
        ("(é)", "éé", "<$1>", "<é><é>"),
        ("(x)", "x", "$ü|$1ü", "|"),  # references are runs of letters, not only ASCII
    ],
)
def test_replace_all_templates_follow_expand(pattern, src, repl, expected):
    assert run("regex_replace_all($p, $s, $r)", p=pattern, s=src, r=repl) == expected


@pytest.mark.parametrize(
    "pattern, src, expected",
    [
        ("x*", "abxd", "-a-b-d-"),  # no empty match right after "x"
        ("a|", "baaac", "-b---c-"),
        ("", "ab", "-a-b-"),
        ("b*", "abc", "-a-c-"),
        ("", "éü", "-é-ü-"),  # advances by a whole character
        ("$", "ab", "ab-"),
        ("^", "ab", "-ab"),
    ],
)
def test_replace_all_empty_matches_as_go(pattern, src, expected):
    assert run("regex_replace_all($p, $s, '-')", p=pattern, s=src) == expected
    assert run("regex_replace_all_literal($p, $s, '-')", p=pattern, s=src) == expected


def test_replace_all_literal_keeps_dollars():
    assert run("regex_replace_all_literal('a', 'banana', '$1')") == "b$1n$1n$1"


def test_former_backtracking_patterns_answer_at_once():
    name = "a" * 28 + "!"
    assert run("regex_match('^([a-z0-9]+-?)*[a-z0-9]+$', $n)", n=name) is False
    big = "x" * 100_000 + " !"
    assert run("regex_match('\\s+$', $b)", b=big) is False
    assert run("regex_match('.*-(dev|prod)-.*', $b)", b="-" * 100_000) is False


def test_regex_error_through_the_cli_is_one_line(tmp_path, capsys):
    data = tmp_path / "in.json"
    data.write_text('{"a": "x"}')
    code = main(["jp", "query", "-i", str(data), "regex_match('(?=a)', a)"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "invalid or unsupported Perl syntax" in err


@pytest.mark.parametrize(
    "pattern",
    ["\\pL{3}\\d", "[[:alpha:]]{2}[[:digit:]]", "\\Qa.b\\E", "(?i)ab|cd", "(?<n>x|y)z", "\\x{263A}+",
     "[^a-y]{4}", "a{2,}b{0,3}", "^\\b\\w+\\b$", "x{", "[]a]", "(?:ab)+?", "\\141\\.", "(?s).+"],
)
def test_random_generates_matching_strings(pattern):
    value = run("random($p)", p=pattern)
    assert compile_go(f"^(?:{pattern})$").search(value), (pattern, value)


def test_random_refuses_what_go_refuses():
    assert "invalid or unsupported Perl syntax" in error_of("random('(?=a)')")


# -- property tests ----------------------------------------------------------

PATTERN_ALPHABET = list("ab.*+?|()[]^$\\{},-:0123dswDSWpLzQECPi<>=!") + ["é", "\x00"]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(pattern=st.text(PATTERN_ALPHABET, max_size=16), text=st.text("ab-é\n\ud800", max_size=12))
def test_no_python_exception_escapes(pattern, text):
    try:
        regex = compile_go(pattern)
    except GoRegexError as exc:
        assert str(exc).startswith("error parsing regexp: ")
        return
    assert isinstance(regex.search(text), bool)
    assert isinstance(regex.replace_all(text, "<$0$1${x}$$>", False), str)
    assert isinstance(regex.replace_all(text, "$", True), str)
    try:
        generated = generate(pattern)
    except GoRegexError as exc:  # a class no character of the pool matches
        assert "cannot generate" in str(exc)
    else:
        assert isinstance(generated, str)


# A subset on which Go's leftmost-first RE2 and Python's backtracking agree:
# literals, any-character, classes of letters, groups, alternation, greedy
# and lazy repetition.
def _subset_patterns():
    atom = st.sampled_from(["a", "b", ".", "[ab]", "[^a]", "(?:a|b)", "(a|)", "\\-"])
    piece = st.tuples(atom, st.sampled_from(["", "*", "+", "?", "*?", "+?", "{1,2}"])).map("".join)
    branch = st.lists(piece, min_size=0, max_size=4).map("".join)
    return st.lists(branch, min_size=1, max_size=3).map("|".join)


def _model_replace_all(pattern, src, repl):
    """Go's ReplaceAll loop driven by Python's re (on ASCII text)."""
    regex = re.compile(pattern)
    out, last_end, pos = [], 0, 0
    while pos <= len(src):
        m = regex.search(src, pos)
        if m is None:
            break
        a0, a1 = m.span()
        out.append(src[last_end:a0])
        if a1 > last_end or a0 == 0:
            out.append(repl.replace("$0", m.group(0)))
        last_end = a1
        width = 1 if pos < len(src) else 0
        pos = pos + width if pos + width > a1 else (pos + 1 if pos + 1 > a1 else a1)
    out.append(src[last_end:])
    return "".join(out)


@SETTINGS
@given(pattern=_subset_patterns(), text=st.text("ab-", max_size=10))
def test_agrees_with_a_backtracking_model_on_a_common_subset(pattern, text):
    regex = compile_go(pattern)
    assert regex.search(text) == (re.search(pattern, text) is not None)
    assert regex.replace_all(text, "<$0>", False) == _model_replace_all(pattern, text, "<$0>")


# -- wildcards -------------------------------------------------------------------


def _wildcard_model(pattern, name):
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, name, re.S) is not None


@pytest.mark.parametrize(
    "pattern, name, expected",
    [
        ("", "", True), ("", "a", False), ("*", "", True), ("?", "", False), ("?", "é", True),
        ("a*b", "ab", True), ("a*b", "axxb", True), ("a*b", "axxbc", False), ("*a?c*", "xxabcxx", True),
        ("a*a", "a", False), ("*a*a*", "aa", True), ("ab*cd*ef", "abcdxcdef", True), ("?*?", "a", False),
    ],
)
def test_wildcard(pattern, name, expected):
    assert run("wildcard($p, $n)", p=pattern, n=name) is expected
    assert run("pattern_match($p, $n)", p=pattern, n=name) is expected


@SETTINGS
@given(pattern=st.text("ab*?é", max_size=10), name=st.text("abé", max_size=10))
def test_wildcard_agrees_with_a_regex_model(pattern, name):
    assert run("wildcard($p, $n)", p=pattern, n=name) is _wildcard_model(pattern, name)


def test_wildcard_decides_long_inputs_in_one_pass():
    # a star-by-star backtracking loop needs minutes for these
    name = "a" * 100_000
    assert run("wildcard($p, $n)", p="*" + "a" * 5000 + "b*", n=name) is False
    assert run("wildcard($p, $n)", p="*" + "a?" * 2500 + "b*", n=name) is False
    assert run("wildcard($p, $n)", p="*a?" * 30_000 + "*", n=name) is True
