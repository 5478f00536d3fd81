"""Read JSON and YAML documents safely.

Every problem becomes a :class:`LoadError` naming the file and saying
what is wrong. YAML is read with PyYAML's safe loader, with timestamps
left as strings (as kyverno-json's YAML-to-JSON conversion does), map
keys turned into strings, alias expansion bounded and nesting bounded.
"""

from __future__ import annotations

import os

from .errors import LoadError

MAX_DEPTH = 1000
# kyverno-json's YAML library refuses documents whose aliases expand past
# a few hundred thousand nodes; we bound the expanded size the same way.
MAX_EXPANDED_NODES = 4_000_000


def read_bytes(path: str, what: str, *, walked: bool = False) -> bytes:
    """A regular input file's bytes (see :mod:`.fileaccess` for the checks)."""
    from .fileaccess import read_bytes as read_checked

    return read_checked(path, what, walked=walked)


def decode_text(data: bytes, path: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError(path, f"invalid UTF-8 at byte {exc.start} (line {line})") from None


def parse_json(data: bytes, path: str):
    import orjson

    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return orjson.loads(data)
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


_CORE_RESOLVERS = (
    # YAML 1.2 core schema, as gopkg.in/yaml.v3 reads plain scalars
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
)


def _yaml_loader(core: bool = False):
    """PyYAML's safe loader, YAML 1.1 (policies) or the 1.2 core schema (payloads).

    kyverno-json reads policies through a YAML 1.1 library (``on``/``yes``
    are booleans there) and payloads through a YAML 1.2 one (they are
    strings); timestamps stay strings in both.
    """
    import re

    import yaml

    class Loader(yaml.SafeLoader):
        pass

    if core:
        Loader.yaml_implicit_resolvers = {}
        for tag, rx, first in _CORE_RESOLVERS:
            Loader.add_implicit_resolver(tag, re.compile(rx), first)

        def construct_int(loader, node):
            text = loader.construct_scalar(node)
            if text.startswith("0o"):
                return int(text[2:], 8)
            if text.startswith("0x"):
                return int(text[2:], 16)
            return int(text, 10)

        Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    else:
        Loader.yaml_implicit_resolvers = {
            k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
            for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }

    def construct_mapping(loader, node, deep=False):
        loader.flatten_mapping(node)
        out = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=deep)
            out[_key_text(key)] = loader.construct_object(value_node, deep=deep)
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
    docs = parse_yaml_documents(text, path, core=(what == "payload"))
    docs = [d for d in docs if d is not None] if len(docs) > 1 else docs
    if not docs:
        return None
    if len(docs) == 1:
        return docs[0]
    return docs
