"""Print values the way kyverno-json (a Go program) prints them.

kyverno-json decodes every JSON/YAML document into Go's ``any``: numbers
become ``float64``, objects ``map[string]interface {}``, arrays
``[]interface {}``. Its messages then print those values with ``%v``,
``%q`` and ``%#v``. Users compare our output with the reference's, so
the exact spelling matters: this module reproduces it.
"""

from __future__ import annotations

import json
import math

__all__ = ["go_quote", "go_float", "go_v", "go_sharp_v", "go_json", "go_json_indent"]

_SIMPLE_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}


def go_quote(s: str) -> str:
    """``strconv.Quote``: printable runes kept, others escaped."""
    if s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    out = ['"']
    for ch in s:
        esc = _SIMPLE_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch.isprintable():
            code = ord(ch)
            if 0xD800 <= code <= 0xDFFF:  # lone surrogate: invalid UTF-8 in Go
                out.append("\\ufffd")
            else:
                out.append(ch)
        else:
            code = ord(ch)
            if code < 0x80:
                out.append(f"\\x{code:02x}")
            elif 0xD800 <= code <= 0xDFFF:
                out.append("\\ufffd")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _digits(f: float) -> tuple[str, int]:
    """Shortest round-trip digits and decimal exponent (like strconv)."""
    r = repr(abs(f))
    if "e" in r:
        mant, exp_s = r.split("e")
        exp = int(exp_s)
    else:
        mant, exp = r, 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    if fp == "0":
        fp = ""
    digits = (ip + fp).lstrip("0")
    # decimal point position relative to the start of ``ip + fp``
    dp = len(ip) + exp
    stripped = len(ip + fp) - len((ip + fp).lstrip("0"))
    dp -= stripped
    digits = digits.rstrip("0") or "0"
    return digits, dp


def go_float(f: float) -> str:
    """``fmt.Sprint(float64)``: strconv 'g' with the shortest precision."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    digits, dp = _digits(f)
    sign = "-" if f < 0 else ""
    exp = dp - 1
    # strconv decides on %e with precision 6 when printing the shortest form
    if exp < -4 or exp >= 6:
        return sign + _fmt_e(digits, exp)
    if dp <= 0:
        return sign + "0." + "0" * (-dp) + digits
    if dp >= len(digits):
        return sign + digits + "0" * (dp - len(digits))
    return sign + digits[:dp] + "." + digits[dp:]


def _fmt_e(digits: str, exp: int) -> str:
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    esign = "-" if exp < 0 else "+"
    return f"{mant}e{esign}{abs(exp):02d}"


def _number(v) -> str:
    if isinstance(v, int):
        if abs(v) < 2**53:
            return go_float(float(v))
        return str(v)
    return go_float(v)


def go_v(v) -> str:
    """``fmt.Sprint(v)`` (``%v``) of a decoded JSON value."""
    if v is None:
        return "<nil>"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return _number(v)
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_v(v[k])}" for k in sorted(v, key=str)) + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(go_v(x) for x in v) + "]"
    return str(v)


def go_sharp_v(v, top: bool = True) -> str:
    """``fmt.Sprintf("%#v", v)`` of a decoded JSON value."""
    if v is None:
        return "<nil>" if top else "interface {}(nil)"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return go_quote(v)
    if isinstance(v, (int, float)):
        return _number(v)
    if isinstance(v, dict):
        inner = ", ".join(
            f"{go_quote(str(k))}:{go_sharp_v(v[k], False)}" for k in sorted(v, key=str)
        )
        return "map[string]interface {}{" + inner + "}"
    if isinstance(v, (list, tuple)):
        return "[]interface {}{" + ", ".join(go_sharp_v(x, False) for x in v) + "}"
    return repr(v)


def go_field_value(v) -> str:
    """How ``field.Error`` prints its bad value (and ``Expected value:``)."""
    if v is None:
        return '"null"'
    if isinstance(v, bool) or isinstance(v, (int, float)):
        return go_v(v)
    if isinstance(v, str):
        return go_quote(v)
    return go_sharp_v(v)


def _jsonable(v):
    """Integral floats print without a fraction in Go's encoding/json."""
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e21:
            return int(v)
        return v
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    return v


def _html_safe(s: str) -> str:
    return (
        s.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def go_json(v, sort_keys: bool = True) -> str:
    """``json.Marshal``: compact, sorted map keys, HTML-safe escaping."""
    return _html_safe(
        json.dumps(_jsonable(v), separators=(",", ":"), ensure_ascii=False, sort_keys=sort_keys)
    )


def go_json_indent(v, normalized: bool = False) -> str:
    """``json.MarshalIndent(v, "", "  ")`` for values whose key order is already set.

    ``normalized``: integral floats were already turned into ints.
    """
    if not normalized:
        v = _jsonable(v)
    try:
        import orjson

        text = orjson.dumps(v, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (TypeError, ImportError):  # e.g. an integer beyond 64 bits
        text = json.dumps(v, indent=2, ensure_ascii=False)
    return _html_safe(text)
