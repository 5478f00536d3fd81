"""kyverno-json's CEL compiler: ``(cel; expr)`` keys and ``compiler: cel``.

As in kyverno-json, an expression sees two variables: ``object``, the
value at its place in the assertion tree (the resource at the top), and
``bindings``, whose ``resolve('name')`` returns the binding ``$name``
(a context entry is evaluated on first use, like a ``$name`` in
JMESPath).
"""

from __future__ import annotations

from ..celpolicy.payload import go_numbers
from .bindings import Lazy
from .errors import RuleError

_ENV = None


def _environment():
    global _ENV
    if _ENV is None:
        from ..cel import Environment

        _ENV = Environment(variables={"object": "dyn", "bindings": "bindings"}, libraries="kyverno-json")
    return _ENV


def compile_cel(text: str):
    """The compiled program, or ExpressionSyntaxError with the CEL error."""
    from ..cel import CelCompileError
    from .expr import ExpressionSyntaxError

    try:
        return _environment().compile(text)
    except CelCompileError as exc:
        why = (getattr(exc, "message", None) or str(exc)).strip().splitlines() or ["invalid expression"]
        raise ExpressionSyntaxError(f"invalid CEL expression {text!r}: {why[0]}") from None
    except RecursionError:
        raise ExpressionSyntaxError(f"invalid CEL expression {text!r}: nested too deeply") from None


class CelBindings:
    """The ``bindings`` value: ``resolve(name)`` looks up ``$name``."""

    __slots__ = ("_bindings",)

    def __init__(self, bindings):
        self._bindings = bindings

    def resolve(self, name: str):
        from ..cel import CelEvalError

        try:
            value = self._bindings[name]
        except KeyError:
            raise CelEvalError(f"variable not defined: ${name}") from None
        if isinstance(value, Lazy):
            try:
                value = value.get()
            except RuleError as exc:
                raise CelEvalError(str(exc)) from None
        return go_numbers(value)


def run_cel(program, value, bindings):
    from ..cel import CelEvalError

    try:
        return program.evaluate({"object": go_numbers(value), "bindings": CelBindings(bindings)})
    except CelEvalError as exc:
        raise RuleError(str(exc)) from None
    except RecursionError:
        raise RuleError("expression evaluation nested too deeply") from None
