"""Compiled expressions: parsed once at load time, run per resource."""

from __future__ import annotations

from ..jp import JPError, JPSyntaxError, compile_expression
from .bindings import Bindings, referenced_names
from .errors import RuleError
from .keys import ENGINE_CEL, ENGINE_DEFAULT, ENGINE_JP


class ExpressionSyntaxError(Exception):
    """Raised at compile time; the caller adds the file and policy path."""


class Expr:
    """A JMESPath or CEL expression of a kyverno-json policy.

    ``engine`` is ``jp``, ``cel`` or ``default`` (then ``default_engine``,
    the compiler set by the nearest ``compiler:`` field, decides).
    """

    __slots__ = ("text", "engine", "_compiled", "_names", "_cel")

    def __init__(self, text: str, engine: str = ENGINE_JP, default_engine: str = ENGINE_JP):
        if engine == ENGINE_DEFAULT:
            engine = default_engine
        self.text = text
        self.engine = engine
        self._cel = None
        if engine == ENGINE_CEL:
            from .celexpr import compile_cel

            self._cel = compile_cel(text)
            self._compiled = None
            self._names = frozenset()
            return
        if engine != ENGINE_JP:
            raise ExpressionSyntaxError(f"unknown expression engine {engine!r} in ({engine}; {text})")
        try:
            self._compiled = compile_expression(text)
        except JPSyntaxError as exc:
            raise ExpressionSyntaxError(f"invalid JMESPath expression {text!r}: {exc}") from None
        self._names = referenced_names(text)

    def run(self, value, bindings: Bindings):
        if self._cel is not None:
            from .celexpr import run_cel

            return run_cel(self._cel, value, bindings)
        variables = bindings.for_expression(self._names) if bindings.has_lazy else bindings
        try:
            return self._compiled.search(value, variables)
        except JPError as exc:
            raise RuleError(str(exc)) from None
        except RecursionError:
            raise RuleError("expression evaluation nested too deeply") from None
