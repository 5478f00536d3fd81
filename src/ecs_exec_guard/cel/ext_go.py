"""cel-go's extension libraries as Kyverno configures them: strings
(version 2, plus ``reverse``), lists (version 3), sets, math, encoders,
regex and optional values."""

from __future__ import annotations

import base64
import binascii
import functools
import math

from ..engine.gofmt import go_quote
from ..jp.builtins import go_split_n
from ..jp.values import go_is_space
from . import regex
from . import types as T
from .errors import CelEvalError
from .library import Library, no_overload
from .stdlib import string_of
from .values import (
    INT64_MIN,
    NONE,
    Duration,
    Optional,
    UInt,
    _Unordered,
    check_int,
    compare,
    equal,
    is_list,
    is_map,
    kind,
    some,
)

# ---------------------------------------------------------------------------
# strings
# ---------------------------------------------------------------------------


def _range_error(i) -> CelEvalError:
    return CelEvalError(f"index out of range: {i}")


def char_at(s, i):
    if i < 0 or i > len(s):
        raise _range_error(i)
    return s[i] if i < len(s) else ""


def index_of(s, sub, offset=0):
    if offset < 0:
        raise _range_error(offset)
    if sub == "":
        return min(offset, len(s))
    if offset >= len(s):
        return -1
    return s.find(sub, offset)


def last_index_of(s, sub, offset=None):
    if offset is None:
        return len(s) if sub == "" else s.rfind(sub)
    if offset < 0:
        raise _range_error(offset)
    if sub == "":
        return min(offset, len(s))
    if offset >= len(s):
        return -1
    offset = min(offset, len(s) - len(sub))
    if offset < 0:
        return -1
    return s.rfind(sub, 0, offset + len(sub))


def lower_ascii(s):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s) if s.isascii() is False else s.lower()


def upper_ascii(s):
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in s) if s.isascii() is False else s.upper()


def replace(s, old, new, n=-1):
    if n == 0:
        return s
    return s.replace(old, new, n if n > 0 else -1)


def split(s, sep, n=-1):
    return go_split_n(s, sep, n)


def substring(s, start, end=None):
    if end is None:
        if start < 0 or start > len(s):
            raise _range_error(start)
        return s[start:]
    if start > end:
        raise CelEvalError(f"invalid substring range. start: {start}, end: {end}")
    if start < 0 or start > len(s):
        raise _range_error(start)
    if end < 0 or end > len(s):
        raise _range_error(end)
    return s[start:end]


def trim(s):
    start = 0
    end = len(s)
    while start < end and go_is_space(s[start]):
        start += 1
    while end > start and go_is_space(s[end - 1]):
        end -= 1
    return s[start:end]


def join(items, sep=""):
    for item in items:
        if type(item) is not str:
            raise no_overload("join", (items,))
    return sep.join(items)


_QUOTE = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
          "\\": "\\\\", '"': '\\"'}


def quote(s):
    return '"' + "".join(_QUOTE.get(c, c) for c in s) + '"'


def reverse_string(s):
    return s[::-1]


# -- format (cel-go's formatter for strings version < 4) -------------------


def _go_float_f(v: float, precision: int) -> str:
    if v != v:
        return "NaN"
    if v in (math.inf, -math.inf):
        return "+Inf" if v > 0 else "-Inf"
    return f"{v:.{precision}f}"


def _format_s(v) -> str:
    """The %s clause (cel-go ``FormatString``)."""
    k = kind(v)
    if k == "list":
        return _format_list(v)
    if k == "map":
        return _format_map(v)
    if k == "null_type":
        return "null"
    if k == "type":
        return v.name
    if k in ("int", "uint", "double", "bool", "string", "bytes", "google.protobuf.Timestamp", "google.protobuf.Duration"):
        return string_of(v)
    raise CelEvalError(f"error during formatting: string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given {k}")


def _format_member(v) -> str:
    """A list element or map value, written as a CEL literal."""
    k = kind(v)
    if k in ("int", "uint"):
        return str(int(v))
    if k == "string":
        return go_quote(v)
    if k == "bytes":
        return "b" + go_quote(string_of(v))
    if k in ("bool", "null_type", "type"):
        return _format_s(v)
    if k == "google.protobuf.Timestamp":
        return f'timestamp("{v}")'
    if k == "google.protobuf.Duration":
        return f'duration("{v}")'
    if k == "list":
        return _format_list(v)
    if k == "map":
        return _format_map(v)
    if k == "double":
        text = _go_float_f(v, 6)
        return go_quote(text) if v != v or v in (math.inf, -math.inf) else text
    raise CelEvalError(f"error during formatting: no formatting function for {k}")


