"""Type-check a CEL syntax tree and compile it to nested closures.

Each node becomes ``f(frame)`` where ``frame`` is a list: ``frame[0]`` is
the activation (the mapping of declared variables), the other slots hold
comprehension and ``cel.bind`` variables, assigned at compile time.  The
checker runs in the same pass: every node gets a static type, ``dyn`` for
payload data; references to undeclared names and calls no overload can
accept are compile errors.

Errors are Python exceptions (:class:`CelEvalError`); ``&&``, ``||`` and
the ``all``/``exists`` loops absorb them the way cel-go absorbs error
values (``error || true`` is ``true``).
"""

from __future__ import annotations

from . import ast as A
from . import regex
from . import types as T
from .errors import CelCompileError, CelEvalError
from .library import Library, make_dispatcher, no_overload
from .parser import error as syntax_error
from .values import NONE, TypeValue, equal, is_list, is_map, kind, map_get, some

_TYPE_IDENTS = {
    "int": T.INT, "uint": T.UINT, "double": T.DOUBLE, "bool": T.BOOL, "string": T.STRING,
    "bytes": T.BYTES, "null_type": T.NULL, "list": T.LIST_DYN, "map": T.MAP_DYN, "type": T.type_of(T.DYN),
    "dyn": T.DYN, "google.protobuf.Timestamp": T.TIMESTAMP, "google.protobuf.Duration": T.DURATION,
    "optional_type": T.optional_of(T.DYN),
}
_TYPE_VALUE_NAMES = {"list": "list", "map": "map", "type": "type", "optional_type": "optional_type"}

_MISSING = object()


class Scope:
    """Compile-time names bound by macros and ``cel.bind``."""

    __slots__ = ("names", "parent")

    def __init__(self, names: dict, parent) -> None:
        self.names = names
        self.parent = parent

    def lookup(self, name: str):
        scope = self
        while scope is not None:
            found = scope.names.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None


