"""JMESPath Community Edition built-in functions.

Semantics follow the Go implementation used by the reference (numbers are
float64 there, string offsets in ``find_first``/``find_last`` and padding
widths count UTF-8 bytes, ...).  ``items``, ``replace``, ``split``, ``sum``
and ``trim`` are listed too, although the Kyverno library replaces them in
the final table.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .errors import JPRuntimeError
from .registry import (
    ANY,
    ARRAY,
    ARRAY_ARRAY,
    ARRAY_NUMBER,
    ARRAY_STRING,
    BOOL,
    EXPREF,
    NUMBER,
    OBJECT,
    STRING,
    Arg,
    Function,
)
from .values import (
    INT_TYPES,
    deep_equal,
    go_is_space,
    go_json_dumps,
    go_to_lower,
    go_to_upper,
    is_number,
    type_name,
)


def not_an_integer(name: str, arg: str) -> JPRuntimeError:
    return JPRuntimeError(
        f"invalid value, the function '{name}' expects its '{arg}' argument to be an integer."
    )


def not_a_positive_integer(name: str, arg: str) -> JPRuntimeError:
    return JPRuntimeError(
        f"invalid value, the function '{name}' expects its '{arg}' argument to be a "
        "an integer value greater than or equal to zero."
    )


def to_integer(value: Any) -> int | None:
    """Go ``util.ToInteger``: an integral number, else None."""
    if type(value) in INT_TYPES:
        return int(value)
    if type(value) is float:
        if math.isnan(value) or math.isinf(value) or math.floor(value) != value:
            return None
        return int(value)
    return None


def to_positive_integer(value: Any) -> int | None:
    n = to_integer(value)
    if n is None or n < 0:
        return None
    return n


# --------------------------------------------------------------------------


def _abs(args):
    return abs(args[0])


def _avg(args):
    items = args[0]
    if not items:
        return None
    return sum(float(x) for x in items) / len(items)


def _ceil(args):
    x = args[0]
    if type(x) in INT_TYPES or math.isinf(x) or math.isnan(x):
        return float(x)
    return float(math.ceil(x))


def _floor(args):
    x = args[0]
    if type(x) in INT_TYPES or math.isinf(x) or math.isnan(x):
        return float(x)
    return float(math.floor(x))


def _contains(args):
    search, element = args
    if isinstance(search, str):
        if isinstance(element, str):
            return element in search
        return False
    for item in search:
        if deep_equal(item, element):
            return True
    return False


def _ends_with(args):
    return args[0].endswith(args[1])


def _starts_with(args):
    return args[0].startswith(args[1])


def _find(name: str, args: list, last: bool):
    subject, sub = args[0], args[1]
    if not subject or not sub:
        return None
    data = subject.encode("utf-8", "surrogatepass")
    needle = sub.encode("utf-8", "surrogatepass")
    start = 0
    if len(args) > 2:
        n = to_integer(args[2])
        if n is None:
            raise not_an_integer(name, "start")
        start = max(0, n)
    end = len(data)
    if len(args) > 3:
        n = to_integer(args[3])
        if n is None:
            raise not_an_integer(name, "end")
        end = min(n, len(data))
    if start > end or end < 0 or start > len(data):
        raise JPRuntimeError(
            f"runtime error: slice bounds out of range [{start}:{end}] in function '{name}'"
        )
    segment = data[start:end]
    offset = segment.rfind(needle) if last else segment.find(needle)
    if offset == -1:
        return None
    return start + offset


def _find_first(args):
    return _find("find_first", args, False)


def _find_last(args):
    return _find("find_last", args, True)


def _from_items(args):
    result = {}
    for item in args[0]:
        if len(item) != 2 or not isinstance(item[0], str):
            raise JPRuntimeError(
                "invalid value, each array must contain two elements, a pair of string and value"
            )
        result[item[0]] = item[1]
    return result


def _group_by(args):
    items, exp = args
    if not items:
        return None
    groups: dict = {}
    for element in items:
        key = exp(element)
        if not isinstance(key, str):
            raise JPRuntimeError("invalid type, the expression must evaluate to a string")
        groups.setdefault(key, []).append(element)
    return groups


def _items(args):
    return [[k, v] for k, v in args[0].items()]


def _join(args):
    return args[0].join(args[1])


def _keys(args):
    return list(args[0].keys())


def _values(args):
    return list(args[0].values())


def _length(args):
    return len(args[0])


def _lower(args):
    return go_to_lower(args[0])


def _upper(args):
    return go_to_upper(args[0])


def _map(args):
    exp, items = args
    return [exp(item) for item in items]


def _max(args):
    items = args[0]
    if not items:
        return None
    best = items[0]
    for item in items[1:]:
        if item > best:
            best = item
    return best


def _min(args):
    items = args[0]
    if not items:
        return None
    best = items[0]
    for item in items[1:]:
        if item < best:
            best = item
    return best


def _by(args, better):
    items, exp = args
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    start = exp(items[0])
    if is_number(start):
        kind, check = "number", is_number
    elif isinstance(start, str):
        kind, check = "string", lambda v: isinstance(v, str)
    else:
        raise JPRuntimeError("invalid type, must be number of string")
    best_value, best_item = start, items[0]
    for item in items[1:]:
        current = exp(item)
        if not check(current):
            raise JPRuntimeError(f"invalid type, must be {kind}")
        if better(current, best_value):
            best_value, best_item = current, item
    return best_item


def _max_by(args):
    return _by(args, lambda a, b: a > b)


def _min_by(args):
    return _by(args, lambda a, b: a < b)


def _merge(args):
    result: dict = {}
    for obj in args:
        result.update(obj)
    return result


def _not_null(args):
    for value in args:
        if value is not None:
            return value
    return None


_MAX_PADDING = 1 << 26


def _pad(name: str, args: list, left: bool):
    s = args[0]
    width = to_positive_integer(args[1])
    if width is None:
        raise not_a_positive_integer(name, "width")
    chars = " "
    if len(args) > 2:
        chars = args[2]
        if len(chars.encode("utf-8", "surrogatepass")) > 1:
            raise JPRuntimeError(
                f"invalid value, the function '{name}' expects its 'pad' argument "
                "to be a string of length 1"
            )
    length = max(0, width - len(s.encode("utf-8", "surrogatepass")))
    if length * len(chars) > _MAX_PADDING:
        raise JPRuntimeError(f"invalid value, the function '{name}' cannot pad to a width of {width}")
    padding = chars * length if chars and length else ""
    return padding + s if left else s + padding


def _pad_left(args):
    return _pad("pad_left", args, True)


def _pad_right(args):
    return _pad("pad_right", args, False)


def _replace(args):
    subject, old, new = args[0], args[1], args[2]
    count = -1
    if len(args) > 3:
        n = to_positive_integer(args[3])
        if n is None:
            raise not_a_positive_integer("replace", "count")
        count = n
    return subject.replace(old, new, count)


def _reverse(args):
    value = args[0]
    return value[::-1]


def _sort(args):
    return sorted(args[0])


def _sort_by(args):
    items, exp = args
    if len(items) <= 1:
        return list(items)
    keys = [exp(item) for item in items]
    first = keys[0]
    if is_number(first):
        check = is_number
    elif isinstance(first, str):
        def check(v):
            return isinstance(v, str)
    else:
        raise JPRuntimeError("invalid type, must be number of string")
    for key in keys:
        if not check(key):
            raise JPRuntimeError("error in sort_by comparison")
    order = sorted(range(len(items)), key=keys.__getitem__)
    return [items[i] for i in order]


def go_split_n(s: str, sep: str, n: int) -> list:
    """Go ``strings.SplitN`` (n < 0: no limit)."""
    if n == 0:
        return []
    if sep == "":
        chars = list(s)
        if n < 0 or n >= len(chars):
            return chars
        return chars[: n - 1] + ["".join(chars[n - 1:])]
    if n < 0:
        return s.split(sep)
    return s.split(sep, n - 1)


def _split(args):
    s = args[0]
    if not s:
        return []
    sep = args[1]
    if len(args) > 2:
        n = to_positive_integer(args[2])
        if n is None:
            raise not_a_positive_integer("split", "count")
        if n == 0:
            return [s]
        return go_split_n(s, sep, n + 1)
    return go_split_n(s, sep, -1)


def _sum(args):
    total = 0.0
    for item in args[0]:
        total += float(item)
    return total


def _to_array(args):
    value = args[0]
    if isinstance(value, list):
        return value
    return [value]


_DEC_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_HEX_FLOAT = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+\Z")
_SPECIAL_FLOAT = {
    "inf": math.inf,
    "+inf": math.inf,
    "-inf": -math.inf,
    "infinity": math.inf,
    "+infinity": math.inf,
    "-infinity": -math.inf,
    "nan": math.nan,
}


def go_parse_float(s: str) -> float | None:
    """Go ``strconv.ParseFloat(s, 64)``; None when it reports an error."""
    special = _SPECIAL_FLOAT.get(s.lower())
    if special is not None:
        return special
    try:
        if _DEC_FLOAT.match(s):
            value = float(s)
        elif _HEX_FLOAT.match(s):
            value = float.fromhex(s)
        else:
            return None
    except (ValueError, OverflowError):
        return None
    if math.isinf(value):
        return None  # out of range
    return value


def _to_number(args):
    value = args[0]
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        return go_parse_float(value)
    return None


def _to_string(args):
    value = args[0]
    if isinstance(value, str):
        return value
    return go_json_dumps(value)


def go_trim_left(s: str, cutset: str) -> str:
    if cutset == "":
        return s
    return s.lstrip(cutset)


def go_trim_right(s: str, cutset: str) -> str:
    if cutset == "":
        return s
    return s.rstrip(cutset)


def go_trim(s: str, cutset: str) -> str:
    if cutset == "":
        return s
    return s.strip(cutset)


def _trim_space(s: str, left: bool, right: bool) -> str:
    start, end = 0, len(s)
    if left:
        while start < end and go_is_space(s[start]):
            start += 1
    if right:
        while end > start and go_is_space(s[end - 1]):
            end -= 1
    return s[start:end]


def _trim_impl(args, left: bool, right: bool):
    s = args[0]
    cutset = args[1] if len(args) > 1 else ""
    if not cutset:
        return _trim_space(s, left, right)
    if left and right:
        return go_trim(s, cutset)
    if left:
        return go_trim_left(s, cutset)
    return go_trim_right(s, cutset)


def _trim(args):
    return _trim_impl(args, True, True)


def _trim_left(args):
    return _trim_impl(args, True, False)


def _trim_right(args):
    return _trim_impl(args, False, True)


def _type(args):
    return type_name(args[0])


def _zip(args):
    count = min(len(a) for a in args)
    return [[a[i] for a in args] for i in range(count)]


def functions() -> list[Function]:
    S, N, A, OBJ = Arg(STRING), Arg(NUMBER), Arg(ARRAY), Arg(OBJECT)
    E = Arg(EXPREF)
    return [
        Function("abs", [N], _abs, "Returns the absolute value of a number.", [NUMBER]),
        Function("avg", [Arg(ARRAY_NUMBER)], _avg, "Returns the average of an array of numbers.", [NUMBER]),
        Function("ceil", [N], _ceil, "Returns the next highest integer value.", [NUMBER]),
        Function(
            "contains",
            [Arg(ARRAY, STRING), Arg(ANY)],
            _contains,
            "Tells whether an array contains a value, or a string a substring.",
            [BOOL],
        ),
        Function("ends_with", [S, S], _ends_with, "Tells whether a string ends with a suffix.", [BOOL]),
        Function(
            "find_first",
            [S, S, Arg(NUMBER, optional=True), Arg(NUMBER, optional=True)],
            _find_first,
            "Returns the offset of the first occurrence of a substring.",
            [NUMBER],
        ),
        Function(
            "find_last",
            [S, S, Arg(NUMBER, optional=True), Arg(NUMBER, optional=True)],
            _find_last,
            "Returns the offset of the last occurrence of a substring.",
            [NUMBER],
        ),
        Function("floor", [N], _floor, "Returns the next lowest integer value.", [NUMBER]),
        Function(
            "from_items",
            [Arg(ARRAY_ARRAY)],
            _from_items,
            "Builds an object from an array of [key, value] pairs.",
            [OBJECT],
        ),
        Function(
            "group_by",
            [A, E],
            _group_by,
            "Groups the elements of an array by the string an expression yields.",
            [OBJECT],
        ),
        Function("items", [OBJ], _items, "Returns the [key, value] pairs of an object.", [ARRAY]),
        Function(
            "join", [S, Arg(ARRAY_STRING)], _join, "Joins an array of strings with a separator.", [STRING]
        ),
        Function("keys", [OBJ], _keys, "Returns the keys of an object.", [ARRAY]),
        Function(
            "length",
            [Arg(STRING, ARRAY, OBJECT)],
            _length,
            "Returns the length of a string, array or object.",
            [NUMBER],
        ),
        Function("lower", [S], _lower, "Returns a string in lower case.", [STRING]),
        Function("map", [E, A], _map, "Applies an expression to every element of an array.", [ARRAY]),
        Function(
            "max",
            [Arg(ARRAY_NUMBER, ARRAY_STRING)],
            _max,
            "Returns the highest number or string of an array.",
            [NUMBER, STRING],
        ),
        Function("max_by", [A, E], _max_by, "Returns the element with the highest key.", [ANY]),
        Function("merge", [Arg(OBJECT, variadic=True)], _merge, "Merges objects, later keys win.", [OBJECT]),
        Function(
            "min",
            [Arg(ARRAY_NUMBER, ARRAY_STRING)],
            _min,
            "Returns the lowest number or string of an array.",
            [NUMBER, STRING],
        ),
        Function("min_by", [A, E], _min_by, "Returns the element with the lowest key.", [ANY]),
        Function("not_null", [Arg(ANY, variadic=True)], _not_null, "Returns the first non-null argument.", [ANY]),
        Function(
            "pad_left",
            [S, N, Arg(STRING, optional=True)],
            _pad_left,
            "Pads a string on the left to a width.",
            [STRING],
        ),
        Function(
            "pad_right",
            [S, N, Arg(STRING, optional=True)],
            _pad_right,
            "Pads a string on the right to a width.",
            [STRING],
        ),
        Function(
            "replace",
            [S, S, S, Arg(NUMBER, optional=True)],
            _replace,
            "Replaces occurrences of a substring.",
            [STRING],
        ),
        Function("reverse", [Arg(ARRAY, STRING)], _reverse, "Reverses an array or a string.", [ARRAY, STRING]),
        Function(
            "sort",
            [Arg(ARRAY_STRING, ARRAY_NUMBER)],
            _sort,
            "Sorts an array of numbers or strings.",
            [ARRAY],
        ),
        Function("sort_by", [A, E], _sort_by, "Sorts an array by the key an expression yields.", [ARRAY]),
        Function(
            "split",
            [S, S, Arg(NUMBER, optional=True)],
            _split,
            "Splits a string on a separator.",
            [ARRAY_STRING],
        ),
        Function("starts_with", [S, S], _starts_with, "Tells whether a string starts with a prefix.", [BOOL]),
        Function("sum", [Arg(ARRAY_NUMBER)], _sum, "Returns the sum of an array of numbers.", [NUMBER]),
        Function("to_array", [Arg(ANY)], _to_array, "Wraps a non-array value in an array.", [ARRAY]),
        Function("to_number", [Arg(ANY)], _to_number, "Converts a value to a number, or null.", [NUMBER]),
        Function("to_string", [Arg(ANY)], _to_string, "Converts a value to its JSON text.", [STRING]),
        Function(
            "trim", [S, Arg(STRING, optional=True)], _trim, "Trims characters from both ends.", [STRING]
        ),
        Function(
            "trim_left", [S, Arg(STRING, optional=True)], _trim_left, "Trims characters from the start.", [STRING]
        ),
        Function(
            "trim_right", [S, Arg(STRING, optional=True)], _trim_right, "Trims characters from the end.", [STRING]
        ),
        Function("type", [Arg(ANY)], _type, "Returns the type name of a value.", [STRING]),
        Function("upper", [S], _upper, "Returns a string in upper case.", [STRING]),
        Function("values", [OBJ], _values, "Returns the values of an object.", [ARRAY]),
        Function(
            "zip",
            [A, Arg(ARRAY, variadic=True)],
            _zip,
            "Combines arrays element by element.",
            [ARRAY],
        ),
    ]
