"""The Kyverno function library and kyverno-json's own functions.

Error messages reuse the reference's wording ("JMESPath function 'add':
Types mismatch", ...) so that policies and their outputs read the same.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from typing import Any

import yaml

# goregex (RE2) is imported by the functions that use it: most scans call none
from . import gotime, quantity, semver
from .errors import JPRuntimeError
from .registry import (
    ANY,
    ARRAY,
    ARRAY_STRING,
    BOOL,
    NUMBER,
    OBJECT,
    STRING,
    Arg,
    Function,
)
from .values import (
    INT_TYPES,
    GoInt,
    GoMapSlice,
    deep_equal,
    float32_shortest_f,
    go_equal_fold,
    go_format_float_g,
    go_to_lower,
    go_to_upper,
    is_number,
    may_hold_surrogates,
    scrub_surrogates,
)

_PREFIX = "JMESPath function '{}': "


def _error(function: str, message: str) -> JPRuntimeError:
    return JPRuntimeError(_PREFIX.format(function) + message)


def _type_error(function: str, index: int, expected: str) -> JPRuntimeError:
    return _error(function, f"argument #{index} is not of type {expected}")


def _mismatch(function: str) -> JPRuntimeError:
    return _error(function, "Types mismatch")


def _zero_division(function: str) -> JPRuntimeError:
    return _error(function, "Zero divisor passed")


def _non_int_modulo() -> JPRuntimeError:
    return _error("modulo", "Non-integer argument(s) passed for modulo")


def iface_to_string(value: Any) -> str | None:
    """Kyverno's ifaceToString; None where the reference reports an error."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if is_number(value):
        return float32_shortest_f(float(value))
    return None


# ---------------------------------------------------------------------------
# strings
# ---------------------------------------------------------------------------


def _compare(args):
    a, b = args
    # strings.Compare returns a Go int, not a float64
    return GoInt((a > b) - (a < b))


def _equal_fold(args):
    return go_equal_fold(args[0], args[1])


def _replace(args):
    s, old, new, n = args
    if type(n) is float and (math.isnan(n) or math.isinf(n)):
        count = -1  # int64(NaN/Inf) is negative on the reference platform
    else:
        count = int(n)
    _check_replaced_size("replace", s, old, new, count)
    return s.replace(old, new, count if count >= 0 else -1)


def _replace_all(args):
    _check_replaced_size("replace_all", args[0], args[1], args[2], -1)
    return args[0].replace(args[1], args[2])


def _check_replaced_size(function: str, s: str, old: str, new: str, count: int) -> None:
    """Refuse a replacement whose result would pass the size limit
    (goregex.MAX_RESULT_BYTES, counted here in characters)."""
    from . import goregex
    if len(new) <= len(old):
        return
    matches = s.count(old)
    if count >= 0:
        matches = min(matches, count)
    if len(s) + matches * (len(new) - len(old)) > goregex.MAX_RESULT_BYTES:
        raise _error(function, f"the result would be longer than {goregex.MAX_RESULT_BYTES} characters")


def _to_upper(args):
    return go_to_upper(args[0])


def _to_lower(args):
    return go_to_lower(args[0])


def _trim(args):
    s, cutset = args
    if not cutset:
        return s
    return s.strip(cutset)


def _trim_prefix(args):
    s, prefix = args
    return s[len(prefix):] if prefix and s.startswith(prefix) else s


def _split(args):
    s, sep = args
    if sep == "":
        return list(s)
    return s.split(sep)


# ---------------------------------------------------------------------------
# regular expressions and wildcards
# ---------------------------------------------------------------------------


def _regex(function: str, pattern: str):
    from . import goregex
    try:
        return goregex.compile_go(pattern)
    except goregex.GoRegexError as exc:
        raise _error(function, str(exc)) from None


def _regex_replace(function: str, args: list, literal: bool):
    from . import goregex
    regex, src, repl = args
    src_text = iface_to_string(src)
    if src_text is None:
        raise _type_error(function, 2, "String or Real")
    repl_text = iface_to_string(repl)
    if repl_text is None:
        raise _type_error(function, 3, "String or Real")
    compiled = _regex(function, regex)
    try:
        return compiled.replace_all(src_text, repl_text, literal)
    except goregex.GoRegexError as exc:
        raise _error(function, str(exc)) from None


def _regex_replace_all(args):
    return _regex_replace("regex_replace_all", args, False)