class Compiler:
    def __init__(self, text: str, variables: dict, library: Library) -> None:
        self.text = text
        self.variables = variables
        self.library = library
        self.slots = 1

    def fail(self, node: A.Node, message: str) -> CelCompileError:
        return syntax_error(self.text, node.pos, message)

    def new_slot(self) -> int:
        slot = self.slots
        self.slots += 1
        return slot

    # ------------------------------------------------------------------
    def compile(self, node: A.Node, scope: Scope | None):
        method = getattr(self, "c_" + type(node).__name__)
        return method(node, scope)

    def c_Lit(self, node: A.Lit, scope):
        value = node.value
        return (lambda c: value), _literal_type(value)

    # -- names ----------------------------------------------------------
    def qualified_name(self, node: A.Node):
        """``a.b.c`` as a dotted name if it is made only of identifiers."""
        parts = []
        while isinstance(node, A.Select) and not node.test and not node.optional:
            parts.append(node.field)
            node = node.operand
        if isinstance(node, A.Ident):
            parts.append(node.name)
            return ".".join(reversed(parts)), node.name
        return None, None

    def c_Ident(self, node: A.Ident, scope):
        name = node.name
        bound = scope.lookup(name) if scope is not None else None
        if bound is not None:
            slot, typ = bound
            return (lambda c: c[slot]), typ
        if name in self.variables:
            typ = self.variables[name]

            def variable(c):
                try:
                    return c[0][name]
                except KeyError:
                    raise CelEvalError(f"no such attribute: {name}") from None

            return variable, typ
        if name in _TYPE_IDENTS:
            value = TypeValue(_TYPE_VALUE_NAMES.get(name, _TYPE_IDENTS[name].name))
            return (lambda c: value), T.type_of(_TYPE_IDENTS[name])
        raise self.fail(node, f"undeclared reference to '{name}' (in container '')")

    # -- field selection ------------------------------------------------
    def c_Select(self, node: A.Select, scope):
        qualified, root = self.qualified_name(node)
        if qualified is not None and (scope is None or scope.lookup(root) is None) and root not in self.variables:
            if qualified in _TYPE_IDENTS:
                value = TypeValue(_TYPE_IDENTS[qualified].name)
                return (lambda c: value), T.type_of(_TYPE_IDENTS[qualified])
            if qualified in self.variables:
                return self.c_Ident(A.Ident(node.pos, qualified), scope)
        operand, otype = self.compile(node.operand, scope)
        field = node.field
        if otype.name == "optional_type":
            inner = otype.params[0]
            ftype = self.field_type(node, inner)
            if node.test:
                raise self.fail(node, "has() does not apply to an optional value")
            return _optional_select(operand, field), T.optional_of(ftype)
        ftype = self.field_type(node, otype)
        if node.test:
            return _has(operand, field), T.BOOL
        if node.optional:
            return _optional_select(operand, field), T.optional_of(ftype)
        return _select(operand, field), ftype

    def field_type(self, node: A.Node, otype: T.T) -> T.T:
        if otype.name in ("dyn", "param"):
            return T.DYN
        if otype.name == "map":
            key = otype.params[0]
            if key.name not in ("string", "dyn", "param"):
                raise self.fail(node, f"type '{T.format_type(otype)}' does not support field selection")
            return otype.params[1]
        if otype.name == "null_type":
            return T.DYN
        raise self.fail(node, f"type '{T.format_type(otype)}' does not support field selection")

    # -- indexing ---------------------------------------------------------
    def c_Index(self, node: A.Index, scope):
        operand, otype = self.compile(node.operand, scope)
        index, itype = self.compile(node.index, scope)
        optional = node.optional
        if otype.name == "optional_type":
            optional = True
            otype = otype.params[0]

        if otype.name == "list":
            if not T.unify(T.INT, itype, {}) and not T.unify(T.UINT, itype, {}) and not T.unify(T.DOUBLE, itype, {}):
                raise self.fail(node, f"found no matching overload for '_[_]' applied to '({T.format_type(otype)}, {T.format_type(itype)})'")
            rtype = otype.params[0]
        elif otype.name == "map":
            if not T.unify(otype.params[0], itype, {}):
                raise self.fail(node, f"found no matching overload for '_[_]' applied to '({T.format_type(otype)}, {T.format_type(itype)})'")
            rtype = otype.params[1]
        elif otype.name in ("dyn", "param", "null_type"):
            rtype = T.DYN
        else:
            raise self.fail(node, f"found no matching overload for '_[_]' applied to '({T.format_type(otype)}, {T.format_type(itype)})'")
        if optional:
            return _optional_index(operand, index), T.optional_of(rtype)
        return _index(operand, index), rtype

    # -- aggregates -------------------------------------------------------
    def c_ListLit(self, node: A.ListLit, scope):
        fns = []
        etype = None
        for i, element in enumerate(node.elements):
            fn, t = self.compile(element, scope)
            if i in node.optional:
                if t.name == "optional_type":
                    t = t.params[0]
                elif t.name not in ("dyn", "param"):
                    raise self.fail(element, f"expected type 'optional_type' but found '{T.format_type(t)}'")
            etype = self.join(element, etype, t)
            fns.append(fn)
        typ = T.list_of(etype or T.DYN)
        if node.optional:
            opt = node.optional

            def build_opt(c):
                out = []
                for i, fn in enumerate(fns):
                    v = fn(c)
                    if i in opt:
                        if type(v) is not Optional_:
                            raise CelEvalError(f"no matching overload for 'optional element' applied to '({kind(v)})'")
                        if v.has:
                            out.append(v.value)
                    else:
                        out.append(v)
                return out

            return build_opt, typ
        if not fns:
            return (lambda c: []), typ
        return (lambda c: [fn(c) for fn in fns]), typ

    def join(self, node: A.Node, have, new: T.T) -> T.T:
        """Homogeneous aggregate literals: element types must agree."""
        if have is None:
            return new
        if T.is_dyn(have) or T.is_dyn(new):
            return T.DYN if have != new else have
        if T.unify(have, new, {}) and T.unify(new, have, {}):
            return T.common_type(have, new)
        raise self.fail(node, f"expected type '{T.format_type(have)}' but found '{T.format_type(new)}'")

    def c_MapLit(self, node: A.MapLit, scope):
        entries = []
        ktype = vtype = None
        for key, value, opt in node.entries:
            kf, kt = self.compile(key, scope)
            vf, vt = self.compile(value, scope)
            if kt.name not in ("int", "uint", "bool", "string", "dyn", "param"):
                raise self.fail(key, f"unsupported map key type: {T.format_type(kt)}")
            if opt:
                if vt.name == "optional_type":
                    vt = vt.params[0]
                elif not T.is_dyn(vt):
                    raise self.fail(value, f"expected type 'optional_type' but found '{T.format_type(vt)}'")
            ktype = self.join(key, ktype, kt)
            vtype = self.join(value, vtype, vt)
            entries.append((kf, vf, opt))

        def build(c):
            out = {}
            for kf, vf, opt in entries:
                k = kf(c)
                tk = type(k)
                if tk is float or tk not in _KEY_TYPES:
                    if kind(k) not in ("int", "uint", "bool", "string"):
                        raise CelEvalError(f"unsupported key type: {kind(k)}")
                v = vf(c)
                if opt:
                    if type(v) is not Optional_:
                        raise CelEvalError(f"no matching overload for 'optional entry' applied to '({kind(v)})'")
                    if not v.has:
                        continue
                    v = v.value
                found, _ = map_get(out, k)
                if found:
                    raise CelEvalError(f"Failed with repeated key: {k}")
                out[k] = v
            return out

        return build, T.map_of(ktype or T.DYN, vtype or T.DYN)

    # -- calls --------------------------------------------------------------
    def c_Call(self, node: A.Call, scope):
        name = node.function
        if name == "_&&_" or name == "_||_":
            return self.logical(node, scope)
        if name == "_?_:_":
            return self.conditional(node, scope)
        if node.target is not None:
            qualified, root = self.qualified_name(node.target)
            if qualified is not None and (scope is None or scope.lookup(root) is None) and root not in self.variables:
                fq = f"{qualified}.{name}"
                if self.library.has_function(fq) or fq in self.library.unsupported:
                    return self.call(node, fq, None, node.args, scope)
        return self.call(node, name, node.target, node.args, scope)

    def call(self, node: A.Node, name: str, target, args: list, scope):
        if name in self.library.unsupported:
            raise self.fail(node, f"function '{name}' is not supported: {self.library.unsupported[name]}")
        member = target is not None
        overloads = self.library.overloads.get((name, member))
        if overloads is None:
            if member and (name, False) not in self.library.overloads:
                raise self.fail(node, f"undeclared reference to '{name}' (in container '')")
            if not member and (name, True) in self.library.overloads:
                raise self.fail(node, f"undeclared reference to '{name}' (in container '')")
            raise self.fail(node, f"undeclared reference to '{name}' (in container '')")
        compiled = [self.compile(a, scope) for a in ([target] if member else []) + list(args)]
        fns = [f for f, _ in compiled]
        arg_types = [t for _, t in compiled]
        candidates = []
        result = None
        for ov in overloads:
            if len(ov.params) != len(arg_types):
                continue
            bindings: dict = {}
            if all(T.unify(p, a, bindings) for p, a in zip(ov.params, arg_types)):
                candidates.append(ov)
                rt = T.substitute(ov.result, bindings)
                result = rt if result is None else T.common_type(result, rt)
        if not candidates:
            shown = ", ".join(T.format_type(t) for t in arg_types)
            if member:
                raise self.fail(node, f"found no matching overload for '{name}' applied to '{T.format_type(arg_types[0])}.({', '.join(T.format_type(t) for t in arg_types[1:])})'")
            raise self.fail(node, f"found no matching overload for '{name}' applied to '({shown})'")
        if name in _PATTERN_ARG and len(args) >= 1:
            # A constant regular expression is checked when the expression
            # is compiled, as cel-go does when it plans the program.
            pattern = (list(args) if member else list(args)[1:])[:1]
            if pattern and isinstance(pattern[0], A.Lit) and type(pattern[0].value) is str:
                try:
                    regex.compile_pattern(pattern[0].value)
                except CelEvalError as exc:
                    raise self.fail(pattern[0], exc.message) from None
        exact = len(candidates) == 1 and all(
            want is None or want == t.name for want, t in zip(candidates[0].kinds, arg_types)
        )
        impl = candidates[0].impl if exact else make_dispatcher(_display_name(name), candidates)
        return _apply(impl, fns), result

    def logical(self, node: A.Call, scope):
        (lf, lt), (rf, rt) = (self.compile(a, scope) for a in node.args)
        op = node.function
        for t in (lt, rt):
            if t.name not in ("bool", "dyn", "param"):
                raise self.fail(node, f"found no matching overload for '{op}' applied to '({T.format_type(lt)}, {T.format_type(rt)})'")
        stop = op == "_||_"  # the absorbing value

        def logical(c):
            lerr = None
            try:
                lv = lf(c)
            except CelEvalError as exc:
                lerr = exc
                lv = None
            if lv is stop:
                return stop
            try:
                rv = rf(c)
            except CelEvalError:
                if lerr is not None:
                    raise lerr from None
                raise
            if rv is stop:
                return stop
            if lerr is not None:
                raise lerr
            if type(lv) is bool and type(rv) is bool:
                return not stop
            raise no_overload(op, (lv, rv))

        return logical, T.BOOL

    def conditional(self, node: A.Call, scope):
        (cf, ct), (yf, yt), (nf, nt) = (self.compile(a, scope) for a in node.args)
        if ct.name not in ("bool", "dyn", "param"):
            raise self.fail(node, f"found no matching overload for '_?_:_' applied to '({T.format_type(ct)}, {T.format_type(yt)}, {T.format_type(nt)})'")
        if not (T.unify(yt, nt, {}) or T.unify(nt, yt, {})):
            raise self.fail(node, f"found no matching overload for '_?_:_' applied to '({T.format_type(ct)}, {T.format_type(yt)}, {T.format_type(nt)})'")

        def conditional(c):
            cond = cf(c)
            if cond is True:
                return yf(c)
            if cond is False:
                return nf(c)
            raise no_overload("_?_:_", (cond,))

        return conditional, T.common_type(yt, nt)

    # -- macros -------------------------------------------------------------
    def c_Comp(self, node: A.Comp, scope):
        rf, rt = self.compile(node.range, scope)
        if rt.name == "list":
            vt1, vt2 = (T.INT, rt.params[0]) if node.var2 else (rt.params[0], None)
        elif rt.name == "map":
            vt1, vt2 = (rt.params[0], rt.params[1]) if node.var2 else (rt.params[0], None)
        elif rt.name in ("dyn", "param"):
            vt1, vt2 = T.DYN, (T.DYN if node.var2 else None)
        else:
            raise self.fail(node, f"expression of type '{T.format_type(rt)}' cannot be the range of a comprehension (must be list, map, or dynamic)")
        names = {}
        slot1 = self.new_slot()
        names[node.var] = (slot1, vt1)
        slot2 = None
        if node.var2:
            slot2 = self.new_slot()
            names[node.var2] = (slot2, vt2)
        inner = Scope(names, scope)
        compiled = [self.compile(a, inner) for a in node.args]
        from . import comprehensions

        return comprehensions.build(self, node, rf, rt, slot1, slot2, compiled)

    def c_Bind(self, node: A.Bind, scope):
        init, itype = self.compile(node.init, scope)
        slot = self.new_slot()
        if node.kind == "bind":
            body, btype = self.compile(node.body, Scope({node.var: (slot, itype)}, scope))

            def bind(c):
                c[slot] = init(c)
                return body(c)

            return bind, btype
        if itype.name == "optional_type":
            vtype = itype.params[0]
        elif T.is_dyn(itype):
            vtype = T.DYN
        else:
            raise self.fail(node, f"found no matching overload for '{node.kind}' applied to '{T.format_type(itype)}'")
        body, btype = self.compile(node.body, Scope({node.var: (slot, vtype)}, scope))
        flat = node.kind == "optFlatMap"
        if flat and btype.name not in ("optional_type", "dyn", "param"):
            raise self.fail(node, f"optFlatMap expression must be an optional, found '{T.format_type(btype)}'")

        def opt_map(c):
            value = init(c)
            if type(value) is not Optional_:
                raise no_overload(node.kind, (value,))
            if not value.has:
                return NONE
            c[slot] = value.value
            out = body(c)
            if flat:
                if type(out) is not Optional_:
                    raise no_overload(node.kind, (out,))
                return out
            return some(out)

        return opt_map, (btype if flat else T.optional_of(btype))


