"""Static CEL types, as used by the checker.

A type is an immutable :class:`T`: a name plus parameters (``list(int)`` is
``T("list", (INT,))``).  Type parameters of generic overloads are
``T("param", name="A")``.  ``format_type`` gives cel-go's spelling, and
``parse_type`` reads it back (the spelling of declared variables).
"""

from __future__ import annotations

from .errors import CelCompileError


class T:
    __slots__ = ("name", "params", "_hash")

    def __init__(self, name: str, params: tuple = ()) -> None:
        self.name = name
        self.params = params
        self._hash = hash((name, params))

    def __eq__(self, other) -> bool:
        return isinstance(other, T) and self.name == other.name and self.params == other.params

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return format_type(self)


DYN = T("dyn")
BOOL = T("bool")
INT = T("int")
UINT = T("uint")
DOUBLE = T("double")
STRING = T("string")
BYTES = T("bytes")
NULL = T("null_type")
TIMESTAMP = T("google.protobuf.Timestamp")
DURATION = T("google.protobuf.Duration")
ERROR = T("*error*")
# Any numeric type (int, uint or double): math.greatest/least arguments.
NUMERIC = T("@num")


def param(name: str) -> T:
    return T("param", (name,))


def list_of(elem: T) -> T:
    return T("list", (elem,))


def map_of(key: T, value: T) -> T:
    return T("map", (key, value))


def optional_of(elem: T) -> T:
    return T("optional_type", (elem,))


def type_of(t: T) -> T:
    return T("type", (t,))


def opaque(name: str) -> T:
    return T(name)


A = param("A")
B = param("B")
LIST_DYN = list_of(DYN)
MAP_DYN = map_of(DYN, DYN)

_PRIMITIVES = {
    t.name: t
    for t in (DYN, BOOL, INT, UINT, DOUBLE, STRING, BYTES, NULL, TIMESTAMP, DURATION)
}
_PRIMITIVES["timestamp"] = TIMESTAMP
_PRIMITIVES["duration"] = DURATION
_PRIMITIVES["any"] = DYN


def format_type(t: T) -> str:
    if t.name == "param":
        return t.params[0]
    if t.name in ("list", "map", "optional_type", "type") and t.params:
        return f"{t.name}({', '.join(format_type(p) for p in t.params)})"
    return t.name


def parse_type(text: str) -> T:
    """Parse a type string such as ``map(string, list(dyn))``."""
    if isinstance(text, T):
        return text
    if not isinstance(text, str):
        raise CelCompileError(f"type must be a string, not {type(text).__name__}")
    pos = 0
    src = text.replace(" ", "")

    def parse_at() -> T:
        nonlocal pos
        start = pos
        while pos < len(src) and (src[pos].isalnum() or src[pos] in "._"):
            pos += 1
        name = src[start:pos]
        if not name:
            raise CelCompileError(f"invalid type: {text!r}")
        args: list[T] = []
        if pos < len(src) and src[pos] == "(":
            pos += 1
            while True:
                args.append(parse_at())
                if pos < len(src) and src[pos] == ",":
                    pos += 1
                    continue
                if pos < len(src) and src[pos] == ")":
                    pos += 1
                    break
                raise CelCompileError(f"invalid type: {text!r}")
        arity = {"list": 1, "map": 2, "optional_type": 1, "type": 1}.get(name)
        if arity is not None:
            if len(args) != arity:
                raise CelCompileError(f"invalid type: {text!r}")
            return T(name, tuple(args))
        if args:
            raise CelCompileError(f"invalid type: {text!r}")
        if name in _PRIMITIVES:
            return _PRIMITIVES[name]
        if len(name) == 1 and name.isupper():
            return param(name)
        return T(name)

    result = parse_at()
    if pos != len(src):
        raise CelCompileError(f"invalid type: {text!r}")
    return result


def is_dyn(t: T) -> bool:
    return t.name == "dyn" or t.name == "param"


def unify(pattern: T, actual: T, bindings: dict) -> bool:
    """Can a value of static type ``actual`` be passed where ``pattern`` is
    expected?  Binds type parameters in ``bindings``."""
    if pattern.name == "param":
        key = pattern.params[0]
        bound = bindings.get(key)
        if bound is None:
            bindings[key] = actual
            return True
        if bound.name == "dyn":
            # Once a parameter is bound to dyn it stays dyn: `x.orValue(1)`
            # on a dyn value may still be a string or null at run time.
            return True
        if actual.name == "dyn":
            # ... and a dyn argument makes it dyn: `[1, object.a]` is a list(dyn).
            bindings[key] = actual
            return True
        if bound.name == "null_type" or actual.name == "null_type":
            # `x == null` compares any value with null.
            return True
        return unify(bound, actual, {}) or unify(actual, bound, {})
    if actual.name == "dyn" or pattern.name == "dyn":
        return True
    if pattern.name == "@num":
        return actual.name in ("int", "uint", "double", "param")
    if actual.name == "param":
        return True
    if pattern.name != actual.name or len(pattern.params) != len(actual.params):
        return False
    return all(unify(p, a, bindings) for p, a in zip(pattern.params, actual.params))


def substitute(t: T, bindings: dict) -> T:
    if t.name == "param":
        bound = bindings.get(t.params[0])
        return DYN if bound is None else substitute_free(bound)
    if t.params:
        return T(t.name, tuple(substitute(p, bindings) for p in t.params))
    return t


def substitute_free(t: T) -> T:
    if t.name == "param":
        return DYN
    if t.params:
        return T(t.name, tuple(substitute_free(p) for p in t.params))
    return t


def common_type(a: T, b: T) -> T:
    """The type of a value that is either ``a`` or ``b``."""
    if a == b:
        return a
    if a.name == "null_type":
        return b
    if b.name == "null_type":
        return a
    if a.name == b.name and len(a.params) == len(b.params) and a.params:
        return T(a.name, tuple(common_type(x, y) for x, y in zip(a.params, b.params)))
    return DYN