def _regex_replace_all_literal(args):
    return _regex_replace("regex_replace_all_literal", args, True)


def _regex_match(args):
    from . import goregex
    regex, src = args
    text = iface_to_string(src)
    if text is None:
        raise _type_error("regex_match", 2, "String or Real")
    try:
        compiled = goregex.compile_go(regex)
    except goregex.GoRegexError as exc:
        raise JPRuntimeError(str(exc)) from None
    return compiled.search(text)


def wildcard_match(pattern: str, name: str) -> bool:
    """Kyverno's wildcard.Match: ``*`` any run of characters, ``?`` exactly one."""
    from . import goregex
    return goregex.wildcard_match(pattern, name)


def _pattern_match(args):
    pattern, src = args
    text = iface_to_string(src)
    if text is None:
        raise _type_error("regex_match", 2, "String or Real")
    return wildcard_match(pattern, text)


def _label_match(args):
    labels, match = args
    for key, value in labels.items():
        if key not in match or not deep_equal(match[key], value):
            return False
    return True


def _to_boolean(args):
    text = args[0]
    lowered = go_to_lower(text)
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise _error("to_boolean", f"lowercase argument must be 'true' or 'false' (provided: '{text}')")


# ---------------------------------------------------------------------------
# arithmetic on numbers, quantities and durations
# ---------------------------------------------------------------------------


class _Scalar:
    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value


class _Duration:
    __slots__ = ("ns",)

    def __init__(self, ns: int) -> None:
        self.ns = ns


def _operand(value: Any, operator: str):
    if is_number(value):
        # the reference works on float64 whatever the number's type
        return _Scalar(_float(value))
    if isinstance(value, str):
        try:
            return quantity.parse_quantity(value)
        except quantity.QuantityLimitError as exc:
            raise _error(operator, str(exc)) from None
        except quantity.QuantityError:
            pass
        try:
            return _Duration(gotime.parse_duration(value))
        except gotime.GoTimeError:
            pass
    raise _error(operator, "invalid operand")


def _operands(args: list, operator: str):
    return _operand(args[0], operator), _operand(args[1], operator)


def _float(value) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.copysign(math.inf, value)


def _add_values(a, b, operator: str):
    if isinstance(a, quantity.Quantity):
        if isinstance(b, quantity.Quantity):
            return str(a.add(b))
        raise _mismatch(operator)
    if isinstance(a, _Duration):
        if isinstance(b, _Duration):
            return gotime.format_duration(_wrap_int64(a.ns + b.ns))
        raise _mismatch(operator)
    if isinstance(b, _Scalar):
        return a.value + b.value
    raise _mismatch(operator)


def _wrap_int64(n: int) -> int:
    return (n + (1 << 63)) % (1 << 64) - (1 << 63)


def _add(args):
    a, b = _operands(args, "add")
    return _add_values(a, b, "add")


def _sum(args):
    items = args[0]
    if not items:
        raise _error("sum", "at least one element in the array is required")
    result = items[0]
    for item in items[1:]:
        a, b = _operands([result, item], "sum")
        result = _add_values(a, b, "sum")
    return result


def _subtract(args):
    a, b = _operands(args, "subtract")
    if isinstance(a, quantity.Quantity):
        if isinstance(b, quantity.Quantity):
            return str(a.sub(b))
        raise _mismatch("subtract")
    if isinstance(a, _Duration):
        if isinstance(b, _Duration):
            return gotime.format_duration(_wrap_int64(a.ns - b.ns))
        raise _mismatch("subtract")
    if isinstance(b, _Scalar):
        return a.value - b.value
    raise _mismatch("subtract")


def _multiply_quantity(q: quantity.Quantity, s: _Scalar) -> str:
    try:
        factor = quantity.from_go_float(_float(s.value))
    except quantity.QuantityError as exc:
        raise _error("multiply", str(exc)) from None
    return str(q.mul(factor, q.format))


def _multiply_duration(d: _Duration, s: _Scalar) -> str:
    seconds = gotime.duration_seconds(d.ns) * _float(s.value)
    return gotime.format_duration(gotime.duration_from_float(seconds * 1e9))


def _multiply(args):
    a, b = _operands(args, "multiply")
    if isinstance(a, _Scalar):
        if isinstance(b, _Scalar):
            return a.value * b.value
        a, b = b, a
    if not isinstance(b, _Scalar):
        raise _mismatch("multiply")
    if isinstance(a, quantity.Quantity):
        return _multiply_quantity(a, b)
    return _multiply_duration(a, b)