from .values import Optional as Optional_  # noqa: E402

_KEY_TYPES = (str, int, bool)
# Functions whose second argument (after the receiver) is an RE2 pattern.
_PATTERN_ARG = frozenset(("matches", "find", "findAll"))


def _display_name(name: str) -> str:
    return name


def _literal_type(value) -> T.T:
    tv = kind(value)
    return {
        "bool": T.BOOL, "int": T.INT, "uint": T.UINT, "double": T.DOUBLE, "string": T.STRING,
        "bytes": T.BYTES, "null_type": T.NULL,
    }[tv]


def _apply(impl, fns):
    n = len(fns)
    if n == 1:
        (a,) = fns
        return lambda c: impl(a(c))
    if n == 2:
        a, b = fns
        return lambda c: impl(a(c), b(c))
    if n == 3:
        a, b, d = fns
        return lambda c: impl(a(c), b(c), d(c))
    if n == 0:
        return lambda c: impl()
    return lambda c: impl(*[f(c) for f in fns])


def select_value(value, field):
    if type(value) is dict:
        try:
            return value[field]
        except KeyError:
            raise CelEvalError(f"no such key: {field}") from None
    if is_map(value):
        found, v = map_get(value, field)
        if found:
            return v
        raise CelEvalError(f"no such key: {field}")
    if type(value) is Optional_:
        if not value.has:
            return NONE
        return some(select_value(value.value, field))
    raise CelEvalError(f"type '{kind(value)}' does not support field selection")


