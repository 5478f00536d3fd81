"""Go (RE2) regular expressions on top of Python's ``re``.

Patterns are translated where the two dialects differ (``$`` and ``\\z``,
ASCII-only ``\\d \\w \\s``, POSIX classes, ``\\Q...\\E``, flag groups in the
middle of a pattern) and constructs RE2 rejects (look-around,
back-references) are refused.  Replacement follows ``Regexp.ReplaceAll``:
``$1``/``${name}`` templates and Go's handling of empty matches.
"""

from __future__ import annotations

import random as _random
import re
from functools import lru_cache

try:  # Python >= 3.11
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]


class GoRegexError(ValueError):
    pass


_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_PERL_OUT = {
    "d": "[0-9]",
    "D": "[^0-9]",
    "w": "[0-9A-Za-z_]",
    "W": "[^0-9A-Za-z_]",
    "s": "[\\t\\n\\f\\r ]",
    "S": "[^\\t\\n\\f\\r ]",
}
_PERL_IN = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}


def translate(pattern: str) -> str:
    """Translate a Go regular expression into an equivalent Python one."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    multiline = False
    # one entry per open group: number of scoped-flag groups to close with it
    pending: list[int] = [0]
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise GoRegexError("trailing backslash at end of expression")
            e = pattern[i + 1]
            if e == "Q":
                end = pattern.find("\\E", i + 2)
                literal = pattern[i + 2:] if end < 0 else pattern[i + 2:end]
                out.append(re.escape(literal))
                i = n if end < 0 else end + 2
                continue
            if e == "z":
                out.append("\\Z")
            elif e in _PERL_OUT:
                out.append(_PERL_OUT[e])
            elif e.isdigit() and e != "0":
                raise GoRegexError(f"invalid escape sequence: \\{e}")
            elif e in "pP":
                raise GoRegexError(f"invalid character class range: \\{e}")
            else:
                out.append(c + e)
            i += 2
            continue
        if c == "[":
            i = _translate_class(pattern, i, out)
            continue
        if c == "$":
            out.append("$" if multiline else "(?!(?s:.))")
            i += 1
            continue
        if c == "(":
            if pattern.startswith("(?", i):
                if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!", "(?#", "(?>"), i):
                    raise GoRegexError("invalid or unsupported Perl syntax: " + pattern[i:i + 3])
                if pattern.startswith("(?P<", i) or pattern.startswith("(?P=", i):
                    if pattern.startswith("(?P=", i):
                        raise GoRegexError("invalid named capture: " + pattern[i:i + 4])
                    out.append("(?P<")
                    i += 4
                    pending.append(0)
                    continue
                if pattern.startswith("(?<", i):
                    out.append("(?P<")
                    i += 3
                    pending.append(0)
                    continue
                m = re.match(r"\(\?([imsU]*)(?:-([imsU]*))?([:)])", pattern[i:])
                if not m:
                    raise GoRegexError("invalid or unsupported Perl syntax: " + pattern[i:i + 3])
                on, off, kind = m.group(1), m.group(2) or "", m.group(3)
                if "U" in on or "U" in off:
                    raise GoRegexError("ungreedy flag (?U) is not supported")
                if "m" in on:
                    multiline = True
                flags = on + ("-" + off if off else "")
                i += m.end()
                if kind == ":":
                    out.append(f"(?{flags}:" if flags else "(?:")
                    pending.append(0)
                elif flags:
                    out.append(f"(?{flags}:")
                    pending[-1] += 1
                continue
            out.append("(")
            pending.append(0)
            i += 1
            continue
        if c == ")":
            if len(pending) == 1:
                raise GoRegexError("unexpected ): " + pattern)
            out.append(")" * pending.pop())
            out.append(")")
            i += 1
            continue
        out.append(c)
        i += 1
    if len(pending) != 1:
        raise GoRegexError("missing closing ): " + pattern)
    out.append(")" * pending[0])
    return "".join(out)


def _translate_class(pattern: str, i: int, out: list[str]) -> int:
    n = len(pattern)
    j = i + 1
    parts = ["["]
    if j < n and pattern[j] == "^":
        parts.append("^")
        j += 1
    first = True
    while j < n:
        c = pattern[j]
        if c == "]" and not first:
            parts.append("]")
            out.append("".join(parts))
            return j + 1
        first = False
        if c == "[" and pattern.startswith("[:", j):
            end = pattern.find(":]", j + 2)
            if end > 0:
                name = pattern[j + 2:end]
                if name in _POSIX:
                    parts.append(_POSIX[name])
                    j = end + 2
                    continue
                raise GoRegexError(f"invalid character class range: [:{name}:]")
        if c == "[":
            parts.append("\\[")
            j += 1
            continue
        if c == "\\":
            if j + 1 >= n:
                break
            e = pattern[j + 1]
            if e in _PERL_IN:
                parts.append(_PERL_IN[e])
            elif e in "pP":
                raise GoRegexError(f"invalid character class range: \\{e}")
            else:
                parts.append(c + e)
            j += 2
            continue
        if c in "&~|" and j + 1 < n and pattern[j + 1] == c:
            parts.append("\\" + c)
            j += 1
            continue
        parts.append(c)
        j += 1
    raise GoRegexError("missing closing ]: " + pattern[i:])


@lru_cache(maxsize=512)
def compile_go(pattern: str) -> re.Pattern:
    """Compile a Go regular expression (cached)."""
    try:
        return re.compile(translate(pattern))
    except re.error as exc:
        raise GoRegexError(f"error parsing regexp: {exc}: `{pattern}`") from None
    except RecursionError:
        raise GoRegexError(f"error parsing regexp: expression nests too deeply: `{pattern}`") from None


def _extract(template: str):
    """Go's regexp ``extract``: (name, num, rest) or None when malformed."""
    if not template:
        return None
    brace = template[0] == "{"
    s = template[1:] if brace else template
    i = 0
    while i < len(s) and (s[i].isalpha() or s[i].isdigit() or s[i] == "_"):
        i += 1
    if i == 0:
        return None
    name = s[:i]
    if brace:
        if i >= len(s) or s[i] != "}":
            return None
        i += 1
    num = -1
    if name.isdigit() and name.isascii():
        num = int(name) if len(name) < 9 else -1
        if name[0] == "0" and len(name) > 1:
            num = -1
    return name, num, s[i:]


