"""Kubernetes resource quantities (``k8s.io/apimachinery`` ``resource.Quantity``).

A quantity is held as an exact decimal ``unscaled * 10**-scale`` plus its
format (``DecimalSI``, ``BinarySI`` or ``DecimalExponent``).  Parsing,
rounding and the canonical string form follow the Go package, including
the scale a parsed value carries (it matters for division).

Go keeps a scale as an int32 and aligns two values by multiplying by a
power of ten, so ``1e2147483647 + 1`` asks for a number of two billion
digits.  Here every power of ten and every result is bounded by
``MAX_DIGITS`` decimal digits; past it the operation is refused with
:class:`QuantityLimitError`, a runtime error of the expression.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import JPRuntimeError

DECIMAL_EXPONENT = "DecimalExponent"
BINARY_SI = "BinarySI"
DECIMAL_SI = "DecimalSI"

_DEC_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_BY_EXP = {v: k for k, v in _DEC_SUFFIXES.items()}
_BIN_BY_EXP = {v: k for k, v in _BIN_SUFFIXES.items()}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_MAX_INT64 = (1 << 63) - 1


# Digits a quantity (and each power of ten used to align two of them) may
# have.  Below Python's default limit on int/str conversions (4300 digits),
# and far above any real resource amount.
MAX_DIGITS = 4000
_MAX_BITS = 13_300  # 2**13300 has 4004 digits


class QuantityError(ValueError):
    pass


class QuantityLimitError(QuantityError, JPRuntimeError):
    """A quantity, or a step computing one, needs more than MAX_DIGITS digits."""

    def __init__(self) -> None:
        JPRuntimeError.__init__(self, f"quantity out of range: more than {MAX_DIGITS} digits needed")


def _pow10(n: int) -> int:
    if n > MAX_DIGITS:
        raise QuantityLimitError()
    return 10**n


def _bounded(q: Quantity) -> Quantity:
    if q.unscaled.bit_length() > _MAX_BITS:
        raise QuantityLimitError()
    return q


@dataclass
class Quantity:
    unscaled: int
    scale: int  # value = unscaled * 10 ** -scale
    format: str

    # -- arithmetic ---------------------------------------------------------------

    def is_zero(self) -> bool:
        return self.unscaled == 0

    def _aligned(self, other: Quantity) -> tuple[int, int, int]:
        scale = max(self.scale, other.scale)
        a = self.unscaled * _pow10(scale - self.scale)
        b = other.unscaled * _pow10(scale - other.scale)
        return a, b, scale

    def add(self, other: Quantity) -> Quantity:
        fmt = other.format if self.is_zero() else self.format
        a, b, scale = self._aligned(other)
        return _bounded(Quantity(a + b, scale, fmt))

    def sub(self, other: Quantity) -> Quantity:
        fmt = other.format if self.is_zero() else self.format
        a, b, scale = self._aligned(other)
        return _bounded(Quantity(a - b, scale, fmt))

    def mul(self, other: Quantity, fmt: str) -> Quantity:
        return _bounded(Quantity(self.unscaled * other.unscaled, self.scale + other.scale, fmt))

    def quo_round_down(self, other: Quantity, scale: int, fmt: str) -> Quantity:
        """inf.Dec QuoRound(x, y, scale, RoundDown): truncated toward zero."""
        # x / y * 10**scale = ux * 10**(scale - sx + sy) / uy
        shift = scale - self.scale + other.scale
        num = self.unscaled
        den = other.unscaled
        if shift >= 0:
            num *= _pow10(shift)
        else:
            den *= _pow10(-shift)
        q = abs(num) // abs(den)
        if (num < 0) != (den < 0):
            q = -q
        return _bounded(Quantity(q, scale, fmt))

    def as_approximate_float(self) -> float:
        try:
            base = float(self.unscaled)
        except OverflowError:  # Go's big.Float.Float64 gives an infinity
            base = float("inf") if self.unscaled > 0 else float("-inf")
        if self.scale == 0:
            return base
        return base * float(f"1e{-self.scale}")

    def cmp_int(self, n: int) -> int:
        a = self.unscaled
        b = n
        if self.scale >= 0:
            b = n * _pow10(self.scale)
        else:
            a = self.unscaled * _pow10(-self.scale)
        return (a > b) - (a < b)

    def as_integer(self) -> int | None:
        """The value if it is an integer (Go AsScale(0) exact), else None."""
        if self.scale <= 0:
            return self.unscaled * _pow10(-self.scale)
        div = _pow10(self.scale)
        if self.unscaled % div == 0:
            return self.unscaled // div
        return None

    # -- formatting --------------------------------------------------------------

    def __str__(self) -> str:
        if self.unscaled == 0:
            return "0"
        fmt = self.format
        rounded = None
        if fmt == BINARY_SI:
            if self.cmp_int(-1024) > 0 and self.cmp_int(1024) < 0:
                fmt = DECIMAL_SI
            else:
                rounded = self.as_integer()
                if rounded is None:
                    fmt = DECIMAL_SI
        elif fmt not in (DECIMAL_SI, DECIMAL_EXPONENT):
            fmt = DECIMAL_EXPONENT
        if fmt == BINARY_SI:
            amount, times = _remove_factors(rounded, 1024)
            suffix = _BIN_BY_EXP.get(times * 10, "")
            return str(amount) + suffix
        mantissa, exponent = _remove_factors(self.unscaled, 10)
        exponent -= self.scale
        while exponent % 3 != 0:
            mantissa *= 10
            exponent -= 1
        if fmt == DECIMAL_SI:
            suffix = _DEC_BY_EXP.get(exponent)
            if suffix is None:
                suffix = f"e{exponent}"
        else:
            suffix = "" if exponent == 0 else f"e{exponent}"
        return str(mantissa) + suffix


def _remove_factors(value: int, base: int) -> tuple[int, int]:
    times = 0
    negative = value < 0
    result = -value if negative else value
    while result >= base and result % base == 0:
        times += 1
        result //= base
    return (-result if negative else result), times


def _split(s: str) -> tuple[bool, str, str, str, str]:
    """Go parseQuantityString: (positive, value, num, denom, suffix)."""
    positive = True
    pos = 0
    end = len(s)
    if pos < end and s[0] in "+-":
        positive = s[0] != "-"
        pos += 1
    # strip leading zeros
    while True:
        if pos >= end:
            return positive, "0", "0", "", ""
        if s[pos] == "0":
            pos += 1
        else:
            break
    i = pos
    while i < end and "0" <= s[i] <= "9":
        i += 1
    num = s[pos:i]
    if i >= end:
        return positive, s, num or "0", "", ""
    pos = i
    if not num:
        num = "0"
    denom = ""
    if pos < end and s[pos] == ".":
        pos += 1
        i = pos
        while i < end and "0" <= s[i] <= "9":
            i += 1
        denom = s[pos:i]
        if i >= end:
            return positive, s, num, denom, ""
        pos = i
    value = s[:pos]
    suffix_start = pos
    i = pos
    while i < end and s[i] in _SUFFIX_CHARS:
        i += 1
    if i >= end:
        return positive, value, num, denom, s[suffix_start:]
    pos = i
    if s[pos] in "+-":
        pos += 1
    i = pos
    while i < end and "0" <= s[i] <= "9":
        i += 1
    if i >= end:
        return positive, value, num, denom, s[suffix_start:]
    raise QuantityError("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


def _interpret(suffix: str) -> tuple[int, int, str]:
    if suffix in _DEC_SUFFIXES:
        return 10, _DEC_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BIN_SUFFIXES:
        return 2, _BIN_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        # strconv.ParseInt(suffix[1:], 10, 64), then int32(): an exponent
        # outside int64 is refused, one outside int32 wraps as in Go
        rest = suffix[1:]
        body = rest[1:] if rest[:1] in "+-" else rest
        if body.isdigit() and body.isascii() and len(body.lstrip("0")) <= 19:
            exp = int(rest)
            if -(1 << 63) <= exp < (1 << 63):
                return 10, (exp + (1 << 31)) % (1 << 32) - (1 << 31), DECIMAL_EXPONENT
    raise QuantityError("unable to parse quantity's suffix")


def _parse_decimal(text: str) -> tuple[int, int]:
    """inf.Dec SetString: (unscaled, scale)."""
    sign = 1
    if text[:1] in "+-":
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    whole, _, frac = text.partition(".")
    digits = (whole + frac) or "0"
    if not digits.isdigit():
        raise QuantityError("unable to parse quantity's numeric value")
    if len(digits.lstrip("0")) > MAX_DIGITS:
        raise QuantityLimitError()
    return sign * int(digits), len(frac)


def parse_quantity(s: str) -> Quantity:
    """Go ``resource.ParseQuantity``."""
    if not s:
        raise QuantityError("quantities must match the regular expression")
    if s == "0":
        return Quantity(0, 0, DECIMAL_SI)
    positive, value, num, denom, suffix = _split(s)
    base, exponent, fmt = _interpret(suffix)

    precision = 0
    scale = 0
    mantissa = 1
    if fmt in (DECIMAL_EXPONENT, DECIMAL_SI):
        scale = exponent
        precision = 18 - (len(num) + len(denom))
    else:
        scale = 0
        if exponent >= 0 and not denom:
            mantissa = 1 << exponent
            precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        else:
            precision = -1
    if precision >= 0:
        scale -= len(denom)
        if scale >= -9:
            shifted = num + denom
            parsed = int(shifted)
            result = parsed * mantissa
            if parsed <= _MAX_INT64 and -_MAX_INT64 - 1 <= result <= _MAX_INT64:
                if not positive:
                    result = -result
                # int64Amount{value, scale} is value * 10**scale
                return Quantity(result, -scale, fmt)

    unscaled, dec_scale = _parse_decimal(value)
    if base == 10:
        dec_scale -= exponent
    elif base == 2:
        unscaled *= 1 << exponent
    negative = unscaled < 0 or not positive
    unscaled = abs(unscaled)
    if unscaled != 0:
        # round up to a multiple of 1e-9 (scale 9)
        if dec_scale > 9:
            if dec_scale - 9 > len(str(unscaled)):
                unscaled = 1  # below 1e-9: rounds up to the smallest amount
            else:
                unscaled = -(-unscaled // _pow10(dec_scale - 9))
        else:
            unscaled *= _pow10(9 - dec_scale)
        dec_scale = 9
    if fmt == BINARY_SI:
        max_allowed = _MAX_INT64 * 10**dec_scale
        if unscaled > max_allowed:
            unscaled = max_allowed
        if 0 < unscaled < 10**dec_scale:
            fmt = DECIMAL_SI
    if negative:
        unscaled = -unscaled
    return _bounded(Quantity(unscaled, dec_scale, fmt))


def from_go_float(f: float) -> Quantity:
    """``resource.ParseQuantity(fmt.Sprintf("%v", f))``."""
    from .values import go_format_float_g

    return parse_quantity(go_format_float_g(f))
