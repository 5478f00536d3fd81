"""The Common Expression Language (CEL), as Kyverno evaluates it.

A pure-Python front end (lexer, parser with macros, type checker) and an
evaluator that compiles each expression once into nested closures, like
the project's JMESPath engine.  Semantics follow cel-go with Kyverno's
environment: optional syntax, heterogeneous numeric comparison,
homogeneous aggregate literals, ``has()`` false on null or non-maps,
``x.orValue(y)`` returning ``x`` for a plain value, unanchored RE2
``matches``, and no iteration cap on comprehensions.

    >>> env = Environment(variables={"object": "dyn"})
    >>> prog = env.compile("object.items.exists(i, i.name == 'a')")
    >>> prog.output_type
    'bool'
    >>> prog.evaluate({"object": {"items": [{"name": "a"}]}})
    True
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from . import types as _types
from .compiler import Compiler
from .errors import CelCompileError, CelError, CelEvalError
from .library import Library
from .parser import parse
from .values import Duration, Optional, Timestamp, TypeValue, UInt

__all__ = [
    "CelCompileError",
    "CelError",
    "CelEvalError",
    "Duration",
    "Environment",
    "Optional",
    "Program",
    "Timestamp",
    "TypeValue",
    "UInt",
]

_LIBRARIES: dict[str, Library] = {}
_LOCK = threading.Lock()
LIBRARY_NAMES = ("kyverno", "kyverno-json", "standard")


def _library(name: str) -> Library:
    with _LOCK:
        lib = _LIBRARIES.get(name)
        if lib is None:
            from . import environments

            lib = environments.build(name)
            _LIBRARIES[name] = lib
        return lib


class Program:
    """A compiled expression: immutable, safe to evaluate repeatedly and
    concurrently."""

    __slots__ = ("text", "output_type", "_fn", "_slots")

    def __init__(self, text: str, fn, output_type: str, slots: int) -> None:
        self.text = text
        self._fn = fn
        self.output_type = output_type
        self._slots = slots

    def __repr__(self) -> str:
        return f"Program({self.text!r}, output_type={self.output_type!r})"

    def evaluate(self, activation: Mapping[str, Any] | None = None) -> Any:
        """Evaluate with ``activation`` (declared variable -> value).

        Raises :class:`CelEvalError` for any run-time error; no other
        exception escapes.
        """
        frame = [{} if activation is None else activation]
        if self._slots > 1:
            frame.extend([None] * (self._slots - 1))
        try:
            return self._fn(frame)
        except CelEvalError:
            raise
        except RecursionError:
            raise CelEvalError("expression is nested too deeply to evaluate") from None
        except MemoryError:
            raise CelEvalError("out of memory while evaluating the expression") from None
        except CelError as exc:
            raise CelEvalError(exc.message) from None
        except Exception as exc:  # never leak a raw Python exception
            raise CelEvalError(f"evaluation failed: {type(exc).__name__}: {exc}") from None


class Environment:
    """Declared variables plus a named function library.

    ``variables`` maps names to type strings (``dyn``, ``bool``, ``int``,
    ``map(string, dyn)``, ...).  ``libraries`` names the function set:
    ``"kyverno"`` (default; Kyverno's CEL environment), ``"kyverno-json"``
    or ``"standard"`` (the CEL standard library only).
    """

    def __init__(self, variables: Mapping[str, str] | None = None, libraries: str = "kyverno") -> None:
        if libraries not in LIBRARY_NAMES:
            raise CelCompileError(f"unknown CEL library set {libraries!r} (known: {', '.join(LIBRARY_NAMES)})")
        self.variables = {name: _types.parse_type(t) for name, t in (variables or {}).items()}
        self.libraries = libraries
        self._library = _library(libraries)

    def extend(self, variables: Mapping[str, str]) -> Environment:
        merged = {name: _types.format_type(t) for name, t in self.variables.items()}
        merged.update(variables)
        return Environment(merged, self.libraries)

    def compile(self, text: str) -> Program:
        """Parse, type-check and compile ``text``; raises
        :class:`CelCompileError`."""
        ast = parse(text)
        compiler = Compiler(text, self.variables, self._library)
        try:
            fn, typ = compiler.compile(ast, None)
        except RecursionError:
            raise CelCompileError("expression is nested too deeply") from None
        return Program(text, fn, _types.format_type(typ), compiler.slots)
