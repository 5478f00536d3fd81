"""Read JSON and YAML documents safely.

Every problem becomes a :class:`LoadError` naming the file and saying
what is wrong. YAML is read with PyYAML's safe loader, its plain scalars
resolved as kyverno-json's Go libraries resolve them (see
:func:`go_yaml_resolve`), timestamps left as strings, map keys turned into
strings, alias expansion bounded and nesting bounded. Numbers keep the Go
type kyverno-json gives them (see :mod:`ecs_exec_guard.jp.values`).
"""

from __future__ import annotations

import os

from ..jp.builtins import go_parse_float
from ..jp.errors import JPRuntimeError
from ..jp.values import (
    INT64_MAX,
    INT64_MIN,
    UINT64_MAX,
    GoInt,
    GoUint64,
    as_int64,
    go_json_number,
)
from .errors import LoadError

MAX_DEPTH = 1000
# kyverno-json's YAML library refuses documents whose aliases expand past
# a few hundred thousand nodes; we bound the expanded size the same way.
MAX_EXPANDED_NODES = 4_000_000


def read_bytes(path: str, what: str, *, walked: bool = False) -> bytes:
    """A regular input file's bytes (see :mod:`.fileaccess` for the checks)."""
    from .fileaccess import read_bytes as read_checked

    return read_checked(path, what, walked=walked)