def _format_list(v) -> str:
    return "[" + ", ".join(_format_member(x) for x in v) + "]"


def _format_map(v) -> str:
    pairs = []
    for key, value in v.items():
        k = kind(key)
        if k == "string":
            key_text = go_quote(key)
        elif k == "bool":
            key_text = "true" if key else "false"
        elif k in ("int", "uint"):
            key_text = str(int(key))
        else:
            raise CelEvalError(f"error during formatting: no formatting function for map key of type {k}")
        pairs.append((key_text, _format_member(value)))
    pairs.sort(key=lambda p: p[0])
    return "{" + ", ".join(f"{k}:{x}" for k, x in pairs) + "}"


def _float_arg(v, clause):
    if type(v) is float:
        return v
    if type(v) is str and v in ("NaN", "Infinity", "-Infinity"):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
    raise CelEvalError(f"error during formatting: {clause} clause can only be used on doubles, was given {kind(v)}")


def _fmt_fixed(v, precision):
    return _go_float_f(_float_arg(v, "fixed-point"), precision)


def _fmt_sci(v, precision):
    f = _float_arg(v, "scientific")
    if f != f:
        return "NaN"
    if f in (math.inf, -math.inf):
        return "+Inf" if f > 0 else "-Inf"
    return f"{f:.{precision}e}"


def _fmt_int_base(v, base, upper=False):
    t = kind(v)
    if base == 16 and t in ("string", "bytes"):
        data = v.encode("utf-8") if t == "string" else v
        text = data.hex()
        return text.upper() if upper else text
    if t not in ("int", "uint"):
        what = {16: "hex", 2: "binary", 8: "octal"}[base]
        allowed = {16: "integers, byte buffers, and strings", 2: "integers and bools", 8: "integers"}[base]
        raise CelEvalError(f"error during formatting: only {allowed} can be formatted as {what}, was given {t}")
    sign = "-" if v < 0 else ""
    digits = {2: format(abs(v), "b"), 8: format(abs(v), "o"), 16: format(abs(v), "x")}[base]
    return sign + (digits.upper() if upper else digits)


def format_string(fmt, args):
    out = []
    i = 0
    n = len(fmt)
    argi = 0
    while i < n:
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        i += 1
        if i >= n:
            raise CelEvalError("error during formatting: unexpected end of string")
        if fmt[i] == "%":
            out.append("%")
            i += 1
            continue
        precision = None
        if fmt[i] == ".":
            j = i + 1
            while j < n and "0" <= fmt[j] <= "9":
                j += 1
            precision = int(fmt[i + 1:j] or "0")
            i = j
        if i >= n:
            raise CelEvalError("error during formatting: unexpected end of string")
        verb = fmt[i]
        i += 1
        if argi >= len(args):
            raise CelEvalError(f"error during formatting: index {argi} out of range")
        arg = args[argi]
        argi += 1
        if verb == "s":
            out.append(_format_s(arg))
        elif verb == "d":
            if kind(arg) not in ("int", "uint"):
                raise CelEvalError(f"error during formatting: decimal clause can only be used on integers, was given {kind(arg)}")
            out.append(str(int(arg)))
        elif verb == "f":
            out.append(_fmt_fixed(arg, 6 if precision is None else precision))
        elif verb == "e":
            out.append(_fmt_sci(arg, 6 if precision is None else precision))
        elif verb == "b":
            if type(arg) is bool:
                out.append("1" if arg else "0")
            else:
                out.append(_fmt_int_base(arg, 2))
        elif verb == "o":
            out.append(_fmt_int_base(arg, 8))
        elif verb == "x":
            out.append(_fmt_int_base(arg, 16))
        elif verb == "X":
            out.append(_fmt_int_base(arg, 16, upper=True))
        else:
            raise CelEvalError(f"error during formatting: unrecognized formatting clause \"{verb}\"")
    if argi < len(args):
        raise CelEvalError(f"error during formatting: too many arguments supplied to string.format (expected {argi}, got {len(args)})")
    return "".join(out)


# ---------------------------------------------------------------------------
# lists
# ---------------------------------------------------------------------------


def list_slice(lst, start, end):
    if start < 0 or end < 0:
        raise CelEvalError(f"cannot slice({start}, {end}), negative indexes not supported")
    if start > end:
        raise CelEvalError(f"cannot slice({start}, {end}), start index must be less than or equal to end index")
    if end > len(lst):
        raise CelEvalError(f"cannot slice({start}, {end}), list is length {len(lst)}")
    return list(lst[start:end])