def expand(template: str, match: re.Match) -> str:
    out: list[str] = []
    names = match.re.groupindex
    ngroups = match.re.groups
    while template:
        before, sep, after = template.partition("$")
        if not sep:
            break
        out.append(before)
        template = after
        if template.startswith("$"):
            out.append("$")
            template = template[1:]
            continue
        extracted = _extract(template)
        if extracted is None:
            out.append("$")
            continue
        name, num, template = extracted
        if num >= 0:
            if num <= ngroups:
                group = match.group(num)
                if group is not None:
                    out.append(group)
        else:
            index = names.get(name)
            if index is not None:
                group = match.group(index)
                if group is not None:
                    out.append(group)
    out.append(template)
    return "".join(out)


def replace_all(regex: re.Pattern, src: str, repl: str, literal: bool) -> str:
    """Go ``Regexp.ReplaceAll`` / ``ReplaceAllLiteral``."""
    out: list[str] = []
    last_end = 0
    pos = 0
    end = len(src)
    while pos <= end:
        m = regex.search(src, pos)
        if m is None:
            break
        a0, a1 = m.span()
        out.append(src[last_end:a0])
        if a1 > last_end or a0 == 0:
            out.append(repl if literal else expand(repl, m))
        last_end = a1
        width = 1 if pos < end else 0
        if pos + width > a1:
            pos += width
        elif pos + 1 > a1:
            pos += 1
        else:
            pos = a1
    out.append(src[last_end:])
    return "".join(out)


# ---------------------------------------------------------------------------
# random strings matching a pattern (the `random` function)
# ---------------------------------------------------------------------------

_MAX_UNBOUNDED = 10
_PRINTABLE = [chr(c) for c in range(0x20, 0x7F)]


def generate(pattern: str, rng: _random.Random | None = None) -> str:
    """A random string matched by ``pattern``."""
    rng = rng or _random.SystemRandom()
    try:
        parsed = _sre_parse.parse(translate(pattern))
    except (re.error, GoRegexError) as exc:
        raise GoRegexError(f"error parsing regexp: {exc}: `{pattern}`") from None
    out: list[str] = []
    _gen(parsed, rng, out, {})
    return "".join(out)


def _gen(items, rng, out, groups) -> None:
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(av))
        elif name == "NOT_LITERAL":
            choices = [ch for ch in _PRINTABLE if ord(ch) != av]
            out.append(rng.choice(choices))
        elif name == "ANY":
            out.append(rng.choice(_PRINTABLE))
        elif name == "IN":
            out.append(_gen_in(av, rng))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            if hi == _sre_parse.MAXREPEAT:
                hi = lo + _MAX_UNBOUNDED
            for _ in range(rng.randint(lo, hi)):
                _gen(sub, rng, out, groups)
        elif name == "SUBPATTERN":
            group, _add, _del, sub = av
            start = len(out)
            _gen(sub, rng, out, groups)
            if group is not None:
                groups[group] = "".join(out[start:])
        elif name == "BRANCH":
            _, branches = av
            _gen(rng.choice(branches), rng, out, groups)
        elif name == "GROUPREF":
            out.append(groups.get(av, ""))
        # AT (anchors) and other zero-width items produce nothing


def _gen_in(items, rng) -> str:
    chars: set[str] = set()
    negate = False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.add(chr(av))
        elif name == "RANGE":
            lo, hi = av
            for c in range(lo, min(hi, lo + 0x3000) + 1):
                chars.add(chr(c))
        elif name == "CATEGORY":
            cat = str(av)
            if "DIGIT" in cat:
                pool = set("0123456789")
            elif "WORD" in cat:
                pool = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
            else:
                pool = set(" \t\n\r\f")
            if cat.startswith("CATEGORY_NOT"):
                pool = set(_PRINTABLE) - pool
            chars |= pool
    if negate:
        pool = [ch for ch in _PRINTABLE if ch not in chars]
        return rng.choice(pool) if pool else ""
    return rng.choice(sorted(chars)) if chars else ""
