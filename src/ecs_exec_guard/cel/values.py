"""Run-time CEL values that have no plain Python counterpart, and the
value-level helpers (kinds, equality, ordering) shared by the library.

Mapping of CEL values to Python: ``bool``, ``int`` (int64), :class:`UInt`
(uint64), ``float`` (double), ``str``, ``bytes``, ``None`` (null), ``list``
or ``tuple`` (list), any ``Mapping`` (map), :class:`Timestamp`,
:class:`Duration`, :class:`TypeValue` and :class:`Optional`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping

from .errors import CelEvalError

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
UINT64_MAX = 2**64 - 1


class UInt(int):
    """A CEL ``uint`` (an ``int`` subclass so it prints and hashes as one)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{int(self)}u"


def check_int(v: int) -> int:
    if INT64_MIN <= v <= INT64_MAX:
        return v
    raise CelEvalError("integer overflow")


def check_uint(v: int) -> UInt:
    if 0 <= v <= UINT64_MAX:
        return UInt(v)
    raise CelEvalError("unsigned integer overflow")


# ---------------------------------------------------------------------------
# time
# ---------------------------------------------------------------------------

_NS = 1_000_000_000
# 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z, in seconds from epoch.
TS_MIN_S = -62135596800
TS_MAX_S = 253402300799
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


class Timestamp:
    """A point in time: nanoseconds since the Unix epoch (UTC)."""

    __slots__ = ("ns",)

    def __init__(self, ns: int) -> None:
        if not (TS_MIN_S * _NS <= ns <= TS_MAX_S * _NS + _NS - 1):
            raise CelEvalError("timestamp out of range")
        self.ns = ns

    def __eq__(self, other) -> bool:
        return type(other) is Timestamp and other.ns == self.ns

    def __hash__(self) -> int:
        return hash(("ts", self.ns))

    def __lt__(self, other: Timestamp) -> bool:
        return self.ns < other.ns

    def to_datetime(self, tz: _dt.tzinfo = _dt.timezone.utc) -> _dt.datetime:
        seconds, nanos = divmod(self.ns, _NS)
        return (_EPOCH + _dt.timedelta(seconds=seconds)).astimezone(tz), nanos

    def __str__(self) -> str:
        when, nanos = self.to_datetime()
        text = when.strftime("%Y-%m-%dT%H:%M:%S")
        text = f"{when.year:04d}" + text[text.index("-"):]
        if nanos:
            text += "." + f"{nanos:09d}".rstrip("0")
        return text + "Z"

    def __repr__(self) -> str:
        return f"timestamp({str(self)!r})"


class Duration:
    """A signed span of time in nanoseconds (Go's ``time.Duration`` range)."""

    __slots__ = ("ns",)

    def __init__(self, ns: int) -> None:
        if not (INT64_MIN <= ns <= INT64_MAX):
            raise CelEvalError("duration out of range")
        self.ns = ns

    def __eq__(self, other) -> bool:
        return type(other) is Duration and other.ns == self.ns

    def __hash__(self) -> int:
        return hash(("dur", self.ns))

    def __lt__(self, other: Duration) -> bool:
        return self.ns < other.ns

    def __str__(self) -> str:
        # cel-go prints durations as seconds with up to 9 fractional digits.
        sign = "-" if self.ns < 0 else ""
        seconds, nanos = divmod(abs(self.ns), _NS)
        if nanos:
            return f"{sign}{seconds}.{f'{nanos:09d}'.rstrip('0')}s"
        return f"{sign}{seconds}s"

    def __repr__(self) -> str:
        return f"duration({str(self)!r})"


