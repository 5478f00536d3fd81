"""Read only the part of a JSON payload that the policies can observe.

simdjson validates the whole document (syntax, UTF-8, depth) in one fast
pass and leaves it on its tape; we then turn into Python objects only what
the policies' :class:`~.access.Need` keeps: named fields, whole subtrees,
and from filtered arrays only the elements of the wanted ``type``. On a
Terraform plan checked by the ECS policy that is a few percent of the
document, so both time and memory stay well under a full ``json.load``.

A part marked ``DEFERRED`` stays on the tape as a :class:`Deferred`: its
reader looks at a few fields, then loads it or lets it go.
"""

from __future__ import annotations

from .access import DEFERRED, FULL, Need

_NOT_HANDLED = object()


def load_pruned(path: str, need: Need):
    """The pruned payload of a JSON file, or ``_NOT_HANDLED``.

    simdjson reads the file into its own buffer (no copy of the text is
    kept on the Python side). Any read or parse problem also returns
    ``_NOT_HANDLED``: the plain loader then produces the precise message.
    """
    try:
        import simdjson
    except ImportError:  # pragma: no cover - optional speed-up
        return _NOT_HANDLED
    global _TYPES
    _TYPES = (simdjson.Object, simdjson.Array)
    parser = simdjson.Parser()
    try:
        doc = parser.load(path)
    except (OSError, ValueError, RuntimeError, UnicodeDecodeError):
        return _NOT_HANDLED
    if not isinstance(doc, simdjson.Object):
        return _NOT_HANDLED
    try:
        return _fields(doc, need, simdjson.Object, simdjson.Array)
    except _Fallback:
        return _NOT_HANDLED
    except (ValueError, RuntimeError, UnicodeDecodeError):
        return _NOT_HANDLED
    finally:
        del doc


class _Fallback(Exception):
    pass


def _full(v, Object, Array):
    if isinstance(v, Object):
        return v.as_dict()
    if isinstance(v, Array):
        return v.as_list()
    return v


def _fields(obj, need: Need, Object, Array) -> dict:
    keys = list(obj.keys())
    if len(keys) != len(set(keys)):
        raise _Fallback  # duplicate keys: let the plain parser decide which wins
    out = {}
    for name, sub in need.fields.items():
        if name not in obj:
            continue
        out[name] = _take(obj[name], sub, Object, Array)
    return out


class Deferred:
    """An object or array of the parsed document, turned into Python values
    only when asked for.

    ``get`` reads one field of an object (its value whole), ``load`` the
    whole value. ``load`` and ``release`` let go of the document part; the
    parser's memory is freed when every Deferred of a document has let go.
    """

    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def _part(self):
        if self._value is None:
            raise RuntimeError("a deferred JSON value was read after it was released")
        return self._value

    def get(self, key, default=None):
        part = self._part()
        if type(part) is not _TYPES[0]:
            return default  # an array has no fields
        value = part.get(key, _MISSING)
        if value is _MISSING:
            return default
        return _full(value, *_TYPES)

    def load(self):
        value = _full(self._part(), *_TYPES)
        self._value = None
        return value

    def release(self) -> None:
        self._value = None


_MISSING = object()
_TYPES: tuple = ()  # simdjson's Object and Array, once it is imported


def materialize(value):
    """``value``, with a :class:`Deferred` loaded."""
    return value.load() if type(value) is Deferred else value


def release(value) -> None:
    """Let go of ``value`` if it is a :class:`Deferred` (nothing otherwise)."""
    if type(value) is Deferred:
        value.release()


def _take(v, need, Object, Array):
    if need is FULL:
        return _full(v, Object, Array)
    if need is DEFERRED:
        return Deferred(v) if isinstance(v, (Object, Array)) else v
    if need.fields is not None:
        if isinstance(v, Object):
            return _fields(v, need, Object, Array)
        return _full(v, Object, Array)
    if isinstance(v, Array):
        return _array_items(v, need, Object, Array, nested=True)
    return _full(v, Object, Array)


def _array_items(v, need: Need, Object, Array, nested: bool) -> list:
    """Elements kept by ``need.types``, each pruned to ``need.items``.

    An element that is itself an array is kept (a ``[]`` projection
    flattens it), with its own items pruned the same way; a filter on
    ``type`` drops such elements, so with ``types`` they are dropped.
    """
    types = need.types
    elem = need.items
    out = []
    for element in v:
        if isinstance(element, Object):
            if types is not None:
                if "type" not in element:
                    continue
                t = element["type"]
                if not (isinstance(t, str) and t in types):
                    continue
            out.append(_take(element, elem, Object, Array))
        elif isinstance(element, Array):
            if types is None:
                out.append(_array_items(element, need, Object, Array, False) if nested else _full(element, Object, Array))
        elif types is None:
            out.append(element)
    return out


NOT_HANDLED = _NOT_HANDLED
