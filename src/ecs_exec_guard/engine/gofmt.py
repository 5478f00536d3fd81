"""Print values the way kyverno-json (a Go program) prints them.

kyverno-json decodes every JSON/YAML document into Go's ``any``: numbers
become ``int64``, ``int``, ``uint64`` or ``float64`` (see
:mod:`ecs_exec_guard.jp.values`), objects ``map[string]interface {}``,
arrays ``[]interface {}``. Its messages then print those values with ``%v``,
``%q`` and ``%#v``. Users compare our output with the reference's, so
the exact spelling matters: this module reproduces it.
"""

from __future__ import annotations

from ..jp.values import GoMapSlice, go_format_number_sharp_v, go_json_number
from ..jp.values import go_format_float_g as go_float
from ..jp.values import go_sprint_v as go_v

__all__ = [
    "go_quote", "go_float", "go_v", "go_sharp_v", "go_field_value", "go_json_indent", "go_json_ready",
]

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
        return go_format_number_sharp_v(v)
    if isinstance(v, dict):
        inner = ", ".join(
            f"{go_quote(str(k))}:{go_sharp_v(v[k], False)}" for k in sorted(v, key=str)
        )
        return "map[string]interface {}{" + inner + "}"
    if isinstance(v, (list, tuple)):
        head = "[]map[string]interface {}{" if type(v) is GoMapSlice else "[]interface {}{"
        return head + ", ".join(go_sharp_v(x, False) for x in v) + "}"
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


def json_number_fragment(n):
    """A number ready for orjson, written as Go's ``encoding/json`` does.

    Integers pass as they are; a float64 becomes its Go spelling
    (``18446744073709552000``, ``1e+21``). NaN and infinities, which Go
    cannot write at all, are written ``null``.
    """
    import orjson

    from ..jp.errors import JPRuntimeError

    try:
        return orjson.Fragment(go_json_number(n))
    except JPRuntimeError:  # NaN or an infinity
        return orjson.Fragment(b"null")


def go_json_ready(v):
    """A decoded value with its floats replaced by :func:`json_number_fragment`."""
    t = type(v)
    if t is float:
        return json_number_fragment(v)
    if t is int and not -(2**63) <= v < 2**63:  # a float64 for Go (see go_number)
        return json_number_fragment(v)
    if t is dict or isinstance(v, dict):
        return {k: go_json_ready(x) for k, x in v.items()}
    if t is list or isinstance(v, list):
        return [go_json_ready(x) for x in v]
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

    Numbers are written as Go writes them (see :func:`go_json_ready`);
    ``normalized`` is accepted for callers that prepared the value already.
    """
    import orjson

    text = orjson.dumps(go_json_ready(v), option=orjson.OPT_INDENT_2).decode("utf-8")
    return _html_safe(text)


def sorted_keys(v):
    """``v`` with every map's keys in sorted order, as Go marshals ``map[string]any``."""
    if isinstance(v, dict):
        return {k: sorted_keys(v[k]) for k in sorted(v)}
    if isinstance(v, list):
        return [sorted_keys(x) for x in v]
    return v
