"""Go regular expressions on RE2.

Go's ``regexp`` package is RE2: the same syntax, the same refusals
(no look-around, no back-references) and matching in time linear in the
input.  The C++ RE2 library (``google-re2``) with its default options
parses exactly Go's ``syntax.Perl`` flags: Perl classes, ``\\pL`` Unicode
classes, non-greedy operators, ``$`` at end of text only, UTF-8.  What is
Go-specific lives here, on top of it:

- the few things C++ RE2 accepts and Go refuses (``\\C``, nesting deeper
  than 1000), and Go's wording of parse errors;
- ``Regexp.ReplaceAll``: ``$1``/``${name}`` templates as ``Regexp.Expand``
  and Go's handling of empty matches;
- random strings matched by a pattern (the ``random`` function).

Text is matched as UTF-8 bytes, encoded once per call, so that a scan that
resumes at an offset does not re-encode the input.
"""

from __future__ import annotations

import random as _random
from functools import lru_cache

import re2

from .values import scrub_surrogates


class GoRegexError(ValueError):
    pass


_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are reported to the caller, not on stderr
_UNANCHORED = re2._Anchor.UNANCHORED

# The longest text replace_all builds (bytes), as for padding: a
# replacement repeated for every match of a long text multiplies sizes.
MAX_RESULT_BYTES = 1 << 26

# Go's limit (regexp/syntax maxHeight) on how deeply groups may nest.
_MAX_NESTING = 1000

# RE2's error texts -> Go's (regexp/syntax ErrorCode)
_GO_ERRORS = (
    ("invalid perl operator", "invalid or unsupported Perl syntax"),
    ("missing )", "missing closing )"),
    ("missing ]", "missing closing ]"),
    ("trailing \\", "trailing backslash at end of expression"),
    ("bad repetition operator", "invalid nested repetition operator"),
    ("invalid repetition size", "invalid repeat count"),
    ("no argument for repetition operator", "missing argument to repetition operator"),
    ("invalid named capture group", "invalid named capture"),
    ("pattern too large", "expression too large"),
)


def _go_message(raw: str) -> str:
    code, sep, arg = raw.partition(": ")
    for ours, go in _GO_ERRORS:
        if code.startswith(ours):
            code = go
            break
    return f"error parsing regexp: {code}: `{arg}`" if sep else f"error parsing regexp: {code}"


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: Go sees U+FFFD
        return scrub_surrogates(text).encode("utf-8")


_CAPTURE_NAME = re2.compile("[A-Za-z0-9_]+")


