"""Read only the part of a JSON payload that the policies can observe.

simdjson validates the whole document (syntax, UTF-8, depth) in one fast
pass and leaves it on its tape; we then turn into Python objects only what
the policies' :class:`~.access.Need` keeps: named fields, whole subtrees,
and from filtered arrays only the elements of the wanted ``type``. On a
Terraform plan checked by the ECS policy that is a few percent of the
document, so both time and memory stay well under a full ``json.load``.
"""

from __future__ import annotations

from .access import FULL, Need

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


def _take(v, need, Object, Array):
    if need is FULL:
        return _full(v, Object, Array)
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
