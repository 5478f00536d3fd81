"""Violation messages with ``{{ expr }}`` placeholders.

A placeholder is ``{{`` up to the nearest ``}}`` on the same line (the
reference's ``{{(.*?)}}``), found by a scan that is linear in the text.
Each placeholder is replaced once, in one pass over the template: text that
a placeholder produced is never searched for placeholders again (the
reference replaces placeholder after placeholder in the whole string, so a
value holding ``{{ ... }}`` text multiplies).  The result is capped at
``MAX_MESSAGE_CHARS`` characters.
"""

from __future__ import annotations

from .bindings import Bindings
from .errors import RuleError
from .expr import Expr, ExpressionSyntaxError

# A formatted message longer than this is cut, with a visible note.
MAX_MESSAGE_CHARS = 64 * 1024
_TRUNCATED = "… (message truncated)"


def placeholders(text: str):
    """(start, end, inner text) of each ``{{ ... }}``, as ``{{(.*?)}}`` finds them."""
    pos = 0
    n = len(text)
    while pos < n:
        start = text.find("{{", pos)
        if start < 0:
            return
        end = text.find("}}", start + 2)
        if end < 0:
            return
        newline = text.find("\n", start + 2, end)
        if newline >= 0:
            # no start before the line break can close before it either
            pos = newline + 1
            continue
        yield start, end + 2, text[start + 2:end]
        pos = end + 2


class Message:
    __slots__ = ("original", "_subs", "_parts")

    def __init__(self, text: str):
        self.original = text
        self._subs = []
        # the template as literal text and placeholder indexes, alternating
        self._parts: list = []
        known: dict[str, int] = {}
        last = 0
        for start, end, inner in placeholders(text):
            placeholder = text[start:end]
            index = known.get(placeholder)
            if index is None:
                statement = inner.strip()
                try:
                    expr = Expr(statement)
                except ExpressionSyntaxError as exc:
                    raise ExpressionSyntaxError(f"in message placeholder {placeholder!r}: {exc}") from None
                index = known[placeholder] = len(self._subs)
                self._subs.append((placeholder, statement, expr))
            self._parts.append(text[last:start])
            self._parts.append(index)
            last = end
        self._parts.append(text[last:])

    def format(self, value, bindings: Bindings) -> str:
        if not self._subs:
            return self._cap(self.original)
        results: dict[int, str] = {}
        out: list[str] = []
        size = 0
        for part in self._parts:
            if type(part) is int:
                text = results.get(part)
                if text is None:
                    text = results[part] = self._substitute(part, value, bindings)
            else:
                text = part
            out.append(text)
            size += len(text)
            if size > MAX_MESSAGE_CHARS:
                break
        return self._cap("".join(out))

    def _substitute(self, index: int, value, bindings: Bindings) -> str:
        _, statement, expr = self._subs[index]
        try:
            result = expr.run(value, bindings)
        except RuleError as exc:
            return f"ERR ({statement} - {exc})"
        if result is None:
            return f"ERR ({statement} not found)"
        if not isinstance(result, str):
            return f"ERR ({statement} not a string)"
        return result

    @staticmethod
    def _cap(text: str) -> str:
        if len(text) <= MAX_MESSAGE_CHARS:
            return text
        return text[:MAX_MESSAGE_CHARS] + _TRUNCATED