def _check_go_only(pattern: str) -> None:
    """Refuse what C++ RE2 accepts but Go does not: ``\\C`` (any byte) , group
    names beyond ASCII letters, digits and underscore, and groups nested
    deeper than Go's limit."""
    i = 0
    n = len(pattern)
    depth = 0
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            if e == "Q" and not in_class:
                end = pattern.find("\\E", i + 2)
                if end < 0:
                    return
                i = end + 2
                continue
            if e == "C":
                raise GoRegexError("error parsing regexp: invalid escape sequence: `\\C`")
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[" and pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                if end > 0:
                    i = end + 2
                    continue
            i += 1
            continue
        if c == "[":
            in_class = True
            i += 1
            if pattern.startswith("^", i):
                i += 1
            if pattern.startswith("]", i):  # a leading ] is a literal
                i += 1
            continue
        if c == "(":
            depth += 1
            if depth > _MAX_NESTING:
                raise GoRegexError("error parsing regexp: expression nests too deeply")
            for opener in ("(?P<", "(?<"):
                if pattern.startswith(opener, i):
                    end = pattern.find(">", i)
                    name = pattern[i + len(opener):end]
                    if end > 0 and name[:1] not in ("=", "!") and not _CAPTURE_NAME.fullmatch(name):
                        raise GoRegexError(f"error parsing regexp: invalid named capture: `{pattern[i:end + 1]}`")
        elif c == ")":
            depth -= 1
        i += 1


class GoRegexp:
    """A compiled Go regular expression."""

    __slots__ = ("pattern", "_re", "_match", "_groups", "_names")

    def __init__(self, pattern: str):
        self.pattern = pattern
        _check_go_only(pattern)
        try:
            self._re = re2.compile(_utf8(pattern), _OPTIONS)
        except re2.error as exc:
            raw = exc.args[0] if exc.args else ""
            if isinstance(raw, bytes):
                raw = raw.decode("utf-8", "replace")
            raise GoRegexError(_go_message(str(raw))) from None
        # the wrapper's own search() re-encodes text and builds match
        # objects; RE2::Match on bytes returns the group spans directly
        self._match = self._re._regexp.Match
        self._groups = self._re.groups
        self._names = {name.decode("utf-8", "replace"): index for name, index in self._re.groupindex.items()}

    def search(self, text: str) -> bool:
        """Go ``Regexp.MatchString``: is there a match anywhere in ``text``?"""
        data = _utf8(text)
        return self._match(_UNANCHORED, data, 0, len(data))[0][0] >= 0

    def replace_all(self, src: str, repl: str, literal: bool) -> str:
        """Go ``Regexp.ReplaceAllString`` / ``ReplaceAllLiteralString``."""
        data = _utf8(src)
        template = _utf8(repl)
        literal = literal or b"$" not in template
        match = self._match
        out: list[bytes] = []
        append = out.append
        last_end = 0
        pos = 0
        end = len(data)
        ascii_only = end == len(src)
        size = 0
        while pos <= end:
            spans = match(_UNANCHORED, data, pos, end)
            a0, a1 = spans[0]
            if a0 < 0:
                break
            if a0 > last_end:
                append(data[last_end:a0])
                size += a0 - last_end
            # no replacement for an empty match right after the previous match
            if a1 > last_end or a0 == 0:
                piece = template if literal else self._expand(template, data, spans)
                append(piece)
                size += len(piece)
                if size > MAX_RESULT_BYTES:
                    raise GoRegexError(f"the result would be longer than {MAX_RESULT_BYTES} bytes")
            last_end = a1
            width = (1 if pos < end else 0) if ascii_only else _rune_width(data, pos)
            if pos + width > a1:
                pos += width
            elif pos + 1 > a1:
                pos += 1  # only at the end of the input, where width is 0
            else:
                pos = a1
        out.append(data[last_end:])
        return b"".join(out).decode("utf-8")

    def _expand(self, template: bytes, data: bytes, spans) -> bytes:
        """Go ``Regexp.Expand``: ``$$`` is a dollar, ``$name``/``${name}`` a
        group by number or name (empty when there is no such group), a
        malformed reference is kept as text."""
        out: list[bytes] = []
        while template:
            before, sep, after = template.partition(b"$")
            if not sep:
                break
            out.append(before)
            template = after
            if template.startswith(b"$"):
                out.append(b"$")
                template = template[1:]
                continue
            extracted = _extract(template)
            if extracted is None:
                out.append(b"$")
                continue
            name, num, template = extracted
            index = num if num >= 0 else self._names.get(name, -1)
            if 0 <= index <= self._groups:
                a, b = spans[index]
                if a >= 0:
                    out.append(data[a:b])
        out.append(template)
        return b"".join(out)


def _rune_width(data: bytes, pos: int) -> int:
    """Width of the UTF-8 sequence at ``pos`` (0 at the end)."""
    if pos >= len(data):
        return 0
    lead = data[pos]
    if lead < 0x80:
        return 1
    if lead >= 0xF0:
        return min(4, len(data) - pos)
    if lead >= 0xE0:
        return min(3, len(data) - pos)
    return min(2, len(data) - pos)


def _extract(template: bytes):
    """Go's regexp ``extract``: (name, num, rest) or None when malformed.
    A name is the longest run of letters, digits and underscores."""
    text = template.decode("utf-8", "replace")
    brace = text.startswith("{")
    s = text[1:] if brace else text
    i = 0
    while i < len(s) and (s[i].isalpha() or s[i].isdecimal() or s[i] == "_"):
        i += 1
    if i == 0:
        return None
    name = s[:i]
    if brace:
        if i >= len(s) or s[i] != "}":
            return None
        i += 1
    num = -1
    if name.isascii() and name.isdigit() and len(name) <= 9 and not (name[0] == "0" and len(name) > 1):
        num = int(name)
    return name, num, s[i:].encode("utf-8")


@lru_cache(maxsize=512)
def compile_go(pattern: str) -> GoRegexp:
    """Compile a Go regular expression (cached)."""
    return GoRegexp(pattern)


# ---------------------------------------------------------------------------
# random strings matching a pattern (the `random` function)
# ---------------------------------------------------------------------------
#
# The pattern is validated by RE2 first; the small parser below only finds
# the structure (alternation, groups, repetition).  Each single-character
# atom (a literal, an escape, a class) is turned into a set of candidates
# by letting RE2 itself decide which characters of a pool it matches.

_MAX_UNBOUNDED = 10
_PRINTABLE = [chr(c) for c in range(0x20, 0x7F)]
_POOL = _PRINTABLE + ["\t", "\n", "\r"] + list("éßøÆΩλжЖ中文٣") + [chr(c) for c in range(0xC0, 0x100)]
_RARE = [chr(c) for c in range(0x20)] + ["\x7f", "\u2028", "\U0001f600"]
_ZERO_WIDTH = {"b", "B", "A", "z"}
_EMPTY = ("cat", [])


class _Gen:
    def __init__(self, pattern: str):
        self.p = pattern
        self.i = 0

    def alternation(self):
        branches = [self.concat()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            branches.append(self.concat())
        return ("alt", branches)

    def concat(self):
        items = []
        p = self.p
        while self.i < len(p) and p[self.i] not in "|)":
            items.append(self.repeat(self.atom()))
        return ("cat", items)

    def repeat(self, atom):
        p = self.p
        while self.i < len(p):
            c = p[self.i]
            if c in "*+?":
                lo, hi = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
                self.i += 1
            elif c == "{":
                close = p.find("}", self.i)
                body = p[self.i + 1:close] if close > 0 else ""
                lo_s, comma, hi_s = body.partition(",")
                if not lo_s.isdigit() or (hi_s and not hi_s.isdigit()):
                    break  # a literal brace
                lo = int(lo_s)
                hi = lo if not comma else (int(hi_s) if hi_s else None)
                self.i = close + 1
            else:
                break
            if self.i < len(p) and p[self.i] == "?":
                self.i += 1
            atom = ("rep", lo, hi, atom)
        return atom

    def atom(self):
        p = self.p
        c = p[self.i]
        if c == "(":
            self.i += 1
            if p.startswith("?", self.i):
                if p.startswith(("?P<", "?<"), self.i):
                    self.i = p.index(">", self.i) + 1
                else:
                    j = self.i + 1
                    while p[j] not in ":)":
                        j += 1
                    self.i = j + 1
                    if p[j] == ")":
                        return _EMPTY  # flags for the rest of the group
            inner = self.alternation()
            self.i += 1  # ")"
            return inner
        if c in "^$":
            self.i += 1
            return _EMPTY
        if c == ".":
            self.i += 1
            return ("set", _PRINTABLE)
        if c == "[":
            j = self.i + 1
            if p.startswith("^", j):
                j += 1
            if p.startswith("]", j):
                j += 1
            while p[j] != "]":
                if p[j] == "\\":
                    j += 2
                elif p.startswith("[:", j) and p.find(":]", j + 2) > 0:
                    j = p.find(":]", j + 2) + 2
                else:
                    j += 1
            text = p[self.i:j + 1]
            self.i = j + 1
            return ("set", _candidates(text))
        if c == "\\":
            e = p[self.i + 1]
            if e == "Q":
                end = p.find("\\E", self.i + 2)
                literal = p[self.i + 2:] if end < 0 else p[self.i + 2:end]
                self.i = len(p) if end < 0 else end + 2
                return ("lit", literal)
            if e in _ZERO_WIDTH:
                self.i += 2
                return _EMPTY
            j = self.i + 2
            if e in "pP" and p.startswith("{", j):
                j = p.index("}", j) + 1
            elif e in "pP":
                j += 1
            elif e == "x":
                j = p.index("}", j) + 1 if p.startswith("{", j) else j + 2
            elif e in "01234567":
                while j < len(p) and j < self.i + 4 and p[j] in "01234567":
                    j += 1
            text = p[self.i:j]
            self.i = j
            return ("set", _candidates(text))
        self.i += 1
        return ("lit", c)


@lru_cache(maxsize=256)
def _candidates(atom: str) -> list[str]:
    extra = [ch for ch in atom if ch not in "\\[]^-:"]
    for k in range(len(atom)):
        if atom.startswith("\\x{", k):
            try:
                extra.append(chr(int(atom[k + 3:atom.index("}", k)], 16)))
            except (ValueError, OverflowError):
                pass
    regex = re2.compile(_utf8(atom), _OPTIONS)
    for pool in (_POOL + extra, _RARE):  # control characters only when needed
        seen = {ch: None for ch in pool if regex.fullmatch(_utf8(ch)) is not None}
        if seen:
            return list(seen)
    return []


def _emit(node, rng, out: list[str]) -> None:
    kind = node[0]
    if kind == "lit":
        out.append(node[1])
    elif kind == "set":
        if not node[1]:
            raise GoRegexError("cannot generate a character for this pattern")
        out.append(rng.choice(node[1]))
    elif kind == "cat":
        for item in node[1]:
            _emit(item, rng, out)
    elif kind == "alt":
        _emit(rng.choice(node[1]), rng, out)
    else:
        _, lo, hi, sub = node
        if hi is None:
            hi = lo + _MAX_UNBOUNDED
        for _ in range(rng.randint(lo, hi)):
            _emit(sub, rng, out)


def generate(pattern: str, rng: _random.Random | None = None) -> str:
    """A random string matched by ``pattern``."""
    compile_go(pattern)  # Go's refusals first
    tree = _Gen(pattern).alternation()
    out: list[str] = []
    _emit(tree, rng or _random.SystemRandom(), out)
    return "".join(out)


# ---------------------------------------------------------------------------
# wildcards (Kyverno's wildcard.Match)
# ---------------------------------------------------------------------------


def _piece_at(piece: str, name: str, start: int) -> bool:
    if start < 0 or start + len(piece) > len(name):
        return False
    return all(p == "?" or p == c for p, c in zip(piece, name[start:start + len(piece)]))


def _find_piece(piece: str, name: str, pos: int) -> int:
    """End of the leftmost occurrence of ``piece`` (``?`` is any one
    character) in ``name`` at or after ``pos``, or -1.

    Without ``?``, str.find.  With it, the Shift-And algorithm: bit i of
    ``state`` says that the first i+1 characters of the piece end here;
    one pass over the name, each step a few operations on an integer of
    len(piece) bits."""
    if "?" not in piece:
        found = name.find(piece, pos)
        return found + len(piece) if found >= 0 else -1
    m = len(piece)
    if m > len(name) - pos:
        return -1
    anything = 0
    masks: dict[str, int] = {}
    for i, ch in enumerate(piece):
        if ch == "?":
            anything |= 1 << i
        else:
            masks[ch] = masks.get(ch, 0) | (1 << i)
    for ch in masks:
        masks[ch] |= anything
    last = 1 << (m - 1)
    state = 0
    get = masks.get
    for j in range(pos, len(name)):
        state = ((state << 1) | 1) & get(name[j], anything)
        if state & last:
            return j + 1
    return -1


def wildcard_match(pattern: str, name: str) -> bool:
    """Kyverno's wildcard.Match: ``*`` any run of characters, ``?`` exactly one.

    The pattern is cut at its stars: the first piece must start the name,
    the last must end it and the others are found leftmost, in order, which
    decides a match in one pass over the name (a star-by-star backtracking
    loop takes the product of both lengths)."""
    if pattern == "":
        return name == ""
    if pattern == "*":
        return True
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return len(pattern) == len(name) and _piece_at(pattern, name, 0)
    first, middle, last = pieces[0], pieces[1:-1], pieces[-1]
    if len(first) + len(last) > len(name):
        return False
    if not _piece_at(first, name, 0) or not _piece_at(last, name, len(name) - len(last)):
        return False
    pos = len(first)
    end = len(name) - len(last)
    for piece in middle:
        if piece:
            pos = _find_piece(piece, name[:end], pos)
            if pos < 0:
                return False
    return True
