"""RE2 regular expressions (``google-re2``), compiled once per pattern."""

from __future__ import annotations

from functools import lru_cache

import re2

from .errors import CelEvalError


@lru_cache(maxsize=512)
def compile_pattern(pattern: str):
    try:
        options = re2.Options()
        options.log_errors = False
        return re2.compile(pattern, options)
    except Exception as exc:
        why = exc.args[0] if exc.args else exc
        if isinstance(why, bytes):
            why = why.decode("utf-8", "replace")
        raise CelEvalError(f"invalid regular expression {pattern!r}: {why}") from None


def search(pattern: str, text: str) -> bool:
    """CEL ``matches``: true when the pattern matches any part of the text."""
    return compile_pattern(pattern).search(text) is not None


def find_all(compiled, text: str, n: int) -> list:
    """Go's ``FindAll*``: successive non-overlapping matches; an empty match
    right after the previous match is skipped."""
    out = []
    pos = 0
    prev_end = -1
    length = len(text)
    while pos <= length and (n < 0 or len(out) < n):
        m = compiled.search(text, pos)
        if m is None:
            break
        start, end = m.span()
        if start == end and start == prev_end:
            pos = start + 1
            continue
        out.append(m)
        prev_end = end
        pos = end if end > start else end + 1
    return out
