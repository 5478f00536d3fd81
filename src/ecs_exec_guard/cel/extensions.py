"""Kyverno's CEL extensions on top of the standard library."""

from __future__ import annotations

from .library import Library
from .values import NONE, Optional


def _or_value(x, default):
    # Kyverno's compatibility form: on a plain (non-optional) value,
    # ``x.orValue(y)`` is ``x``.
    if type(x) is Optional:
        return x.value if x.has else default
    return x


def _value(x):
    if type(x) is Optional:
        if x.has:
            return x.value
        from .errors import CelEvalError

        raise CelEvalError("optional.none() dereference")
    return x


def install(lib: Library, name: str) -> None:
    add = lib.add
    # optional types
    add("optional.of", ("A",), "optional_type(A)", lambda v: Optional(True, v))
    add("optional.none", (), "optional_type(dyn)", lambda: NONE)
    add("orValue", ("optional_type(A)", "A"), "A", _or_value, "member")
    add("orValue", ("A", "A"), "A", _or_value, "member")
    add("value", ("optional_type(A)",), "A", _value, "member")
    add("hasValue", ("optional_type(A)",), "bool", lambda o: o.has, "member")
    add("or", ("optional_type(A)", "optional_type(A)"), "optional_type(A)", lambda a, b: a if a.has else b, "member")