def _flatten(lst, depth):
    out = []
    for item in lst:
        if depth > 0 and is_list(item):
            out.extend(_flatten(item, depth - 1))
        else:
            out.append(item)
    return out


def flatten(lst, depth=1):
    if depth < 0:
        raise CelEvalError("level must be non-negative")
    return _flatten(lst, depth)


def list_range(n):
    if n < 0:
        return []
    if n > 10_000_000:
        raise CelEvalError(f"lists.range({n}): too large")
    return list(range(n))


def distinct(lst):
    out = []
    seen_hashable = set()
    for item in lst:
        t = type(item)
        if t is str:
            key = ("s", item)
            if key in seen_hashable:
                continue
            seen_hashable.add(key)
            out.append(item)
            continue
        if any(equal(item, other) for other in out):
            continue
        out.append(item)
    return out


def _sort_key_check(lst):
    if not lst:
        return
    first = kind(lst[0])
    for item in lst:
        k = kind(item)
        if k != first:
            raise CelEvalError("list elements must have the same type")
    if first not in ("int", "uint", "double", "string", "bytes", "bool", "google.protobuf.Timestamp", "google.protobuf.Duration"):
        raise CelEvalError("list elements must be comparable")


def _cmp(a, b):
    try:
        return compare(a, b)
    except _Unordered:
        return 0


def list_sort(lst):
    _sort_key_check(lst)
    return sorted(lst, key=functools.cmp_to_key(_cmp))


def first(lst):
    return some(lst[0]) if len(lst) else NONE


def last(lst):
    return some(lst[-1]) if len(lst) else NONE


# ---------------------------------------------------------------------------
# sets
# ---------------------------------------------------------------------------


def _member(x, lst):
    for y in lst:
        if equal(x, y):
            return True
    return False


def sets_contains(a, b):
    return all(_member(x, a) for x in b)


def sets_equivalent(a, b):
    return sets_contains(a, b) and sets_contains(b, a)


def sets_intersects(a, b):
    return any(_member(x, b) for x in a)


# ---------------------------------------------------------------------------
# math
# ---------------------------------------------------------------------------

_NUMERIC = ("int", "uint", "double")


def _extreme(name, want):
    def fn(*args):
        values = args
        if len(args) == 1:
            if is_list(args[0]):
                values = args[0]
                if not values:
                    raise CelEvalError(f"{name}(list) argument must not be empty")
            else:
                values = args
        best = None
        for v in values:
            if kind(v) not in _NUMERIC:
                raise CelEvalError(f"{name}: no such overload for {kind(v)}")
            if best is None:
                best = v
                continue
            if v != v:
                best = v
                continue
            if best != best:
                continue
            if compare(v, best) == want:
                best = v
        return best

    return fn


def _float_fn(fn):
    def wrapped(v):
        if v != v or v in (math.inf, -math.inf):
            return v
        return float(fn(v))

    return wrapped


def go_round(v):
    """Go ``math.Round``: half away from zero."""
    if v != v or v in (math.inf, -math.inf):
        return v
    t = float(math.trunc(v))
    if abs(v - t) >= 0.5:
        t += math.copysign(1.0, v)
    return math.copysign(t, v)


def m_abs(v):
    if type(v) is int:
        if v == INT64_MIN:
            raise CelEvalError("integer overflow")
        return abs(v)
    if type(v) is UInt:
        return v
    return abs(v)


def m_sign(v):
    t = type(v)
    if t is UInt:
        return UInt(1 if v > 0 else 0)
    if t is int:
        return (v > 0) - (v < 0)
    if v != v:
        return v
    return 1.0 if v > 0 else (-1.0 if v < 0 else 0.0)


def _to_unsigned(v):
    return v & 0xFFFFFFFFFFFFFFFF


def _to_signed(v):
    v &= 0xFFFFFFFFFFFFFFFF
    return v - (1 << 64) if v >= (1 << 63) else v


def bit_op(op):
    def fn(a, b):
        r = op(a, b)
        return UInt(r) if type(a) is UInt else _to_signed(r)

    return fn


def bit_not(a):
    if type(a) is UInt:
        return UInt(~a & 0xFFFFFFFFFFFFFFFF)
    return ~a


def shift_left(a, n):
    if n < 0:
        raise CelEvalError(f"math.bitShiftLeft() negative offset: {n}")
    if n > 63:
        return UInt(0) if type(a) is UInt else 0
    if type(a) is UInt:
        return UInt((a << n) & 0xFFFFFFFFFFFFFFFF)
    return _to_signed(a << n)