def _divide(args):
    a, b = _operands(args, "divide")
    if isinstance(a, quantity.Quantity):
        if isinstance(b, quantity.Quantity):
            divisor = b.as_approximate_float()
            if divisor == 0:
                raise _zero_division("divide")
            return a.as_approximate_float() / divisor
        if isinstance(b, _Scalar):
            if b.value == 0:
                raise _zero_division("divide")
            try:
                q = quantity.from_go_float(_float(b.value))
            except quantity.QuantityError as exc:
                raise _error("divide", str(exc)) from None
            if q.is_zero():
                raise _zero_division("divide")
            scale = max(a.scale, q.scale)
            return str(a.quo_round_down(q, scale, a.format))
        raise _mismatch("divide")
    if isinstance(a, _Duration):
        if isinstance(b, _Duration):
            divisor = gotime.duration_seconds(b.ns)
            if divisor == 0:
                raise _zero_division("divide")
            return gotime.duration_seconds(a.ns) / divisor
        if isinstance(b, _Scalar):
            if b.value == 0:
                raise _zero_division("divide")
            seconds = gotime.duration_seconds(a.ns) / _float(b.value)
            return gotime.format_duration(gotime.duration_from_float(seconds * 1e9))
        raise _mismatch("divide")
    if isinstance(b, _Scalar):
        if b.value == 0:
            raise _zero_division("divide")
        return _float(a.value) / _float(b.value)
    raise _mismatch("divide")


def _go_int64(f: float) -> int | None:
    """int64(f) when that conversion is exact, else None."""
    if math.isnan(f) or math.isinf(f):
        return None
    n = int(f)
    if n != f or not -(1 << 63) <= n < (1 << 63):
        return None
    return n


def _go_rem(a: int, b: int) -> int:
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def _modulo(args):
    a, b = _operands(args, "modulo")
    if isinstance(a, quantity.Quantity):
        if not isinstance(b, quantity.Quantity):
            raise _mismatch("modulo")
        i1 = _go_int64(a.as_approximate_float())
        i2 = _go_int64(b.as_approximate_float())
        if i1 is None or i2 is None:
            raise _non_int_modulo()
        if i2 == 0:
            raise _zero_division("modulo")
        return str(quantity.Quantity(_go_rem(i1, i2), 0, a.format))
    if isinstance(a, _Duration):
        if not isinstance(b, _Duration):
            raise _mismatch("modulo")
        if b.ns == 0:
            raise _zero_division("modulo")
        return gotime.format_duration(_go_rem(a.ns, b.ns))
    if not isinstance(b, _Scalar):
        raise _mismatch("modulo")
    x, y = a.value, b.value
    if type(x) is int and type(y) is int:
        i1, i2 = x, y
    else:
        i1 = _go_int64(_float(x))
        i2 = _go_int64(_float(y))
        if i1 is None or i2 is None:
            raise _non_int_modulo()
    if i2 == 0:
        raise _zero_division("modulo")
    return _go_rem(i1, i2)


def go_round(x: float) -> float:
    """Go ``math.Round``: half away from zero."""
    if math.isnan(x) or math.isinf(x):
        return x
    t = math.trunc(x)
    if abs(x - t) >= 0.5:
        t += math.copysign(1.0, x)
    return math.copysign(float(t), x) if t == 0 else float(t)


def _round(args):
    value, length = args
    n = None
    if type(length) in INT_TYPES:
        n = int(length)
    elif not (math.isnan(length) or math.isinf(length)) and math.trunc(length) == length:
        n = int(length)
    if n is None:
        raise _error("round", "Non-integer argument(s) passed for round off")
    if n < 0:
        raise _error("round", "%!d(MISSING) argument is out of bounds (%!d(MISSING))")
    try:
        shift = math.pow(10, n)
        result = go_round(_float(value) * shift) / shift
    except OverflowError:
        return _float(value)
    if math.isnan(result):
        return _float(value)
    return result


# ---------------------------------------------------------------------------
# encodings, paths, strings
# ---------------------------------------------------------------------------


