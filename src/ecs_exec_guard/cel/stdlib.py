"""The CEL standard library: operators, size, string tests, conversions,
timestamps and durations (cel-go ``checker/decls`` and
``interpreter/functions``)."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

from ..jp.builtins import go_parse_float
from ..jp.values import go_format_float_g
from . import regex
from .errors import CelEvalError
from .library import Library, no_overload
from .values import (
    INT64_MAX,
    INT64_MIN,
    UINT64_MAX,
    Duration,
    Timestamp,
    TypeValue,
    UInt,
    _Unordered,
    check_int,
    check_uint,
    compare,
    equal,
    is_list,
    is_map,
    kind,
    map_get,
)

_NS = 1_000_000_000

# ---------------------------------------------------------------------------
# arithmetic
# ---------------------------------------------------------------------------


def add_int(a, b):
    r = a + b
    if INT64_MIN <= r <= INT64_MAX:
        return r
    raise CelEvalError("integer overflow")


def sub_int(a, b):
    r = a - b
    if INT64_MIN <= r <= INT64_MAX:
        return r
    raise CelEvalError("integer overflow")


def mul_int(a, b):
    r = a * b
    if INT64_MIN <= r <= INT64_MAX:
        return r
    raise CelEvalError("integer overflow")


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def div_int(a, b):
    if b == 0:
        raise CelEvalError("division by zero")
    return check_int(_trunc_div(a, b))


def mod_int(a, b):
    if b == 0:
        raise CelEvalError("modulus by zero")
    return a - b * _trunc_div(a, b)


def add_uint(a, b):
    return check_uint(a + b)


def sub_uint(a, b):
    return check_uint(a - b)


def mul_uint(a, b):
    return check_uint(a * b)


def div_uint(a, b):
    if b == 0:
        raise CelEvalError("division by zero")
    return UInt(a // b)


def mod_uint(a, b):
    if b == 0:
        raise CelEvalError("modulus by zero")
    return UInt(a % b)


def div_double(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def neg_int(a):
    if a == INT64_MIN:
        raise CelEvalError("integer overflow")
    return -a


# ---------------------------------------------------------------------------
# time
# ---------------------------------------------------------------------------


def add_ts_dur(t, d):
    return Timestamp(t.ns + d.ns)


def sub_ts_dur(t, d):
    return Timestamp(t.ns - d.ns)


def sub_ts_ts(a, b):
    return Duration(a.ns - b.ns)


def add_dur(a, b):
    return Duration(a.ns + b.ns)


def sub_dur(a, b):
    return Duration(a.ns - b.ns)


_RFC3339 = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?([Zz]|[+-][0-9]{2}:[0-9]{2})\Z"
)


def parse_timestamp(text: str) -> Timestamp:
    m = _RFC3339.match(text)
    if not m:
        raise CelEvalError(f"timestamp parse error: cannot parse {text!r} as RFC 3339")
    y, mo, d, h, mi, s, frac, zone = m.groups()
    try:
        when = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=timezone.utc)
    except ValueError as exc:
        raise CelEvalError(f"timestamp parse error: {exc}") from None
    offset = 0
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        offset = sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    seconds = int((when - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(seconds=1)) - offset
    nanos = int((frac or "").ljust(9, "0"))
    return Timestamp(seconds * _NS + nanos)


_DUR_UNITS = {"ns": 1, "us": 1000, "µs": 1000, "μs": 1000, "ms": 1_000_000, "s": _NS, "m": 60 * _NS, "h": 3600 * _NS}
_DUR_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(text: str) -> Duration:
    """Go ``time.ParseDuration``."""
    s = text
    sign = 1
    if s[:1] in ("+", "-"):
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return Duration(0)
    if not s:
        raise CelEvalError(f"invalid duration {text!r}")
    total = 0
    pos = 0
    while pos < len(s):
        m = _DUR_PART.match(s, pos)
        if not m or m.group(1) in ("", "."):
            raise CelEvalError(f"invalid duration {text!r}")
        number, unit = m.groups()
        whole, _, frac = number.partition(".")
        scale = _DUR_UNITS[unit]
        total += int(whole or "0") * scale
        if frac:
            total += int(frac) * scale // (10 ** len(frac))
        pos = m.end()
    total *= sign
    if not (INT64_MIN <= total <= INT64_MAX):
        raise CelEvalError(f"invalid duration {text!r}")
    return Duration(total)


def _zone(name: str):
    if name in ("", "UTC", "Z"):
        return timezone.utc
    m = re.fullmatch(r"([+-]?)([0-9]{1,2}):([0-9]{2})", name)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3))))
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:
        raise CelEvalError(f"unknown time zone {name!r}") from None


def _ts_field(getter):
    def one(t):
        when, nanos = t.to_datetime()
        return getter(when, nanos)

    def two(t, tz):
        when, nanos = t.to_datetime(_zone(tz))
        return getter(when, nanos)

    return one, two


_TS_GETTERS = {
    "getFullYear": lambda w, n: w.year,
    "getMonth": lambda w, n: w.month - 1,
    "getDate": lambda w, n: w.day,
    "getDayOfMonth": lambda w, n: w.day - 1,
    "getDayOfYear": lambda w, n: w.timetuple().tm_yday - 1,
    "getDayOfWeek": lambda w, n: (w.weekday() + 1) % 7,
    "getHours": lambda w, n: w.hour,
    "getMinutes": lambda w, n: w.minute,
    "getSeconds": lambda w, n: w.second,
    "getMilliseconds": lambda w, n: n // 1_000_000,
}

_DUR_GETTERS = {
    "getHours": lambda d: _trunc_div(d.ns, 3600 * _NS),
    "getMinutes": lambda d: _trunc_div(d.ns, 60 * _NS),
    "getSeconds": lambda d: _trunc_div(d.ns, _NS),
    # cel-go: the whole duration in milliseconds (Go's Duration.Milliseconds).
    "getMilliseconds": lambda d: _trunc_div(d.ns, 1_000_000),
}


# ---------------------------------------------------------------------------
# conversions
# ---------------------------------------------------------------------------

_INT_TEXT = re.compile(r"^[+-]?[0-9]+\Z")


def to_int_double(v):
    if v != v or v in (math.inf, -math.inf):
        raise CelEvalError("integer overflow")
    r = int(v)
    if not (INT64_MIN <= r <= INT64_MAX) or v >= 9.223372036854775807e18:
        raise CelEvalError("integer overflow")
    return r


def to_int_string(s):
    if not _INT_TEXT.match(s):
        raise CelEvalError(f"cannot convert string {s!r} to int")
    r = int(s)
    if not (INT64_MIN <= r <= INT64_MAX):
        raise CelEvalError(f"cannot convert string {s!r} to int: value out of range")
    return r


def to_uint_int(v):
    if v < 0:
        raise CelEvalError("unsigned integer overflow")
    return UInt(v)


def to_uint_double(v):
    if v != v or v < 0 or v >= 1.8446744073709552e19 or v in (math.inf, -math.inf):
        raise CelEvalError("unsigned integer overflow")
    return UInt(int(v))


def to_uint_string(s):
    if not re.fullmatch(r"[0-9]+", s):
        raise CelEvalError(f"cannot convert string {s!r} to uint")
    r = int(s)
    if r > UINT64_MAX:
        raise CelEvalError(f"cannot convert string {s!r} to uint: value out of range")
    return UInt(r)


def to_double_string(s):
    r = go_parse_float(s)
    if r is None:
        raise CelEvalError(f"cannot convert string {s!r} to double")
    return r


def to_string_bytes(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        raise CelEvalError("invalid UTF-8 in bytes, cannot convert to string") from None


_BOOL_TEXT = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
              "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}


def to_bool_string(s):
    r = _BOOL_TEXT.get(s)
    if r is None:
        raise CelEvalError(f"type conversion error from 'string' to 'bool': {s!r}")
    return r


def to_timestamp_int(v):
    return Timestamp(v * _NS)


def cel_type(v):
    return TypeValue(kind(v))


def string_of(v) -> str:
    """cel-go's ``string(x)`` for the scalar kinds."""
    t = type(v)
    if t is str:
        return v
    if t is bool:
        return "true" if v else "false"
    if t is int or t is UInt:
        return str(int(v))
    if t is float:
        return go_format_float_g(v)
    if t is bytes:
        return to_string_bytes(v)
    if t is Timestamp or t is Duration:
        return str(v)
    raise no_overload("string", (v,))


