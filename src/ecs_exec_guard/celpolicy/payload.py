"""Payloads as Kyverno hands them to CEL.

Kyverno decodes a JSON payload with Go's ``encoding/json`` into ``any``:
every number is a ``float64``, so in CEL ``object.n`` is a ``double``
(``object.n == 1`` holds, ``object.n + 1`` is an error). A YAML payload
keeps its integers. The views here present a JSON document that way
without copying it: values are converted when an expression reaches
them, so a policy that looks at one part of a large plan pays only for
that part.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..engine.documents import decode_text, extension, parse_json, parse_yaml_documents, read_bytes
from ..engine.errors import LoadError


def _convert(value):
    t = type(value)
    if t is dict:
        return JsonObject(value)
    if t is list:
        return [_convert(x) for x in value]
    if t is int:
        return float(value)
    if t is str or t is float or t is bool or value is None:
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, Mapping):
        return JsonObject(value)
    if isinstance(value, (list, tuple)):
        return [_convert(x) for x in value]
    return value


class _View(Mapping):
    """A read-only view of a decoded object whose values are converted for
    CEL when an expression reaches them (each container once, then cached)."""

    __slots__ = ("_data", "_cache")

    def __init__(self, data):
        self._data = data
        self._cache = None

    def _converted(self, key, value, convert):
        cache = self._cache
        if cache is None:
            cache = self._cache = {}
        elif key in cache:
            return cache[key]
        out = cache[key] = convert(value)
        return out

    def __contains__(self, key) -> bool:
        return key in self._data

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"


class JsonObject(_View):
    """A decoded JSON object whose numbers read as doubles."""

    __slots__ = ()

    def __getitem__(self, key):
        value = self._data[key]
        t = type(value)
        if t is str or t is bool or t is float or value is None:
            return value
        if t is int:
            return float(value)
        return self._converted(key, value, _convert)


def json_numbers_as_double(value):
    """``value`` (decoded JSON) seen with every number as a double."""
    return _convert(value)


def _go_number(value):
    """A loader's Go-typed integer as CEL sees it: uint64 is ``uint``, the rest ``int``."""
    from ..cel import UInt
    from ..jp.values import GoUint64

    if isinstance(value, GoUint64):
        return UInt(value)
    return int(value)


def _go_convert(value):
    t = type(value)
    if t is dict:
        return GoObject(value)
    if t is list:
        return [_go_convert(x) for x in value]
    if t is str or t is float or t is bool or t is int or value is None:
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return _go_number(value)
    if isinstance(value, Mapping):
        return GoObject(value)
    if isinstance(value, (list, tuple)):
        return [_go_convert(x) for x in value]
    return value


class GoObject(_View):
    """A decoded YAML (or computed) object whose integers read as CEL ``int``/``uint``.

    The loaders mark Go's integer kinds with int subclasses; CEL knows
    ``int`` and ``uint`` only. Converted on access, like :class:`JsonObject`.
    """

    __slots__ = ()

    def __getitem__(self, key):
        value = self._data[key]
        t = type(value)
        if t is str or t is bool or t is float or t is int or value is None:
            return value
        return self._converted(key, value, _go_convert)


def go_numbers(value):
    """``value`` with the loaders' Go integer kinds seen as CEL ``int`` / ``uint``."""
    return _go_convert(value)


def plain(value):
    """A view turned back into plain dicts and lists (for reports)."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(x) for x in value]
    return value


class _SimdObject(Mapping):
    """A simdjson object read on demand; numbers as doubles."""

    __slots__ = ("_obj", "_cache", "_keep")

    def __init__(self, obj, keep=None):
        self._obj = obj
        self._cache = None
        self._keep = keep  # the parser holding the document, for the root

    def __getitem__(self, key):
        if not isinstance(key, str):
            raise KeyError(key)
        cache = self._cache
        if cache is not None and key in cache:
            return cache[key]
        value = self._obj[key]
        t = type(value)
        if t is str or t is bool or t is float or value is None:
            return value
        if t is int:
            return float(value)
        out = _simd_convert(value)
        if cache is None:
            cache = self._cache = {}
        cache[key] = out
        return out

    def __contains__(self, key) -> bool:
        return isinstance(key, str) and key in self._obj

    def __iter__(self):
        return iter(self._obj.keys())

    def __len__(self) -> int:
        return len(self._obj)


_SIMD_TYPES: tuple = ()


def _simd_convert(value):
    obj_t, arr_t = _SIMD_TYPES
    if isinstance(value, obj_t):
        return _SimdObject(value)
    if isinstance(value, arr_t):
        return [_simd_convert(x) for x in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    return value


def _load_json_lazily(path: str):
    """The JSON object at ``path`` through simdjson, or None when it cannot do it."""
    global _SIMD_TYPES
    try:
        import simdjson
    except ImportError:  # pragma: no cover - optional speed-up
        return None
    import os

    from ..engine.fileaccess import open_checked

    # simdjson opens the file by name: give it the checked descriptor's name
    fd, _size = open_checked(path, "payload")
    parser = simdjson.Parser()
    try:
        by_fd = f"/proc/self/fd/{fd}"
        if not os.path.exists(by_fd):
            return None
        doc = parser.load(by_fd)
    except (OSError, ValueError, RuntimeError, UnicodeDecodeError):
        return None  # the plain loader gives the precise message
    finally:
        os.close(fd)
    if not isinstance(doc, simdjson.Object):
        return None
    _SIMD_TYPES = (simdjson.Object, simdjson.Array)
    # the document lives in the parser: the root view keeps it alive
    return _SimdObject(doc, keep=parser)


def load_cel_payload(path: str, lazy: bool = True):
    """A payload file as Kyverno's ``--json`` reads it: one object.

    JSON numbers become doubles, YAML integers stay integers. A YAML
    stream must hold a single document.
    """
    ext = extension(path)
    if ext == ".json":
        if lazy:
            view = _load_json_lazily(path)
            if view is not None:
                return view
        value = parse_json(read_bytes(path, "payload"), path)
        _want_object(value, path)
        return json_numbers_as_double(value)
    if ext in (".yaml", ".yml"):
        text = decode_text(read_bytes(path, "payload"), path)
        docs = [d for d in parse_yaml_documents(text, path, core=True) if d is not None]
        if len(docs) != 1:
            raise LoadError(path, f"a payload must be one object, got {len(docs)} YAML documents")
        _want_object(docs[0], path)
        return go_numbers(docs[0])
    raise LoadError(path, f"unsupported payload file type ({ext or 'no extension'}); expected .json, .yaml or .yml")


def _want_object(value, path: str) -> None:
    if not isinstance(value, dict):
        from ..jp.values import type_name

        raise LoadError(path, f"a payload must be a JSON object, got {type_name(value)}")