def shift_right(a, n):
    if n < 0:
        raise CelEvalError(f"math.bitShiftRight() negative offset: {n}")
    if n > 63:
        return UInt(0) if type(a) is UInt else 0
    if type(a) is UInt:
        return UInt(a >> n)
    return _to_signed(_to_unsigned(a) >> n)


def m_sqrt(v):
    v = float(v)
    if v < 0:
        return math.nan
    return math.sqrt(v) if v == v else v


# ---------------------------------------------------------------------------
# encoders
# ---------------------------------------------------------------------------


def b64_decode(s):
    data = s.encode("utf-8")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        pass
    if len(data) % 4 and b"=" not in data:
        try:
            return base64.b64decode(data + b"=" * (-len(data) % 4), validate=True)
        except (binascii.Error, ValueError):
            pass
    raise CelEvalError("illegal base64 data")


# ---------------------------------------------------------------------------
# regex
# ---------------------------------------------------------------------------


def regex_extract(target, pattern):
    compiled = regex.compile_pattern(pattern)
    if compiled.groups > 1:
        raise CelEvalError(f"regular expression has more than one capturing group: {pattern!r}")
    m = compiled.search(target)
    if m is None:
        return NONE
    if compiled.groups == 1:
        group = m.group(1)
        return NONE if not group else some(group)
    return some(m.group(0))


def regex_extract_all(target, pattern):
    compiled = regex.compile_pattern(pattern)
    if compiled.groups > 1:
        raise CelEvalError(f"regular expression has more than one capturing group: {pattern!r}")
    out = []
    for m in regex.find_all(compiled, target, -1):
        if compiled.groups == 1:
            group = m.group(1)
            if group:
                out.append(group)
        else:
            out.append(m.group(0))
    return out


def regex_replace(target, pattern, replacement, count=-1):
    if count == 0:
        return target
    compiled = regex.compile_pattern(pattern)
    groups = compiled.groups
    out = []
    last_end = 0
    done = 0
    for m in regex.find_all(compiled, target, -1):
        if count > 0 and done >= count:
            break
        out.append(target[last_end:m.start()])
        out.append(_expand(replacement, m, groups))
        last_end = m.end()
        done += 1
    out.append(target[last_end:])
    return "".join(out)


