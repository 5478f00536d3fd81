"""Value helpers shared by the interpreter and the functions.

Values are plain JSON-like Python objects: ``dict``, ``list``, ``str``,
numbers, ``bool`` and ``None``.

Numbers keep the Go type kyverno-json gives them, because Go prints and
compares them differently:

* ``int`` is Go's ``int64``: integers of JSON payloads, JSON bindings and
  policies;
* :class:`GoInt` is Go's ``int``: integers of YAML payloads and bindings;
* :class:`GoUint64` is Go's ``uint64``: YAML integers above the int64 range;
* ``float`` is Go's ``float64``: real numbers, and every number an
  expression computes (JMESPath arithmetic and number functions return
  float64).

Inside expressions numbers compare by value whatever their type (a
deliberate difference: the reference's ``==`` tells ``1`` from ``1.0``),
while booleans are never numbers.
"""

from __future__ import annotations

import math
import struct
from decimal import Decimal
from typing import Any

from .errors import JPRuntimeError


class GoInt(int):
    """An integer Go holds as ``int`` (the numbers of YAML documents)."""

    __slots__ = ()


class GoUint64(int):
    """An integer Go holds as ``uint64`` (a YAML integer above int64)."""

    __slots__ = ()


class GoMapSlice(list):
    """A list Go holds as ``[]map[string]interface {}`` (what ``items()`` returns).

    It behaves as any list; only Go's ``%#v`` spells its type differently.
    """

    __slots__ = ()


INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
UINT64_MAX = 2**64 - 1

#: every Python type that stands for a number
NUMBER_TYPES = frozenset((int, float, GoInt, GoUint64))
#: every Python type that stands for an integer
INT_TYPES = frozenset((int, GoInt, GoUint64))
_NUMBER_TYPES = (int, float)

_KINDS = {int: "int64", GoInt: "int", GoUint64: "uint64", float: "float64", bool: "bool",
          str: "string", dict: "map", list: "slice"}


def go_kind(value: Any) -> str:
    """``reflect.Kind`` of a value as Go names it (``invalid`` for nil)."""
    if value is None:
        return "invalid"
    if type(value) is int:
        return "int64" if INT64_MIN <= value <= INT64_MAX else "float64"
    kind = _KINDS.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "slice"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, int):
        return "int64"
    return "func" if isinstance(value, ExpRef) else type(value).__name__


def go_numbers_equal(a: Any, b: Any) -> bool:
    """Go's comparison of two numbers of any kinds (``matching.Equal``).

    Two integers of signed kinds (``int``, ``int64``) or two ``uint64``
    compare exactly; any other pair is compared as float64 values.
    """
    a = go_number(a)
    b = go_number(b)
    ta = type(a)
    tb = type(b)
    if ta is not float and tb is not float and (ta is GoUint64) == (tb is GoUint64):
        return int(a) == int(b)
    return float(a) == float(b)


def as_int64(value: int):
    """A JSON integer as Go's decoder keeps it: int64, else float64."""
    if INT64_MIN <= value <= INT64_MAX:
        return value
    return float(value)


def go_number(value: Any) -> Any:
    """The number Go holds for ``value``.

    A plain ``int`` outside the int64 range (a JSON integer up to 2**64,
    which the JSON parser keeps exact) is a float64 in Go; rather than
    walking every payload to convert the rare such integer, the places
    where a number's type shows (kind, printing, comparison, JSON) call
    this.
    """
    if type(value) is int and not INT64_MIN <= value <= INT64_MAX:
        return float(value)
    return value


class ExpRef:
    """An expression reference (``&expr``) bound to the scope it was made in."""

    __slots__ = ("fn", "ctx")

    def __init__(self, fn, ctx) -> None:
        self.fn = fn
        self.ctx = ctx

    def __call__(self, value: Any) -> Any:
        return self.fn(value, self.ctx)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "<expref>"


def is_number(value: Any) -> bool:
    return type(value) in NUMBER_TYPES


def is_false(value: Any) -> bool:
    """JMESPath falsiness: null, false, empty string, array or object."""
    if value is None or value is False:
        return True
    t = type(value)
    if t is str or t is list or t is dict:
        return not value
    if isinstance(value, (str, list, dict)):
        return not value
    return False


def deep_equal(a: Any, b: Any) -> bool:
    """Structural equality where 1 == 1.0 but true != 1."""
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta is dict:
            if len(a) != len(b):
                return False
            for key, value in a.items():
                if key not in b or not deep_equal(value, b[key]):
                    return False
            return True
        if ta is list:
            if len(a) != len(b):
                return False
            for x, y in zip(a, b):
                if not deep_equal(x, y):
                    return False
            return True
        return a == b
    if ta in NUMBER_TYPES and tb in NUMBER_TYPES:
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return deep_equal(dict(a), dict(b))
    if isinstance(a, list) and isinstance(b, list):
        return deep_equal(list(a), list(b))
    if isinstance(a, str) and isinstance(b, str):
        return str(a) == str(b)
    return False