def _select(operand, field):
    def select(c):
        value = operand(c)
        if type(value) is dict:
            try:
                return value[field]
            except KeyError:
                raise CelEvalError(f"no such key: {field}") from None
        return select_value(value, field)

    return select


def _has(operand, field):
    def has(c):
        value = operand(c)
        if type(value) is dict:
            return field in value
        if is_map(value):
            return map_get(value, field)[0]
        # Kyverno: has() on null or on any non-map value is false.
        return False

    return has


def _optional_select(operand, field):
    def optional_select(c):
        value = operand(c)
        if type(value) is Optional_:
            if not value.has:
                return NONE
            value = value.value
        if is_map(value):
            found, v = map_get(value, field)
            return some(v) if found else NONE
        if value is None:
            return NONE
        raise CelEvalError(f"type '{kind(value)}' does not support field selection")

    return optional_select


def index_value(value, key):
    if is_list(value):
        tk = type(key)
        if tk is int or tk is UInt_:
            i = key
        elif tk is float and key == key and key not in (float("inf"), float("-inf")) and key == int(key):
            i = int(key)
        else:
            raise no_overload("_[_]", (value, key))
        if 0 <= i < len(value):
            return value[i]
        raise CelEvalError(f"index out of bounds: {key if tk is not float else i}")
    if is_map(value):
        found, v = map_get(value, key)
        if found:
            return v
        raise CelEvalError(f"no such key: {_key_text(key)}")
    if type(value) is Optional_:
        if not value.has:
            return NONE
        return some(index_value(value.value, key))
    raise no_overload("_[_]", (value, key))


def _key_text(key) -> str:
    if type(key) is bool:
        return "true" if key else "false"
    return str(key)


def _index(operand, index):
    def index_(c):
        return index_value(operand(c), index(c))

    return index_


def _optional_index(operand, index):
    def optional_index(c):
        value = operand(c)
        key = index(c)
        if type(value) is Optional_:
            if not value.has:
                return NONE
            value = value.value
        if is_list(value):
            tk = type(key)
            if tk is int or tk is UInt_ or (tk is float and key == key and key not in (float("inf"), float("-inf")) and key == int(key)):
                i = int(key)
                return some(value[i]) if 0 <= i < len(value) else NONE
            raise no_overload("_[?_]", (value, key))
        if is_map(value):
            found, v = map_get(value, key)
            return some(v) if found else NONE
        if value is None:
            return NONE
        raise no_overload("_[?_]", (value, key))

    return optional_index


from .values import UInt as UInt_  # noqa: E402

__all__ = ["Compiler", "equal", "select_value", "index_value", "_MISSING"]