_BOMS = (
    # UTF-32 before UTF-16: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def to_utf8(data: bytes, path: str) -> bytes:
    """The bytes of a JSON or YAML file as UTF-8 without a byte order mark.

    UTF-8 is read with or without its mark; UTF-16 and UTF-32 (what Windows
    PowerShell's ``>`` writes) only with one, as JSON requires no guessing.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec).encode("utf-8", "surrogatepass")
            except UnicodeDecodeError as exc:
                raise LoadError(path, f"invalid {name} at byte {exc.start + len(bom)} (the file starts with a {name} byte order mark)") from None
    starts = b"{[ \t\r\n\"-0123456789"
    if len(data) >= 2 and ((data[0] in starts and data[1] == 0) or (data[0] == 0 and data[1] in starts)):
        raise LoadError(
            path,
            "invalid encoding: the file looks like UTF-16 or UTF-32 without a byte order mark; write it as UTF-8 "
            "(PowerShell: `terraform show -json tfplan | Out-File -Encoding utf8 plan.json`)",
        )
    return data


def decode_text(data: bytes, path: str) -> str:
    data = to_utf8(data, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError(path, f"invalid UTF-8 at byte {exc.start} (line {line})") from None


def parse_json(data: bytes, path: str):
    import orjson

    data = to_utf8(data, path)
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        msg = str(exc)
        if "recursion" in msg.lower() or "depth" in msg.lower():
            raise LoadError(path, "invalid JSON: nesting is too deep") from None
        if "utf-8" in msg.lower() or "utf8" in msg.lower() or "surrogate" in msg.lower():
            # distinguish encoding problems from syntax problems
            decode_text(data, path)
        lineno = getattr(exc, "lineno", None)
        colno = getattr(exc, "colno", None)
        reason = msg.split(":", 1)[0] if ":" in msg else msg
        if not data.strip():
            raise LoadError(path, "invalid JSON: the file is empty") from None
        where = f" at line {lineno} column {colno}" if lineno else ""
        raise LoadError(path, f"invalid JSON{where}: {reason}") from None
    # an integer outside int64 (orjson keeps those up to 2**64 as ints) is
    # a float64 for Go's decoder: jp.values treats it as one wherever the
    # type shows, which costs nothing here
    return value


# ---------------------------------------------------------------------------
# Plain YAML scalars, resolved as Go's YAML libraries resolve them.
#
# Policies are read by sigs.k8s.io/yaml (goyaml.v2, then a JSON round trip);
# payloads and bindings by gopkg.in/yaml.v3. Both resolve a plain scalar by
# its first character: a few words are looked up in a table, then a scalar
# starting with a digit or a sign is tried as Go's ``ParseInt`` (base 0,
# ``_`` removed), ``ParseUint`` and, when it looks like a float,
# ``ParseFloat``; anything else is a string.
# ---------------------------------------------------------------------------

_NAN = float("nan")
_INF = float("inf")
_COMMON_WORDS = {
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    ".nan": _NAN, ".NaN": _NAN, ".NAN": _NAN,
    ".inf": _INF, ".Inf": _INF, ".INF": _INF,
    "+.inf": _INF, "+.Inf": _INF, "+.INF": _INF,
    "-.inf": -_INF, "-.Inf": -_INF, "-.INF": -_INF,
}
#: goyaml.v2 also reads YAML 1.1's y/yes/on and n/no/off as booleans
_V2_WORDS = dict(_COMMON_WORDS)
for _w in ("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"):
    _V2_WORDS[_w] = True
for _w in ("n", "N", "no", "No", "NO", "off", "Off", "OFF"):
    _V2_WORDS[_w] = False
_V3_WORDS = _COMMON_WORDS

_DIGITS = {2: frozenset("01"), 8: frozenset("01234567"), 10: frozenset("0123456789"),
           16: frozenset("0123456789abcdefABCDEF")}
_YAML_STYLE_FLOAT = None  # compiled on first use


def _go_parse_uint0(s: str):
    """Go ``strconv.ParseUint(s, 0, 64)`` (no sign, no ``_``); None on error."""
    if not s:
        return None
    base = 10
    if s[0] == "0":
        low = s[1:2].lower()
        if len(s) >= 3 and low in ("b", "o", "x"):
            base = {"b": 2, "o": 8, "x": 16}[low]
            s = s[2:]
        else:
            base = 8
            s = s[1:]
    if not set(s) <= _DIGITS[base]:
        return None
    value = int(s, base) if s else 0
    return value if value <= UINT64_MAX else None


def _go_parse_int0(s: str):
    """Go ``strconv.ParseInt(s, 0, 64)`` (no ``_``); None on error."""
    neg = s[:1] == "-"
    body = s[1:] if s[:1] in ("+", "-") else s
    value = _go_parse_uint0(body)
    if value is None:
        return None
    if neg:
        value = -value
    return value if INT64_MIN <= value <= INT64_MAX else None


def go_yaml_resolve(text: str, v2: bool):
    """The value Go's YAML library gives a plain scalar.

    Integers come back as :class:`GoInt` (Go's ``int``) or
    :class:`GoUint64`, reals as ``float``; timestamps stay strings, as both
    libraries leave them when decoding into ``interface{}``.
    """
    global _YAML_STYLE_FLOAT
    words = _V2_WORDS if v2 else _V3_WORDS
    if text in words:
        return words[text]
    first = text[0]
    if first == ".":
        value = go_parse_float(text)
        return text if value is None else value
    if first in "+-0123456789":
        plain = text.replace("_", "")
        value = _go_parse_int0(plain)
        if value is not None:
            return GoInt(value)
        if plain[:1] != "+" and plain[:1] != "-":
            value = _go_parse_uint0(plain)
            if value is not None:
                return GoUint64(value)
        if _YAML_STYLE_FLOAT is None:
            import re

            _YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
        if _YAML_STYLE_FLOAT.match(plain):
            value = go_parse_float(plain)
            if value is not None:
                return value
    return text


def policy_number(value):
    """A policy number after its YAML-to-JSON round trip.

    sigs.k8s.io/yaml writes the value as JSON (Go's ``encoding/json``) and
    the policy decoder reads back as int64 every number written without a
    ``.`` or an exponent that fits: ``1e6`` becomes 1000000, ``-0.0``
    becomes 0, a uint64 or ``1e20`` stays a float64. NaN and infinities
    cannot be written as JSON.
    """
    if type(value) is float:
        text = go_json_number(value)  # raises on NaN and infinities
        if "." in text or "e" in text:
            return value
        return as_int64(int(text))
    return as_int64(int(value))


def _policy_key(key) -> str:
    """How sigs.k8s.io/yaml turns a goyaml.v2 map key into a JSON key."""
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if type(key) is float:
        from ..jp.values import go_format_float32_g

        return {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(*(go_format_float32_g(key),) * 2)
    if type(key) is GoInt:
        return str(int(key))
    kind = "<nil>" if key is None else ("uint64" if type(key) is GoUint64 else type(key).__name__)
    raise ValueError(f"unsupported map key of type: {kind}, key: {key!r}")


def _yaml_loader(core: bool = False):
    """PyYAML's safe loader with Go's scalar resolution.

    ``core``: yaml.v3 (payloads, bindings); otherwise goyaml.v2 followed by
    the JSON round trip of sigs.k8s.io/yaml (policies).
    """
    import re

    import yaml

    class Loader(yaml.SafeLoader):
        def scan_to_next_token(self):
            # Go's parser (libyaml's rules) also skips tabs between tokens
            # where no simple key can start: inside flow collections and
            # after a scalar on the same line (``name: x<TAB>``).
            if self.index == 0 and self.peek() == "\ufeff":
                self.forward()
            while True:
                while self.peek() == " " or (
                    self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)
                ):
                    self.forward()
                if self.peek() == "#":
                    while self.peek() not in "\0\r\n\x85\u2028\u2029":
                        self.forward()
                if not self.scan_line_break():
                    return
                if not self.flow_level:
                    self.allow_simple_key = True

    plain_tag = "tag:ecs-exec-guard,2024:plain"
    Loader.yaml_implicit_resolvers = {}
    Loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
    Loader.add_implicit_resolver(plain_tag, re.compile(r"(?s).*"), None)

    if core:
        def construct_plain(loader, node):
            return go_yaml_resolve(node.value, v2=False)
    else:
        def construct_plain(loader, node):
            value = go_yaml_resolve(node.value, v2=True)
            if type(value) is GoInt or type(value) is GoUint64 or type(value) is float:
                try:
                    return policy_number(value)
                except JPRuntimeError as exc:
                    raise ValueError(f"error converting YAML to JSON: {exc}") from None
            return value

    Loader.add_constructor(plain_tag, construct_plain)

    def construct_mapping(loader, node, deep=False):
        loader.flatten_mapping(node)
        out = {}
        for key_node, value_node in node.value:
            if core and key_node.tag == plain_tag:
                # yaml.v3 decodes a key into a Go string as written
                resolved = go_yaml_resolve(key_node.value, v2=False)
                key = "null" if resolved is None else key_node.value
            elif not core and key_node.tag == plain_tag:
                key = _policy_key(go_yaml_resolve(key_node.value, v2=True))
            else:
                key = _key_text(loader.construct_object(key_node, deep=deep))
            out[key] = loader.construct_object(value_node, deep=deep)
        return out

    def construct_binary(loader, node):
        # JSON has no bytes: kyverno-json sees the base64 text
        return loader.construct_scalar(node).replace("\n", "")

    Loader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:binary", construct_binary)
    return Loader


def _key_text(key) -> str:
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if key is True:
        return "true"
    if key is False:
        return "false"
    if isinstance(key, float):
        from .gofmt import go_float

        return go_float(key)
    if isinstance(key, (list, dict, tuple)):
        raise ValueError("a map key must be a scalar")
    return str(key)


_LOADERS: dict = {}


def parse_yaml_documents(text: str, path: str, core: bool = False) -> list:
    """All documents of a YAML stream (``---``-separated).

    ``core``: read plain scalars with the YAML 1.2 core schema (payloads).
    """
    import yaml

    if core not in _LOADERS:
        _LOADERS[core] = _yaml_loader(core)
    try:
        loader = _LOADERS[core](text)
        try:
            docs = []
            while loader.check_node():
                node = loader.get_node()
                _check_node_size(node, path)
                docs.append(loader.construct_document(node))
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        raise LoadError(path, f"invalid YAML{where}: {what}") from None
    except yaml.YAMLError as exc:
        raise LoadError(path, f"invalid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise LoadError(path, "invalid YAML: nesting is too deep") from None
    except ValueError as exc:
        raise LoadError(path, f"invalid YAML: {exc}") from None
    return docs


def _check_node_size(root, path: str) -> None:
    """Refuse alias bombs and over-deep documents before constructing them."""
    problem = node_size_problem(root)
    if problem:
        raise LoadError(path, f"invalid YAML: {problem}")


def node_size_problem(root) -> str | None:
    """Why a composed YAML node is refused (aliases expanding past
    MAX_EXPANDED_NODES nodes, nesting deeper than MAX_DEPTH), or None."""
    from yaml.nodes import MappingNode, SequenceNode

    sizes: dict[int, int] = {}
    # iterative post-order walk; aliases share node objects
    stack = [(root, 0, False)]
    distinct = 0
    while stack:
        node, depth, done = stack.pop()
        nid = id(node)
        if done:
            if isinstance(node, MappingNode):
                children = [c for pair in node.value for c in pair]
            else:
                children = node.value
            total = 1
            for c in children:
                total += sizes.get(id(c), 1)
            if total > MAX_EXPANDED_NODES:
                return f"document contains excessive aliasing (expands to more than {MAX_EXPANDED_NODES} nodes)"
            sizes[nid] = total
            continue
        if nid in sizes:
            continue
        if depth > MAX_DEPTH:
            return f"nesting is deeper than {MAX_DEPTH} levels"
        if isinstance(node, (MappingNode, SequenceNode)):
            distinct += 1
            stack.append((node, depth, True))
            if isinstance(node, MappingNode):
                children = [c for pair in node.value for c in pair]
            else:
                children = node.value
            for c in children:
                if id(c) not in sizes:
                    stack.append((c, depth + 1, False))
        else:
            sizes[nid] = 1


def extension(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def load_data_file(path: str, what: str):
    """A JSON or YAML file as data; multi-document YAML becomes a list."""
    if os.path.isdir(path):
        raise LoadError(path, f"{what} path is a directory, expected a file")
    ext = extension(path)
    if ext not in (".json", ".yaml", ".yml"):
        shown = ext or "no extension"
        raise LoadError(path, f"unsupported {what} file type ({shown}); expected .json, .yaml or .yml")
    data = read_bytes(path, what)
    if ext == ".json":
        value = parse_json(data, path)
        return value
    text = decode_text(data, path)
    # bindings are read exactly like a payload (yaml.v3), policies elsewhere
    docs = parse_yaml_documents(text, path, core=True)
    docs = [d for d in docs if d is not None] if len(docs) > 1 else docs
    if not docs:
        return None
    if len(docs) == 1:
        return docs[0]
    return docs