class TypeValue:
    """A CEL type used as a value (``type(x) == int``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other) -> bool:
        return type(other) is TypeValue and other.name == self.name

    def __hash__(self) -> int:
        return hash(("type", self.name))

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"TypeValue({self.name!r})"


class Optional:
    """A CEL ``optional_type`` value: ``optional.of(v)`` or ``optional.none()``."""

    __slots__ = ("has", "value")

    def __init__(self, has: bool, value=None) -> None:
        self.has = has
        self.value = value

    def __eq__(self, other) -> bool:
        if type(other) is not Optional or other.has != self.has:
            return False
        return not self.has or equal(self.value, other.value)

    def __hash__(self) -> int:
        return hash(("opt", self.has))

    def __repr__(self) -> str:
        return f"optional.of({self.value!r})" if self.has else "optional.none()"


NONE = Optional(False)


def some(value) -> Optional:
    return Optional(True, value)


# ---------------------------------------------------------------------------
# kinds
# ---------------------------------------------------------------------------

_KINDS = {
    bool: "bool",
    int: "int",
    UInt: "uint",
    float: "double",
    str: "string",
    bytes: "bytes",
    type(None): "null_type",
    list: "list",
    tuple: "list",
    dict: "map",
    Timestamp: "google.protobuf.Timestamp",
    Duration: "google.protobuf.Duration",
    TypeValue: "type",
    Optional: "optional_type",
}


def kind(v) -> str:
    """The CEL type name of a run-time value."""
    k = _KINDS.get(type(v))
    if k is not None:
        return k
    name = getattr(type(v), "cel_type_name", None)
    if name is not None:
        return name
    if isinstance(v, Mapping):
        return "map"
    if isinstance(v, (list, tuple)):
        return "list"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, str):
        return "string"
    if isinstance(v, float):
        return "double"
    if isinstance(v, int):
        return "int"
    if isinstance(v, bytes):
        return "bytes"
    # A host object (such as kyverno-json's bindings): opaque to CEL.
    return f"<{type(v).__name__}>"


def is_map(v) -> bool:
    return type(v) is dict or (isinstance(v, Mapping) and not hasattr(type(v), "cel_type_name"))


def is_list(v) -> bool:
    t = type(v)
    return t is list or t is tuple


# ---------------------------------------------------------------------------
# equality and ordering (heterogeneous numeric, as cel-go)
# ---------------------------------------------------------------------------

_NUMERIC = (int, UInt, float)


def equal(a, b) -> bool:
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta is str or ta is int or ta is float or ta is bool or ta is bytes or ta is UInt:
            return a == b
        if ta is list or ta is tuple:
            return _list_equal(a, b)
        if ta is dict:
            return _map_equal(a, b)
        if a is None:
            return True
        return a == b
    if ta in _NUMERIC and tb in _NUMERIC:
        return a == b
    ka = kind(a)
    kb = kind(b)
    if ka != kb:
        return False
    if ka == "list":
        return _list_equal(a, b)
    if ka == "map":
        return _map_equal(a, b)
    return a == b


def _list_equal(a, b) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if not equal(x, y):
            return False
    return True


def _map_equal(a, b) -> bool:
    if len(a) != len(b):
        return False
    for k, v in a.items():
        found, other = map_get(b, k)
        if not found or not equal(v, other):
            return False
    return True


def map_get(m, key):
    """Look ``key`` up in map ``m`` with CEL's key semantics: numeric keys
    match across int/uint/double by value; a bool key never matches 1."""
    tk = type(key)
    try:
        if tk is str:
            if type(m) is dict:
                if key in m:
                    return True, m[key]
                return False, None
            # Other mappings may compute values on access (lazy variables).
            try:
                return True, m[key]
            except KeyError:
                return False, None
        if tk is bool:
            for k, v in m.items():
                if type(k) is bool and k == key:
                    return True, v
            return False, None
        if tk is float:
            if key != key or key in (float("inf"), float("-inf")) or key != int(key):
                return False, None
            key = int(key)
        if key in m:
            return True, m[key]
    except TypeError:
        return False, None
    return False, None


def compare(a, b) -> int:
    """-1/0/1 for ordered values of compatible kinds; raises otherwise."""
    ta = type(a)
    tb = type(b)
    if (ta in _NUMERIC and tb in _NUMERIC) or (ta is tb and ta in (str, bytes, bool)):
        if a != a or b != b:  # NaN
            raise _Unordered()
        return -1 if a < b else (1 if a > b else 0)
    if ta is tb and ta in (Timestamp, Duration):
        return -1 if a.ns < b.ns else (1 if a.ns > b.ns else 0)
    raise CelEvalError(f"no such overload: {kind(a)} < {kind(b)}")


class _Unordered(Exception):
    """Comparison with NaN: every ordering is false."""


def type_value(v) -> TypeValue:
    return TypeValue(kind(v))