# ---------------------------------------------------------------------------
# comparisons
# ---------------------------------------------------------------------------


def _ordered(op):
    def fn(a, b):
        try:
            return op(compare(a, b))
        except _Unordered:
            return False

    return fn


def _in_list(x, lst):
    for item in lst:
        if equal(x, item):
            return True
    return False


def _in_map(x, m):
    return map_get(m, x)[0]


def _size(v):
    return len(v)


def _string_contains(s, sub):
    return sub in s


def _matches(s, pattern):
    return regex.search(pattern, s)


def _add_list(a, b):
    return list(a) + list(b)


def _add_map_unsupported(a, b):
    raise no_overload("_+_", (a, b))


def _not(v):
    if v is True:
        return False
    if v is False:
        return True
    raise no_overload("!_", (v,))


NUMS = ("int", "uint", "double")


def build() -> Library:
    lib = Library()
    add = lib.add
    # arithmetic
    for name, fi, fu, fd in (
        ("_+_", add_int, add_uint, lambda a, b: a + b),
        ("_-_", sub_int, sub_uint, lambda a, b: a - b),
        ("_*_", mul_int, mul_uint, lambda a, b: a * b),
        ("_/_", div_int, div_uint, div_double),
    ):
        add(name, ("int", "int"), "int", fi)
        add(name, ("uint", "uint"), "uint", fu)
        add(name, ("double", "double"), "double", fd)
    add("_%_", ("int", "int"), "int", mod_int)
    add("_%_", ("uint", "uint"), "uint", mod_uint)
    add("_+_", ("string", "string"), "string", lambda a, b: a + b)
    add("_+_", ("bytes", "bytes"), "bytes", lambda a, b: a + b)
    add("_+_", ("list(A)", "list(A)"), "list(A)", _add_list)
    add("_+_", ("timestamp", "duration"), "timestamp", add_ts_dur)
    add("_+_", ("duration", "timestamp"), "timestamp", lambda d, t: add_ts_dur(t, d))
    add("_+_", ("duration", "duration"), "duration", add_dur)
    add("_-_", ("timestamp", "timestamp"), "duration", sub_ts_ts)
    add("_-_", ("timestamp", "duration"), "timestamp", sub_ts_dur)
    add("_-_", ("duration", "duration"), "duration", sub_dur)
    add("-_", ("int",), "int", neg_int)
    add("-_", ("double",), "double", lambda a: -a)
    add("!_", ("bool",), "bool", _not)
    # equality and ordering
    add("_==_", ("A", "A"), "bool", equal)
    add("_!=_", ("A", "A"), "bool", lambda a, b: not equal(a, b))
    for name, test in (
        ("_<_", lambda r: r < 0), ("_<=_", lambda r: r <= 0), ("_>_", lambda r: r > 0), ("_>=_", lambda r: r >= 0),
    ):
        fn = _ordered(test)
        for a in NUMS:
            for b in NUMS:
                add(name, (a, b), "bool", fn)
        for t in ("string", "bytes", "bool", "timestamp", "duration"):
            add(name, (t, t), "bool", fn)
    add("@in", ("A", "list(A)"), "bool", _in_list)
    add("@in", ("A", "map(A, B)"), "bool", _in_map)
    # size
    for t in ("string", "bytes", "list(A)", "map(A, B)"):
        add("size", (t,), "int", _size, "both")
    # strings
    add("contains", ("string", "string"), "bool", _string_contains, "member")
    add("startsWith", ("string", "string"), "bool", lambda s, p: s.startswith(p), "member")
    add("endsWith", ("string", "string"), "bool", lambda s, p: s.endswith(p), "member")
    add("matches", ("string", "string"), "bool", _matches, "both")
    # conversions
    add("int", ("int",), "int", lambda v: v)
    add("int", ("uint",), "int", lambda v: check_int(int(v)))
    add("int", ("double",), "int", to_int_double)
    add("int", ("string",), "int", to_int_string)
    add("int", ("timestamp",), "int", lambda t: t.ns // _NS)
    add("int", ("duration",), "int", lambda d: d.ns)
    add("uint", ("uint",), "uint", lambda v: v)
    add("uint", ("int",), "uint", to_uint_int)
    add("uint", ("double",), "uint", to_uint_double)
    add("uint", ("string",), "uint", to_uint_string)
    add("double", ("double",), "double", lambda v: v)
    add("double", ("int",), "double", float)
    add("double", ("uint",), "double", lambda v: float(int(v)))
    add("double", ("string",), "double", to_double_string)
    for t in ("string", "bool", "int", "uint", "double", "bytes", "timestamp", "duration"):
        add("string", (t,), "string", string_of)
    add("bytes", ("bytes",), "bytes", lambda v: v)
    add("bytes", ("string",), "bytes", lambda s: s.encode("utf-8"))
    add("bool", ("bool",), "bool", lambda v: v)
    add("bool", ("string",), "bool", to_bool_string)
    add("dyn", ("A",), "dyn", lambda v: v)
    add("type", ("A",), "type(A)", cel_type)
    # time
    add("timestamp", ("timestamp",), "timestamp", lambda v: v)
    add("timestamp", ("string",), "timestamp", parse_timestamp)
    add("timestamp", ("int",), "timestamp", to_timestamp_int)
    add("duration", ("duration",), "duration", lambda v: v)
    add("duration", ("string",), "duration", parse_duration)
    for name, getter in _TS_GETTERS.items():
        one, two = _ts_field(getter)
        add(name, ("timestamp",), "int", one, "member")
        add(name, ("timestamp", "string"), "int", two, "member")
    for name, getter in _DUR_GETTERS.items():
        add(name, ("duration",), "int", getter, "member")
    return lib


__all__ = ["build", "is_list", "is_map", "parse_duration", "parse_timestamp", "string_of"]
