"""Compiled expressions: parsed once at load time, run per resource."""

from __future__ import annotations

from ..jp import JPError, JPSyntaxError, compile_expression
from .bindings import Bindings, referenced_names
from .errors import RuleError
from .keys import ENGINE_CEL, ENGINE_JP


class ExpressionSyntaxError(Exception):
    """Raised at compile time; the caller adds the file and policy path."""


class Expr:
    __slots__ = ("text", "_compiled", "_names")

    def __init__(self, text: str, engine: str = ENGINE_JP):
        if engine == ENGINE_CEL:
            raise ExpressionSyntaxError(
                f"CEL expressions are not supported ({text!r}); use a JMESPath expression"
            )
        if engine != ENGINE_JP:
            raise ExpressionSyntaxError(f"unknown expression engine {engine!r} in ({engine}; {text})")
        self.text = text
        try:
            self._compiled = compile_expression(text)
        except JPSyntaxError as exc:
            raise ExpressionSyntaxError(f"invalid JMESPath expression {text!r}: {exc}") from None
        self._names = referenced_names(text)

    def run(self, value, bindings: Bindings):
        variables = bindings.for_expression(self._names) if bindings.has_lazy else bindings
        try:
            return self._compiled.search(value, variables)
        except JPError as exc:
            raise RuleError(str(exc)) from None
        except RecursionError:
            raise RuleError("expression evaluation nested too deeply") from None