def type_name(value: Any) -> str:
    """The JMESPath type name of a value."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "boolean"
    if type(value) in NUMBER_TYPES:
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, ExpRef):
        return "expref"
    return "unknown"


def scrub_surrogates(value: Any) -> Any:
    """Replace lone UTF-16 surrogates (from JSON ``\\ud800`` escapes) with
    U+FFFD, as Go's JSON decoder does."""
    t = type(value)
    if t is str:
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in value)
        return value
    if t is list:
        return [scrub_surrogates(v) for v in value]
    if t is dict:
        return {scrub_surrogates(k): scrub_surrogates(v) for k, v in value.items()}
    return value


def may_hold_surrogates(json_text: str) -> bool:
    lowered = json_text.lower()
    return "\\ud8" in lowered or "\\ud9" in lowered or "\\uda" in lowered or "\\udb" in lowered or (
        "\\udc" in lowered or "\\udd" in lowered or "\\ude" in lowered or "\\udf" in lowered
    )


def copy_value(value: Any) -> Any:
    """Deep copy of the containers of a JSON-like value."""
    t = type(value)
    if t is list:
        return [copy_value(v) for v in value]
    if t is dict:
        return {k: copy_value(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------
# Number formatting the way Go's strconv / fmt / encoding/json do it.
# ---------------------------------------------------------------------------


def _shortest_digits(f: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of ``abs(f)`` and the position of
    the decimal point (``0.digits * 10**dp``)."""
    sign, digits, exponent = Decimal(repr(abs(f))).as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    if not text:
        return "0", 1
    # strip leading zeros (Decimal('0.001') has digits (1,))
    lead = len(text) - len(text.lstrip("0"))
    text = text[lead:]
    nd_total = len(digits)
    dp = nd_total + exponent - lead
    return text, dp


def _format_e(digits: str, dp: int, neg: bool, min_exp_digits: int = 2) -> str:
    exp = dp - 1
    mant = digits[0]
    if len(digits) > 1:
        mant += "." + digits[1:]
    sign = "-" if exp < 0 else "+"
    e = str(abs(exp)).rjust(min_exp_digits, "0")
    return ("-" if neg else "") + mant + "e" + sign + e


def _format_f(digits: str, dp: int, neg: bool) -> str:
    nd = len(digits)
    if dp <= 0:
        text = "0." + "0" * (-dp) + digits
    elif dp >= nd:
        text = digits + "0" * (dp - nd)
    else:
        text = digits[:dp] + "." + digits[dp:]
    return ("-" if neg else "") + text


def go_format_float_g(f: float) -> str:
    """Go ``strconv.FormatFloat(f, 'g', -1, 64)`` (also ``fmt`` ``%v``)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    neg = math.copysign(1.0, f) < 0
    if f == 0:
        return "-0" if neg else "0"
    digits, dp = _shortest_digits(f)
    exp = dp - 1
    # Go: shortest 'g' uses precision 6 to choose between %e and %f.
    if exp < -4 or exp >= 6:
        return _format_e(digits, dp, neg)
    return _format_f(digits, dp, neg)


def go_format_float_f(f: float) -> str:
    """Go ``strconv.FormatFloat(f, 'f', -1, 64)``."""
    neg = math.copysign(1.0, f) < 0
    if f == 0:
        return "-0" if neg else "0"
    digits, dp = _shortest_digits(f)
    return _format_f(digits, dp, neg)


def _float32_shortest(f: float) -> tuple[str, str, int, bool]:
    """``f`` rounded to a float32: ``(special, digits, dp, negative)`` where
    ``special`` is Go's spelling of NaN, the infinities and zero (else "")
    and ``digits`` the fewest significant digits that identify the float32,
    with the decimal point ``dp`` places from their start."""
    try:
        f32 = struct.unpack("f", struct.pack("f", f))[0]
    except OverflowError:
        f32 = math.copysign(math.inf, f)
    if math.isnan(f32):
        return "NaN", "", 0, False
    if math.isinf(f32):
        return ("+Inf" if f32 > 0 else "-Inf"), "", 0, f32 < 0
    if f32 == 0:
        return ("-0" if math.copysign(1.0, f32) < 0 else "0"), "", 0, False
    packed = struct.pack("f", abs(f32))
    for precision in range(1, 10):
        text = f"{abs(f32):.{precision - 1}e}"
        if struct.pack("f", float(text)) == packed:
            break
    mant, _, exp = text.partition("e")
    return "", mant.replace(".", "").rstrip("0") or "0", int(exp) + 1, f32 < 0


def float32_shortest_f(f: float) -> str:
    """Go ``strconv.FormatFloat(f, 'f', -1, 32)``: the value rounded to a
    float32 and printed with the fewest digits that identify that float32."""
    special, digits, dp, neg = _float32_shortest(f)
    return special or _format_f(digits, dp, neg)


def go_format_float32_g(f: float) -> str:
    """Go ``strconv.FormatFloat(f, 'g', -1, 32)``."""
    special, digits, dp, neg = _float32_shortest(f)
    if special:
        return special
    if dp - 1 < -4 or dp - 1 >= 6:
        return _format_e(digits, dp, neg)
    return _format_f(digits, dp, neg)


def go_format_number_v(n: Any) -> str:
    """How Go's ``%v`` prints a number: integers in decimal, float64 as 'g'."""
    n = go_number(n)
    if type(n) is float:
        return go_format_float_g(n)
    if isinstance(n, int):
        return int.__repr__(n)
    return go_format_float_g(n)


def go_format_number_sharp_v(n: Any) -> str:
    """How Go's ``%#v`` prints a number: like ``%v``, but uint64 in hex."""
    if type(n) is GoUint64:
        return "0x" + format(int(n), "x")
    return go_format_number_v(n)


def go_sprint_v(value: Any) -> str:
    """Go ``fmt.Sprintf("%v", value)`` for JSON-like values."""
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, _NUMBER_TYPES):
        return go_format_number_v(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + " ".join(go_sprint_v(v) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items())
        return "map[" + " ".join(f"{k}:{go_sprint_v(v)}" for k, v in items) + "]"
    if isinstance(value, ExpRef):
        return "<expref>"
    return str(value)


# ---------------------------------------------------------------------------
# JSON encoding the way Go's encoding/json does it (used by to_string).
# ---------------------------------------------------------------------------

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
for _i in range(0x20):
    _ESCAPES.setdefault(chr(_i), f"\\u{_i:04x}")
_NEEDS_ESCAPE = frozenset(_ESCAPES)


def go_json_string(s: str) -> str:
    if not _NEEDS_ESCAPE.intersection(s):
        out = s
    else:
        out = "".join(_ESCAPES.get(ch, ch) for ch in s)
    # lone surrogates cannot be encoded as UTF-8; Go writes U+FFFD
    if any("\ud800" <= ch <= "\udfff" for ch in out):
        out = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in out)
    return '"' + out + '"'


def go_json_number(n: Any) -> str:
    """A number as Go's ``encoding/json`` writes it.

    Integers (int, int64, uint64) in decimal; a float64 in the shortest
    form that reads back the same, in 'f' notation unless its magnitude is
    below 1e-6 or at least 1e21 (then 'e', with ``e-07`` written ``e-7``):
    ``18446744073709552000``, ``1e+21``, ``1e-7``. NaN and infinities
    cannot be written (an error, as in Go).
    """
    n = go_number(n)
    if type(n) is not float:
        if isinstance(n, int) and not isinstance(n, bool):
            return int.__repr__(n)
        n = float(n)
    if n != n or n in (math.inf, -math.inf):
        raise JPRuntimeError("json: unsupported value: " + go_format_float_g(n))
    a = abs(n)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        digits, dp = _shortest_digits(n)
        text = _format_e(digits, dp, n < 0)
        # Go cleans e-09 into e-9
        if len(text) >= 4 and text[-4] == "e" and text[-3] == "-" and text[-2] == "0":
            text = text[:-2] + text[-1]
        return text
    return go_format_float_f(n)


def go_json_dumps(value: Any) -> str:
    """Compact JSON text as Go's ``json.Marshal`` writes it (sorted keys)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return go_json_string(value)
    if isinstance(value, _NUMBER_TYPES):
        return go_json_number(value)
    if isinstance(value, list):
        return "[" + ",".join(go_json_dumps(v) for v in value) + "]"
    if isinstance(value, dict):
        parts = [go_json_string(k) + ":" + go_json_dumps(value[k]) for k in sorted(value)]
        return "{" + ",".join(parts) + "}"
    if isinstance(value, ExpRef):
        raise JPRuntimeError("json: unsupported type: func(interface {}) (interface {}, error)")
    raise JPRuntimeError(f"json: unsupported type: {type(value).__name__}")


# ---------------------------------------------------------------------------
# Go string helpers
# ---------------------------------------------------------------------------


def _map_simple(s: str, method: str) -> str:
    if s.isascii():
        return getattr(s, method)()
    out = []
    for ch in s:
        mapped = getattr(ch, method)()
        out.append(mapped if len(mapped) == 1 else ch)
    return "".join(out)


def go_to_upper(s: str) -> str:
    """``strings.ToUpper``: per-rune simple case mapping."""
    return _map_simple(s, "upper")


def go_to_lower(s: str) -> str:
    """``strings.ToLower``: per-rune simple case mapping."""
    return _map_simple(s, "lower")


def _fold(ch: str) -> str:
    low = ch.lower()
    if len(low) == 1:
        up = low.upper()
        return up if len(up) == 1 else low
    up = ch.upper()
    return up if len(up) == 1 else ch


def go_equal_fold(a: str, b: str) -> bool:
    """``strings.EqualFold``: simple Unicode case folding, rune by rune."""
    if a == b:
        return True
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x != y and _fold(x) != _fold(y):
            return False
    return True


def go_is_space(ch: str) -> bool:
    """``unicode.IsSpace``."""
    return ch in "\t\n\v\f\r \x85\xa0" or (ord(ch) > 0xFF and ch.isspace())