def _base64_decode(args):
    text = args[0].replace("\r", "").replace("\n", "")
    try:
        data = base64.b64decode(text.encode("utf-8", "surrogatepass"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise JPRuntimeError(f"illegal base64 data: {exc}") from None
    return data.decode("utf-8", "replace")


def _base64_encode(args):
    return base64.b64encode(args[0].encode("utf-8", "surrogatepass")).decode("ascii")


def go_clean_path(path: str) -> str:
    """Go ``path.Clean`` / ``filepath.Clean`` with '/' separators."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def _path_canonicalize(args):
    path = args[0]
    if path == "":
        return ""
    return go_clean_path(path)


def _truncate(args):
    s, length = args
    n = 0 if length < 0 else length
    try:
        n = int(n)
    except (OverflowError, ValueError):
        n = len(s)
    return s[:n]


def _semver_compare(args):
    version_text, range_text = args
    try:
        version = semver.parse_version(version_text)
    except semver.SemverError:
        version = (0, 0, 0, ())
    try:
        matches = semver.parse_range(range_text)
    except semver.SemverError as exc:
        raise JPRuntimeError(str(exc)) from None
    return matches(version)


# ---------------------------------------------------------------------------
# JSON / YAML
# ---------------------------------------------------------------------------


def _reject_constant(name):
    raise ValueError(f"invalid character '{name[0]}' looking for beginning of value")


def _json_int(text: str):
    n = int(text)
    if -(1 << 63) <= n < (1 << 63):
        return n
    return _json_float(text)


def _json_float(text: str):
    f = float(text)
    if math.isinf(f):
        raise ValueError(f"json: cannot unmarshal number {text} into Go value of type float64")
    return f


_K8S_JSON = json.JSONDecoder(parse_int=_json_int, parse_float=_json_float, parse_constant=_reject_constant)


def _quote_byte(c: int) -> str:
    """Go encoding/json's ``quoteChar`` of one byte of the input."""
    if c == 0x27:
        return "'\\''"
    if c == 0x22:
        return "'\"'"
    from ..engine.gofmt import go_quote  # strconv.Quote of the byte as a rune

    return "'" + go_quote(chr(c))[1:-1] + "'"


class _GoJSONSyntax(Exception):
    pass


def go_json_syntax_error(text: str) -> str | None:
    """The syntax error Go's ``encoding/json`` reports for ``text``, if any.

    A small scanner with the same states as Go's, so that ``json_parse``
    and ``parse_json`` fail with the reference's words ("invalid character
    'x' looking for beginning of value", "unexpected end of JSON input").
    """
    data = text.encode("utf-8", "surrogatepass")
    n = len(data)
    ws = b" \t\r\n"

    def bad(i: int, context: str):
        raise _GoJSONSyntax(f"invalid character {_quote_byte(data[i] if i < n else 0x20)} {context}")

    def at(i: int) -> int:
        """The byte at ``i`` between tokens or in a string: the end is an error."""
        if i >= n:
            raise _GoJSONSyntax("unexpected end of JSON input")
        return data[i]

    def inner(i: int) -> int:
        """The byte at ``i`` inside a number, literal or escape: Go's scanner
        sees the end of the input as a space there."""
        return data[i] if i < n else 0x20

    def skip(i: int) -> int:
        while i < n and data[i] in ws:
            i += 1
        return i

    def literal(i: int, word: bytes) -> int:
        for k in range(1, len(word)):
            if inner(i + k) != word[k]:
                bad(i + k, f"in literal {word.decode()} (expecting {_quote_byte(word[k])})")
        return i + len(word)

    def number(i: int) -> int:
        if data[i] == 0x2D:  # -
            i += 1
            if not 0x30 <= inner(i) <= 0x39:
                bad(i, "in numeric literal")
        if data[i] == 0x30:
            i += 1
        else:
            while i < n and 0x30 <= data[i] <= 0x39:
                i += 1
        if i < n and data[i] == 0x2E:  # .
            i += 1
            if not 0x30 <= inner(i) <= 0x39:
                bad(i, "after decimal point in numeric literal")
            while i < n and 0x30 <= data[i] <= 0x39:
                i += 1
        if i < n and data[i] in b"eE":
            i += 1
            if inner(i) in b"+-":
                i += 1
            if not 0x30 <= inner(i) <= 0x39:
                bad(i, "in exponent of numeric literal")
            while i < n and 0x30 <= data[i] <= 0x39:
                i += 1
        return i

    def string(i: int) -> int:
        i += 1
        while True:
            c = at(i)
            if c == 0x22:
                return i + 1
            if c == 0x5C:
                i += 1
                e = inner(i)
                if e == 0x75:  # u
                    for k in range(1, 5):
                        if inner(i + k) not in b"0123456789abcdefABCDEF":
                            bad(i + k, "in \\u hexadecimal character escape")
                    i += 5
                    continue
                if e not in b'"\\/bfnrt':
                    bad(i, "in string escape code")
                i += 1
                continue
            if c < 0x20:
                bad(i, "in string literal")
            i += 1

    def value(i: int, depth: int) -> int:
        if depth > 10000:
            raise _GoJSONSyntax("exceeded max depth")
        c = at(i)
        if c == 0x7B:  # {
            i = skip(i + 1)
            if at(i) == 0x7D:
                return i + 1
            while True:
                if at(i) != 0x22:
                    bad(i, "looking for beginning of object key string")
                i = skip(string(i))
                if at(i) != 0x3A:
                    bad(i, "after object key")
                i = skip(value(skip(i + 1), depth + 1))
                c = at(i)
                if c == 0x7D:
                    return i + 1
                if c != 0x2C:
                    bad(i, "after object key:value pair")
                i = skip(i + 1)
        if c == 0x5B:  # [
            i = skip(i + 1)
            if at(i) == 0x5D:
                return i + 1
            while True:
                i = skip(value(i, depth + 1))
                c = at(i)
                if c == 0x5D:
                    return i + 1
                if c != 0x2C:
                    bad(i, "after array element")
                i = skip(i + 1)
        if c == 0x22:
            return string(i)
        if c == 0x2D or 0x30 <= c <= 0x39:
            return number(i)
        for word in (b"true", b"false", b"null"):
            if c == word[0]:
                return literal(i, word)
        bad(i, "looking for beginning of value")
        return i  # pragma: no cover - bad() raises

    try:
        i = skip(value(skip(0), 1))
        if i < n:
            bad(i, "after top-level value")
    except _GoJSONSyntax as exc:
        return str(exc)
    except RecursionError:
        return "exceeded max depth"
    return None


def _decode_json(decoder: json.JSONDecoder, text: str):
    try:
        value = decoder.decode(text)
        return scrub_surrogates(value) if may_hold_surrogates(text) else value
    except RecursionError:
        raise JPRuntimeError("exceeded max depth") from None
    except ValueError as exc:
        # Go checks the whole text's syntax before converting numbers
        raise JPRuntimeError(go_json_syntax_error(text) or str(exc)) from None


def _parse_json(args):
    return _decode_json(_K8S_JSON, args[0])


class _YAMLLoader(yaml.SafeLoader):
    """YAML 1.1 like go-yaml v2: timestamps stay strings."""


_YAMLLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_yaml_int(loader, node):
    """go-yaml v2 reads a plain integer that fits no 64-bit integer as a
    float when it looks like one, else as a string; only short texts are
    handed to int() (a million digits would take seconds, or be refused)."""
    text = loader.construct_scalar(node)
    plain = text.replace("_", "")
    if len(plain) <= 72:  # 0b + 64 binary digits, with a sign, fits
        value = yaml.SafeLoader.construct_yaml_int(loader, node)
        if -(1 << 63) <= value < (1 << 64):
            return value
    if _YAML_FLOAT_STYLE.fullmatch(plain):
        value = float(plain)
        if not math.isinf(value):
            return value
    return text


_YAML_FLOAT_STYLE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_YAMLLoader.add_constructor("tag:yaml.org,2002:int", _construct_yaml_int)


def _yaml_to_json_value(value: Any, memo: dict | None = None) -> Any:
    if isinstance(value, (dict, list)):
        # an alias is the same object as its anchor: convert it once and
        # share the result, so that aliases are not expanded here
        if memo is None:
            memo = {}
        done = memo.get(id(value))
        if done is not None:
            return done
        if isinstance(value, dict):
            out: Any = {}
            memo[id(value)] = out
            for key, item in value.items():
                out[_yaml_key(key)] = _yaml_to_json_value(item, memo)
        else:
            out = []
            memo[id(value)] = out
            out.extend(_yaml_to_json_value(v, memo) for v in value)
        return out
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            raise JPRuntimeError("json: unsupported value: " + repr(value))
        if value.is_integer() and abs(value) < 2**63:
            return int(value)
        return value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)


def _yaml_key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, float):
        return go_format_float_g(key)
    return str(key)