def _expand(replacement, m, groups):
    out = []
    i = 0
    while i < len(replacement):
        c = replacement[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(replacement):
            raise CelEvalError(f"invalid replacement string: '{replacement}' \\ not allowed at end")
        nxt = replacement[i + 1]
        i += 2
        if nxt == "\\":
            out.append("\\")
            continue
        if not nxt.isdigit() or not nxt.isascii():
            raise CelEvalError(f"invalid replacement string: '{replacement}' \\ must be followed by a digit or \\")
        number = int(nxt)
        if number > groups:
            raise CelEvalError(f"replacement string references group {number} but regex has only {groups} group(s)")
        group = m.group(number)
        if group is not None:
            out.append(group)
    return "".join(out)


# ---------------------------------------------------------------------------


def _or_value(x, default):
    # Kyverno's compatibility form: on a plain (non-optional) value,
    # ``x.orValue(y)`` is ``x``.
    if type(x) is Optional:
        return x.value if x.has else default
    return x


def _opt_value(x):
    if x.has:
        return x.value
    raise CelEvalError("optional.none() dereference")


def _of_non_zero(v):
    t = kind(v)
    zero = (
        v is None
        or (t in ("int", "uint", "double") and v == 0)
        or (t in ("string", "bytes", "list", "map") and len(v) == 0)
        or v is False
        or (t in ("google.protobuf.Duration", "google.protobuf.Timestamp") and v.ns == 0)
    )
    return NONE if zero else some(v)


def install(lib: Library) -> None:
    add = lib.add
    # optional values
    add("optional.of", ("A",), "optional_type(A)", some)
    add("optional.ofNonZeroValue", ("A",), "optional_type(A)", _of_non_zero)
    add("optional.none", (), "optional_type(dyn)", lambda: NONE)
    add("orValue", ("optional_type(A)", "A"), "A", _or_value, "member")
    add("orValue", ("A", "A"), "A", _or_value, "member")
    add("value", ("optional_type(A)",), "A", _opt_value, "member")
    add("hasValue", ("optional_type(A)",), "bool", lambda o: o.has, "member")
    add("or", ("optional_type(A)", "optional_type(A)"), "optional_type(A)", lambda a, b: a if a.has else b, "member")
    # strings
    add("charAt", ("string", "int"), "string", char_at, "member")
    add("indexOf", ("string", "string"), "int", index_of, "member")
    add("indexOf", ("string", "string", "int"), "int", index_of, "member")
    add("lastIndexOf", ("string", "string"), "int", last_index_of, "member")
    add("lastIndexOf", ("string", "string", "int"), "int", last_index_of, "member")
    add("lowerAscii", ("string",), "string", lower_ascii, "member")
    add("upperAscii", ("string",), "string", upper_ascii, "member")
    add("replace", ("string", "string", "string"), "string", replace, "member")
    add("replace", ("string", "string", "string", "int"), "string", replace, "member")
    add("split", ("string", "string"), "list(string)", split, "member")
    add("split", ("string", "string", "int"), "list(string)", split, "member")
    add("substring", ("string", "int"), "string", substring, "member")
    add("substring", ("string", "int", "int"), "string", substring, "member")
    add("trim", ("string",), "string", trim, "member")
    add("join", ("list(string)",), "string", join, "member")
    add("join", ("list(string)", "string"), "string", join, "member")
    add("format", ("string", "list(dyn)"), "string", format_string, "member")
    add("strings.quote", ("string",), "string", quote)
    add("reverse", ("string",), "string", reverse_string, "member")
    # lists
    add("slice", ("list(A)", "int", "int"), "list(A)", list_slice, "member")
    add("flatten", ("list(dyn)",), "list(dyn)", flatten, "member")
    add("flatten", ("list(dyn)", "int"), "list(dyn)", flatten, "member")
    add("lists.range", ("int",), "list(int)", list_range)
    add("distinct", ("list(A)",), "list(A)", distinct, "member")
    add("reverse", ("list(A)",), "list(A)", lambda lst: list(reversed(lst)), "member")
    add("sort", ("list(A)",), "list(A)", list_sort, "member")
    add("first", ("list(A)",), "optional_type(A)", first, "member")
    add("last", ("list(A)",), "optional_type(A)", last, "member")
    # sets
    add("sets.contains", ("list(A)", "list(A)"), "bool", sets_contains)
    add("sets.equivalent", ("list(A)", "list(A)"), "bool", sets_equivalent)
    add("sets.intersects", ("list(A)", "list(A)"), "bool", sets_intersects)
    # math
    for name, want in (("math.greatest", 1), ("math.least", -1)):
        fn = _extreme(name, want)
        for t in _NUMERIC:
            add(name, (t,), t, fn)
        add(name, (T.list_of(T.NUMERIC),), "dyn", fn)
        for arity in range(2, 17):
            add(name, (T.NUMERIC,) * arity, "dyn", fn)
    for name, fn in (("math.ceil", math.ceil), ("math.floor", math.floor), ("math.trunc", math.trunc)):
        add(name, ("double",), "double", _float_fn(fn))
    add("math.round", ("double",), "double", go_round)
    for t in _NUMERIC:
        add("math.abs", (t,), t, m_abs)
        add("math.sign", (t,), t, m_sign)
        add("math.sqrt", (t,), "double", m_sqrt)
    add("math.isNaN", ("double",), "bool", lambda v: v != v)
    add("math.isInf", ("double",), "bool", lambda v: v in (math.inf, -math.inf))
    add("math.isFinite", ("double",), "bool", lambda v: v == v and v not in (math.inf, -math.inf))
    for name, op in (("math.bitAnd", lambda a, b: a & b), ("math.bitOr", lambda a, b: a | b), ("math.bitXor", lambda a, b: a ^ b)):
        add(name, ("int", "int"), "int", bit_op(op))
        add(name, ("uint", "uint"), "uint", bit_op(op))
    add("math.bitNot", ("int",), "int", bit_not)
    add("math.bitNot", ("uint",), "uint", bit_not)
    add("math.bitShiftLeft", ("int", "int"), "int", shift_left)
    add("math.bitShiftLeft", ("uint", "int"), "uint", shift_left)
    add("math.bitShiftRight", ("int", "int"), "int", shift_right)
    add("math.bitShiftRight", ("uint", "int"), "uint", shift_right)
    # encoders
    add("base64.encode", ("bytes",), "string", lambda b: base64.b64encode(b).decode("ascii"))
    add("base64.decode", ("string",), "bytes", b64_decode)
    # regex
    add("regex.extract", ("string", "string"), "optional_type(string)", regex_extract)
    add("regex.extractAll", ("string", "string"), "list(string)", regex_extract_all)
    add("regex.replace", ("string", "string", "string"), "string", regex_replace)
    add("regex.replace", ("string", "string", "string", "int"), "string", regex_replace)


__all__ = ["install", "check_int", "is_map", "Duration"]
