"""Print values the way kyverno-json (a Go program) prints them.

kyverno-json decodes every JSON/YAML document into Go's ``any``: numbers
become ``float64``, objects ``map[string]interface {}``, arrays
``[]interface {}``. Its messages then print those values with ``%v``,
``%q`` and ``%#v``. Users compare our output with the reference's, so
the exact spelling matters: this module reproduces it.
"""

from __future__ import annotations

import json

from ..jp.values import go_format_float_g as go_float
from ..jp.values import go_format_number_v
from ..jp.values import go_sprint_v as go_v

__all__ = ["go_quote", "go_float", "go_v", "go_sharp_v", "go_field_value", "go_json_indent"]

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


def _number(v) -> str:
    # kyverno-json holds every JSON number as a float64
    return go_format_number_v(v)


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