def _parse_yaml(args):
    from ..engine.documents import node_size_problem

    try:
        loader = _YAMLLoader(args[0])
        try:
            first = None
            if loader.check_node():
                node = loader.get_node()
                # the payload loader's limits: alias expansion and depth
                problem = node_size_problem(node)
                if problem:
                    raise JPRuntimeError("error converting YAML to JSON: " + problem)
                first = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise JPRuntimeError("error converting YAML to JSON: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise JPRuntimeError("error converting YAML to JSON: nested too deeply") from None
    return _yaml_to_json_value(first)


# ---------------------------------------------------------------------------
# objects and arrays
# ---------------------------------------------------------------------------


def _lookup(args):
    collection, key = args
    if isinstance(collection, dict):
        if not isinstance(key, str):
            raise _type_error("lookup", 2, "String")
        return collection.get(key)
    if not is_number(key):
        raise _type_error("lookup", 2, "Number")
    if type(key) in INT_TYPES:
        index = int(key)
    else:
        if math.isinf(key) or math.isnan(key) or math.trunc(key) != key:
            raise JPRuntimeError(
                f"JMESPath function 'lookup': argument #2: expected an integer number but got: "
                f"{go_format_float_g(key)}"
            )
        index = int(key)
    if index < 0 or index > len(collection) - 1:
        return None
    return collection[index]


def _items(args):
    collection, key_name, value_name = args
    # a []map[string]interface {} in the reference, indexes as float64
    if isinstance(collection, dict):
        return GoMapSlice({key_name: key, value_name: collection[key]} for key in sorted(collection))
    return GoMapSlice({key_name: float(index), value_name: value} for index, value in enumerate(collection))


def _object_from_lists(args):
    keys, values = args
    output = {}
    for i, raw_key in enumerate(keys):
        key = iface_to_string(raw_key)
        if key is None:
            raise _type_error("object_from_lists", 1, "StringArray")
        output[key] = values[i] if i < len(values) else None
    return output


def _random(args):
    from . import goregex
    pattern = args[0]
    if pattern == "":
        raise JPRuntimeError("no pattern provided")
    try:
        return goregex.generate(pattern)
    except goregex.GoRegexError as exc:
        raise JPRuntimeError(str(exc)) from None


def _x509_decode(args):
    # cryptography's X.509 module costs some 40 ms to import: only the
    # expressions that decode certificates pay for it.
    from . import x509

    try:
        return x509.decode(args[0])
    except x509.X509Error as exc:
        raise JPRuntimeError(str(exc)) from None


# ---------------------------------------------------------------------------
# time
# ---------------------------------------------------------------------------


def _time_arg(value: str) -> gotime.GoTime:
    try:
        return gotime.parse_rfc3339(value)
    except gotime.GoTimeError as exc:
        raise JPRuntimeError(str(exc)) from None


def _duration_arg(value: str) -> int:
    try:
        return gotime.parse_duration(value)
    except gotime.GoTimeError as exc:
        raise JPRuntimeError(str(exc)) from None


def _parse_layout(layout: str, value: str) -> gotime.GoTime:
    try:
        if layout:
            return gotime.parse_time(layout, value)
        return gotime.parse_rfc3339(value)
    except gotime.GoTimeError as exc:
        raise JPRuntimeError(str(exc)) from None


def _time_since(args):
    layout, start, end = args
    t1 = _parse_layout(layout, start)
    t2 = gotime.now() if end == "" else _parse_layout(layout, end)
    return gotime.format_duration(t2.sub(t1))


def _time_now(args):
    return gotime.now().format_rfc3339()


def _time_now_utc(args):
    return gotime.now_utc().format_rfc3339()


def _time_to_cron(args):
    t = _time_arg(args[0])
    _, month, day, hour, minute, _, weekday = t.fields()
    return f"{minute} {hour} {day} {month} {weekday}"


def _time_add(args):
    t = _time_arg(args[0])
    d = _duration_arg(args[1])
    return t.add(d).format_rfc3339()


def _time_parse(args):
    layout, value = args
    try:
        t = gotime.parse_time(layout, value)
    except gotime.GoTimeError as exc:
        raise JPRuntimeError(str(exc)) from None
    return t.format_rfc3339()


def _time_utc(args):
    return _time_arg(args[0]).utc().format_rfc3339()


def _time_diff(args):
    t1 = _time_arg(args[0])
    t2 = _time_arg(args[1])
    return gotime.format_duration(t2.sub(t1))


def _time_before(args):
    return _time_arg(args[0]).key() < _time_arg(args[1]).key()


def _time_after(args):
    return _time_arg(args[0]).key() > _time_arg(args[1]).key()


def _time_between(args):
    t = _time_arg(args[0]).key()
    start = _time_arg(args[1]).key()
    end = _time_arg(args[2]).key()
    return start < t < end


def _time_truncate(args):
    t = _time_arg(args[0])
    d = _duration_arg(args[1])
    return t.truncate(d).format_rfc3339()


# ---------------------------------------------------------------------------
# kyverno-json's own functions
# ---------------------------------------------------------------------------


def _at(args):
    items, index = args
    try:
        i = int(index)
    except (OverflowError, ValueError):
        raise JPRuntimeError(f"runtime error: index out of range [{index}]") from None
    if i < 0 or i >= len(items):
        raise JPRuntimeError(f"runtime error: index out of range [{i}] with length {len(items)}")
    return items[i]


def _concat(args):
    return args[0] + args[1]


def _json_parse(args):
    # k8s.io/apimachinery's json.Unmarshal, like parse_json
    return _decode_json(_K8S_JSON, args[0])


def _wildcard(args):
    return wildcard_match(args[0], args[1])


def kyverno_json_functions() -> list[Function]:
    S = Arg(STRING)
    return [
        Function("at", [Arg(ARRAY), Arg(NUMBER)], _at, "Returns the element in an array at the given index.", [ANY]),
        Function("concat", [S, S], _concat, "Concatenates two strings together and returns the result.", [STRING]),
        Function("json_parse", [S], _json_parse, "Parses a given JSON string into an object.", [ANY]),
        Function(
            "wildcard",
            [S, S],
            _wildcard,
            "Compares a wildcard pattern with a given string and returns if they match or not.",
            [BOOL],
        ),
    ]


def kyverno_functions() -> list[Function]:
    S, N, A, OBJ, X = Arg(STRING), Arg(NUMBER), Arg(ARRAY), Arg(OBJECT), Arg(ANY)
    SN = Arg(STRING, NUMBER)
    return [
        Function("compare", [S, S], _compare, "compares two strings lexicographically", [NUMBER]),
        Function(
            "equal_fold",
            [S, S],
            _equal_fold,
            "allows comparing two strings for equivalency where the only differences are letter cases",
            [BOOL],
        ),
        Function(
            "replace",
            [S, S, S, N],
            _replace,
            "replaces a specified number of instances of the source string with the replacement string in a parent",
            [STRING],
        ),
        Function(
            "replace_all",
            [S, S, S],
            _replace_all,
            "replace all instances of one string with another in an overall parent string",
            [STRING],
        ),
        Function(
            "to_upper", [S], _to_upper,
            "takes in a string and outputs the same string with all upper-case letters", [STRING],
        ),
        Function(
            "to_lower", [S], _to_lower,
            "takes in a string and outputs the same string with all lower-case letters", [STRING],
        ),
        Function(
            "trim", [S, S], _trim,
            "trims both ends of the source string by characters appearing in the second string", [STRING],
        ),
        Function(
            "trim_prefix", [S, S], _trim_prefix,
            "trims the second string prefix from the first string if the first string starts with the prefix",
            [STRING],
        ),
        Function(
            "split", [S, S], _split,
            "splits the first string when the second string is found and converts it into an array",
            [ARRAY_STRING],
        ),
        Function("regex_replace_all", [S, SN, SN], _regex_replace_all, "converts all parameters to string", [STRING]),
        Function(
            "regex_replace_all_literal", [S, SN, SN], _regex_replace_all_literal,
            "converts all parameters to string", [STRING],
        ),
        Function(
            "regex_match", [S, SN], _regex_match,
            "first string is the regular exression which is compared with second input which can be a number or string",
            [BOOL],
        ),
        Function(
            "pattern_match", [S, SN], _pattern_match,
            "'*' matches zero or more alphanumeric characters, '?' matches a single alphanumeric character",
            [BOOL],
        ),
        Function(
            "label_match", [OBJ, OBJ], _label_match,
            "object arguments must be enclosed in backticks; ex. `{{request.object.spec.template.metadata.labels}}`",
            [BOOL],
        ),
        Function(
            "to_boolean", [S], _to_boolean,
            "It returns true or false for any string, such as 'True', 'TruE', 'False', 'FAlse', 'faLSE', etc.",
            [BOOL],
        ),
        Function(
            "add", [X, X], _add,
            "does arithmetic addition of two specified values of numbers, quantities, and durations", [ANY],
        ),
        Function(
            "sum", [A], _sum,
            "does arithmetic addition of specified array of values of numbers, quantities, and durations", [ANY],
        ),
        Function(
            "subtract", [X, X], _subtract,
            "does arithmetic subtraction of two specified values of numbers, quantities, and durations", [ANY],
        ),
        Function(
            "multiply", [X, X], _multiply,
            "does arithmetic multiplication of two specified values of numbers, quantities, and durations", [ANY],
        ),
        Function("divide", [X, X], _divide, "divisor must be non zero", [ANY]),
        Function("modulo", [X, X], _modulo, "divisor must be non-zero, arguments must be integers", [ANY]),
        Function("round", [N, N], _round, "does roundoff to upto the given decimal places", [NUMBER]),
        Function("base64_decode", [S], _base64_decode, "decodes a base 64 string", [STRING]),
        Function(
            "base64_encode", [S], _base64_encode,
            "encodes a regular, plaintext and unencoded string to base64", [STRING],
        ),
        Function(
            "time_since", [S, S, S], _time_since,
            "calculate the difference between a start and end period of time where the end may either be a "
            "static definition or the then-current time",
            [STRING],
        ),
        Function("time_now", [], _time_now, "returns current time in RFC 3339 format", [STRING]),
        Function("time_now_utc", [], _time_now_utc, "returns current UTC time in RFC 3339 format", [STRING]),
        Function(
            "path_canonicalize", [S], _path_canonicalize,
            "normalizes or canonicalizes a given path by removing excess slashes", [STRING],
        ),
        Function(
            "truncate", [S, N], _truncate,
            'length argument must be enclosed in backticks; ex. "{{request.object.metadata.name | truncate(@, `9`)}}"',
            [STRING],
        ),
        Function(
            "semver_compare", [S, S], _semver_compare,
            "compares two strings which comply with the semantic versioning schema and outputs a boolean "
            "response as to the position of the second relative to the first",
            [BOOL],
        ),
        Function(
            "parse_json", [S], _parse_json,
            "decodes a valid JSON encoded string to the appropriate type. Opposite of `to_string` function", [ANY],
        ),
        Function(
            "parse_yaml", [S], _parse_yaml,
            "decodes a valid YAML encoded string to the appropriate type provided it can be represented as JSON",
            [ANY],
        ),
        Function(
            "lookup", [Arg(OBJECT, ARRAY), SN], _lookup,
            "returns the value corresponding to the given key/index in the given object/array", [ANY],
        ),
        Function(
            "items", [Arg(OBJECT, ARRAY), S, S], _items,
            "converts a map or array to an array of objects where each key:value is an item in the array", [ARRAY],
        ),
        Function(
            "object_from_lists", [A, A], _object_from_lists,
            "converts a pair of lists containing keys and values to an object", [OBJECT],
        ),
        Function("random", [S], _random, "Generates a random sequence of characters", [STRING]),
        Function(
            "x509_decode", [S], _x509_decode,
            "decodes an x.509 certificate to an object. you may also use this in conjunction with "
            "`base64_decode` jmespath function to decode a base64-encoded certificate",
            [OBJECT],
        ),
        Function("time_to_cron", [S], _time_to_cron, "converts a time (RFC 3339) to a cron expression (string).", [STRING]),
        Function(
            "time_add", [S, S], _time_add, "adds duration (second string) to a time value (first string)", [STRING]
        ),
        Function("time_parse", [S, S], _time_parse, "changes a time value of a given layout to RFC 3339", [STRING]),
        Function(
            "time_utc", [S], _time_utc, "calcutes time in UTC from a given time in RFC 3339 format", [STRING]
        ),
        Function(
            "time_diff", [S, S], _time_diff,
            "calculate the difference between a start and end date in RFC3339 format", [STRING],
        ),
        Function(
            "time_before", [S, S], _time_before,
            "checks if a time is before another time, both in RFC3339 format", [BOOL],
        ),
        Function(
            "time_after", [S, S], _time_after,
            "checks if a time is after another time, both in RFC3339 format", [BOOL],
        ),
        Function(
            "time_between", [S, S, S], _time_between,
            "checks if a time is between a start and end time, all in RFC3339 format", [BOOL],
        ),
        Function(
            "time_truncate", [S, S], _time_truncate,
            "returns the result of rounding time down to a multiple of duration", [STRING],
        ),
    ]
