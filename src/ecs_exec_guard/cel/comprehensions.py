"""Run-time loops for the comprehension macros (standard, two-variable
and ``sortBy``).  There is no iteration cap: the size of the input bounds
the work, and no plan is too big to get a verdict."""

from __future__ import annotations

from . import types as T
from .errors import CelEvalError
from .library import no_overload
from .values import compare, is_list, is_map, kind, map_get


def _bool_type(compiler, node, t):
    if t.name not in ("bool", "dyn", "param"):
        raise compiler.fail(node, f"expected type 'bool' but found '{T.format_type(t)}'")


def _items(value, two: bool, name: str):
    """(first, second) pairs to iterate: list -> (elem,) or (index, elem);
    map -> (key,) or (key, value)."""
    if is_list(value):
        return enumerate(value) if two else value
    if is_map(value):
        return value.items() if two else list(value.keys())
    raise CelEvalError(f"expression of type '{kind(value)}' cannot be the range of a comprehension (must be list, map, or dynamic)")


def build(compiler, node, rf, rt, s1, s2, compiled):
    k = node.kind
    two = s2 is not None
    fns = [f for f, _ in compiled]
    types = [t for _, t in compiled]

    if k in ("all", "exists"):
        _bool_type(compiler, node, types[0])
        pred = fns[0]
        stop = k == "exists"  # the value that ends the loop

        def quantifier(c):
            err = None
            for item in _items(rf(c), two, k):
                if two:
                    c[s1], c[s2] = item
                else:
                    c[s1] = item
                try:
                    v = pred(c)
                except CelEvalError as exc:
                    if err is None:
                        err = exc
                    continue
                if v is stop:
                    return stop
                if v is not (not stop) and err is None:
                    err = no_overload("_&&_" if not stop else "_||_", (v,))
            if err is not None:
                raise err
            return not stop

        return quantifier, T.BOOL

    if k == "exists_one":
        _bool_type(compiler, node, types[0])
        pred = fns[0]

        def exists_one(c):
            count = 0
            for item in _items(rf(c), two, k):
                if two:
                    c[s1], c[s2] = item
                else:
                    c[s1] = item
                v = pred(c)
                if v is True:
                    count += 1
                elif v is not False:
                    raise no_overload("_?_:_", (v,))
            return count == 1

        return exists_one, T.BOOL

    if k in ("map", "transformList"):
        if len(fns) == 2:
            _bool_type(compiler, node, types[0])
            keep, transform = fns
            rtype = types[1]
        else:
            keep = None
            (transform,) = fns
            rtype = types[0]

        def mapper(c):
            out = []
            append = out.append
            for item in _items(rf(c), two, k):
                if two:
                    c[s1], c[s2] = item
                else:
                    c[s1] = item
                if keep is not None:
                    v = keep(c)
                    if v is False:
                        continue
                    if v is not True:
                        raise no_overload("_?_:_", (v,))
                append(transform(c))
            return out

        return mapper, T.list_of(rtype)

    if k == "filter":
        _bool_type(compiler, node, types[0])
        pred = fns[0]

        def filter_(c):
            out = []
            append = out.append
            for item in _items(rf(c), False, k):
                c[s1] = item
                v = pred(c)
                if v is True:
                    append(item)
                elif v is not False:
                    raise no_overload("_?_:_", (v,))
            return out

        if rt.name == "list":
            etype = rt.params[0]
        elif rt.name == "map":
            etype = rt.params[0]
        else:
            etype = T.DYN
        return filter_, T.list_of(etype)

    if k in ("transformMap", "transformMapEntry"):
        if len(fns) == 2:
            _bool_type(compiler, node, types[0])
            keep, transform = fns
            vtype = types[1]
        else:
            keep = None
            (transform,) = fns
            vtype = types[0]
        entry = k == "transformMapEntry"
        if entry and vtype.name not in ("map", "dyn", "param"):
            raise compiler.fail(node, f"transformMapEntry expression must be a map, found '{T.format_type(vtype)}'")

        def transform_map(c):
            out = {}
            for item in _items(rf(c), True, k):
                c[s1], c[s2] = item
                if keep is not None:
                    v = keep(c)
                    if v is False:
                        continue
                    if v is not True:
                        raise no_overload("_?_:_", (v,))
                value = transform(c)
                if entry:
                    if not is_map(value):
                        raise no_overload("transformMapEntry", (value,))
                    for nk, nv in value.items():
                        if map_get(out, nk)[0]:
                            raise CelEvalError(f"insert failed: key {nk} already exists")
                        out[nk] = nv
                else:
                    out[item[0]] = value
            return out

        if entry:
            mtype = vtype if vtype.name == "map" else T.MAP_DYN
        else:
            key = T.INT if rt.name == "list" else (rt.params[0] if rt.name == "map" else T.DYN)
            mtype = T.map_of(key, vtype)
        return transform_map, mtype

    if k == "sortBy":
        keyf = fns[0]

        def sort_by(c):
            values = rf(c)
            if not is_list(values):
                raise no_overload("sortBy", (values,))
            keyed = []
            for item in values:
                c[s1] = item
                keyed.append((keyf(c), item))
            return [item for _, item in _sorted_pairs(keyed)]

        etype = rt.params[0] if rt.name == "list" else T.DYN
        return sort_by, T.list_of(etype)

    raise compiler.fail(node, f"unknown macro {k}")


_COMPARABLE = ("int", "uint", "double", "bool", "string", "bytes", "google.protobuf.Timestamp", "google.protobuf.Duration")


def _sorted_pairs(pairs: list) -> list:
    import functools

    if pairs:
        first = kind(pairs[0][0])
        if first not in _COMPARABLE:
            raise CelEvalError("list elements must be comparable")
        for key, _ in pairs:
            if kind(key) != first:
                raise CelEvalError("list elements must have the same type")

    def cmp(a, b):
        return compare(a[0], b[0])

    return sorted(pairs, key=functools.cmp_to_key(cmp))
