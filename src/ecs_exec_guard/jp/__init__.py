"""The expression language of kyverno-json policies.

JMESPath Community Edition (``let``, ``$`` root, ``$name`` variables,
arithmetic) with kyverno-json's functions (``at``, ``concat``,
``json_parse``, ``wildcard``) and the Kyverno function library, evaluated
with the semantics of the Go reference implementation.

    >>> expr = compile_expression("foo[?a == `1`] | length(@)")
    >>> expr.search({"foo": [{"a": 1}, {"a": 2}]})
    1

``compile_expression`` parses once (and caches by text); the returned
:class:`Expression` is immutable and safe to ``search`` concurrently and
repeatedly.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from . import builtins as _builtins
from . import kyverno as _kyverno
from .errors import JPError, JPRuntimeError, JPSyntaxError
from .interpreter import Compiler, function_names_used
from .parser import parse
from .registry import Function
from .values import ExpRef

__all__ = [
    "Expression",
    "JPError",
    "JPRuntimeError",
    "JPSyntaxError",
    "compile_expression",
    "function_names",
    "functions",
]


def _build_table() -> dict[str, Function]:
    # Same order as the reference: community built-ins, then kyverno-json's
    # functions, then the Kyverno library; later names replace earlier ones.
    table: dict[str, Function] = {}
    for group in (
        _builtins.functions(),
        _kyverno.kyverno_json_functions(),
        _kyverno.kyverno_functions(),
    ):
        for function in group:
            table[function.name] = function
    return table


_FUNCTIONS: dict[str, Function] = _build_table()
_COMPILER = Compiler(_FUNCTIONS)
_NO_VARIABLES: Mapping[str, Any] = {}


def functions() -> Mapping[str, Function]:
    """The function table (name -> :class:`~.registry.Function`)."""
    return dict(_FUNCTIONS)


def function_names() -> list[tuple[str, str, str]]:
    """Sorted ``(name, signature, description)`` of every function."""
    return sorted(
        (f.name, f.signature(), f.description) for f in _FUNCTIONS.values()
    )


class Expression:
    """A compiled expression."""

    __slots__ = ("text", "_fn")

    def __init__(self, text: str, fn) -> None:
        self.text = text
        self._fn = fn

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def search(self, value: Any, variables: Mapping[str, Any] | None = None) -> Any:
        """Evaluate against ``value`` (also the ``$`` root).

        ``variables`` maps names (without ``$``) to values; it may be any
        mapping, looked up only when a variable is referenced.  ``let``
        bindings shadow it.
        """
        try:
            result = self._fn(value, (value, _NO_VARIABLES if variables is None else variables))
        except JPError:
            raise
        except RecursionError:
            raise JPRuntimeError(f"expression is nested too deeply: {self.text}") from None
        except Exception as exc:  # never leak a raw Python exception
            raise JPRuntimeError(f"evaluation failed: {type(exc).__name__}: {exc}") from None
        if type(result) is ExpRef:
            raise JPRuntimeError("an expression reference (&...) is not a value")
        return result


def compile_expression(text: str) -> Expression:
    """Parse and compile ``text`` (compiled expressions are cached by text).

    Raises :class:`JPSyntaxError` for a syntax error or a call to an unknown
    function.
    """
    if not isinstance(text, str):
        raise JPSyntaxError(f"expression must be a string, not {type(text).__name__}")
    return _compile_cached(text)


@lru_cache(maxsize=2048)
def _compile_cached(text: str) -> Expression:
    ast = parse(text)
    for name in function_names_used(ast):
        if name not in _FUNCTIONS:
            raise JPSyntaxError(f"unknown function: {name}() in {text!r}")
    try:
        fn = _COMPILER.compile(ast)
    except RecursionError:
        raise JPSyntaxError(f"expression is nested too deeply: {text!r}") from None
    return Expression(text, fn)
