"""Violation messages with ``{{ expr }}`` placeholders."""

from __future__ import annotations

import re

from .bindings import Bindings
from .errors import RuleError
from .expr import Expr, ExpressionSyntaxError

_PLACEHOLDER = re.compile(r"{{(.*?)}}")


class Message:
    __slots__ = ("original", "_subs")

    def __init__(self, text: str):
        self.original = text
        self._subs = []
        for m in _PLACEHOLDER.finditer(text):
            statement = m.group(1).strip()
            try:
                expr = Expr(statement)
            except ExpressionSyntaxError as exc:
                raise ExpressionSyntaxError(f"in message placeholder {m.group(0)!r}: {exc}") from None
            self._subs.append((m.group(0), statement, expr))

    def format(self, value, bindings: Bindings) -> str:
        out = self.original
        for placeholder, statement, expr in self._subs:
            try:
                result = expr.run(value, bindings)
            except RuleError as exc:
                out = out.replace(placeholder, f"ERR ({statement} - {exc})")
                continue
            if result is None:
                out = out.replace(placeholder, f"ERR ({statement} not found)")
            elif not isinstance(result, str):
                out = out.replace(placeholder, f"ERR ({statement} not a string)")
            else:
                out = out.replace(placeholder, result)
        return out
