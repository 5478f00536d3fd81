"""Assertion trees, compiled once and run against many values.

* a map node projects the current value by each key and asserts the
  child on the result (an empty map asserts "not null");
* a list node needs a list of the same length, asserted element-wise;
* a leaf compares: literals, or an expression evaluated on the value.

``assert_`` returns the list of field errors (empty when the value
passes) and raises :class:`RuleError` when the tree cannot be evaluated,
exactly where kyverno-json returns an error instead of a result.
"""

from __future__ import annotations

from ..jp.values import NUMBER_TYPES, deep_equal, go_kind, go_numbers_equal
from .bindings import Bindings
from .errors import RuleError
from .expr import Expr, ExpressionSyntaxError
from .fielderr import (
    INTERNAL,
    TYPE_INVALID,
    FieldError,
    child,
    index,
    invalid,
    mismatch,
    render,
    required,
)
from .keys import ENGINE_JP, parse_key


class CompileError(Exception):
    """A problem in a policy tree; ``where`` is the path inside the tree."""

    def __init__(self, where: str, why: str):
        self.where = where
        self.why = why
        super().__init__(f"{where}: {why}")


def _internal(path, exc: RuleError) -> RuleError:
    """``field.InternalError(path, exc)``, in the log's and the report's spelling."""
    head = FieldError(INTERNAL, path, None, "").text()
    return exc.wrap(head + ": ")


def equal(expected, actual) -> bool:
    """Go's ``matching.Equal``: same kinds deeply, numbers across kinds.

    Two signed integers (``int``, ``int64``) compare exactly, an integer
    and a float64 as float64 values; other kinds are not comparable.
    """
    if actual is None or expected is None:
        return actual is None and expected is None
    te, ta = type(expected), type(actual)
    if te is ta:
        return deep_equal(expected, actual)
    if te in NUMBER_TYPES and ta in NUMBER_TYPES:
        return go_numbers_equal(expected, actual)
    ek, ak = go_kind(expected), go_kind(actual)
    if ek == ak:
        return deep_equal(expected, actual)
    raise ValueError(f"types are not comparable, {ek} - {ak}")


def match(expected, actual) -> bool:
    """Leaf comparison: lists element-wise, maps as subsets, else equality."""
    if isinstance(expected, list):
        if not isinstance(actual, list):
            raise ValueError(f"invalid actual value, must be a slice, found {go_kind(actual)}")
        if len(expected) != len(actual):
            return False
        for e, a in zip(expected, actual):
            if not match(e, a):
                return False
        return True
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            raise ValueError(f"invalid actual value, must be a map, found {go_kind(actual)}")
        for k, e in expected.items():
            if k not in actual:
                return False
            if not match(e, actual[k]):
                return False
        return True
    return equal(expected, actual)


class Node:
    __slots__ = ()

    def assert_(self, path, value, bindings: Bindings, subjects: tuple) -> list:
        raise NotImplementedError


class NotNullNode(Node):
    __slots__ = ()

    def assert_(self, path, value, bindings, subjects):
        if value is None:
            return [invalid(path, None, "invalid value, must not be null", subjects)]
        return []


class ListNode(Node):
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items

    def assert_(self, path, value, bindings, subjects):
        if value is None:
            return [invalid(path, None, "value is null", subjects)]
        if not isinstance(value, list):
            err = FieldError(TYPE_INVALID, path, value, "expected a slice", subjects)
            raise RuleError(err.text())
        if len(value) != len(self.items):
            return [invalid(path, value, "lengths of slices don't match", subjects)]
        errs = []
        for i, (node, item) in enumerate(zip(self.items, value)):
            errs.extend(node.assert_(index(path, i), item, bindings, subjects))
        return errs


class _Entry:
    __slots__ = ("key", "syntax", "expr", "node")

    def __init__(self, key, syntax, expr, node):
        self.key = key
        self.syntax = syntax
        self.expr = expr
        self.node = node


class MapNode(Node):
    __slots__ = ("entries",)

    def __init__(self, entries):
        self.entries = entries

    def assert_(self, path, value, bindings, subjects):
        errs = []
        for e in self.entries:
            kpath = child(path, e.key)
            if e.expr is not None:
                try:
                    projected = e.expr.run(value, bindings)
                except RuleError as exc:
                    raise _internal(kpath, exc) from None
            else:
                if value is None:
                    errs.append(required(kpath, "field not found in the input object", subjects))
                    continue
                if not isinstance(value, dict):
                    raise _internal(kpath, RuleError("projection not recognized"))
                name = e.syntax.statement
                if name not in value:
                    errs.append(required(kpath, "field not found in the input object", subjects))
                    continue
                projected = value[name]
            syn = e.syntax
            if syn.binding:
                # like the reference, the binding stays visible to later siblings
                bindings = bindings.register(syn.binding, projected)
            if syn.foreach:
                fname = syn.foreach_name
                if isinstance(projected, list):
                    for i, item in enumerate(projected):
                        b = bindings.register(fname, i) if fname else bindings
                        errs.extend(e.node.assert_(index(kpath, i), item, b, subjects + (item,)))
                elif isinstance(projected, dict):
                    for k, item in projected.items():
                        b = bindings.register(fname, k) if fname else bindings
                        errs.extend(e.node.assert_(index(kpath, k), item, b, subjects + (item,)))
                else:
                    err = FieldError(TYPE_INVALID, kpath, projected, "expected a slice or a map", subjects)
                    raise RuleError(err.text())
            else:
                errs.extend(e.node.assert_(kpath, projected, bindings, subjects))
        return errs


class LiteralNode(Node):
    __slots__ = ("expected",)

    def __init__(self, expected):
        self.expected = expected

    def assert_(self, path, value, bindings, subjects):
        return _compare(path, self.expected, value, subjects)


class ExprLeafNode(Node):
    __slots__ = ("expr",)

    def __init__(self, expr: Expr):
        self.expr = expr

    def assert_(self, path, value, bindings, subjects):
        try:
            expected = self.expr.run(value, bindings)
        except RuleError as exc:
            raise _internal(path, exc) from None
        return _compare(path, expected, value, subjects)


def _compare(path, expected, value, subjects):
    t = type(expected)
    if (t is str or t is bool) and type(value) is t:
        # what `match` does for two strings or two booleans, without its detour
        return [] if expected == value else [mismatch(path, value, expected, subjects)]
    try:
        ok = match(expected, value)
    except ValueError as exc:
        raise _internal(path, RuleError(str(exc))) from None
    except RecursionError:
        raise _internal(path, RuleError("value nested too deeply")) from None
    if ok:
        return []
    return [mismatch(path, value, expected, subjects)]


def compile_tree(tree, where=None, compiler: str = ENGINE_JP) -> Node:
    """Compile an assertion tree; ``where`` is its field path for messages,
    ``compiler`` the one ``(expr)`` uses (the nearest ``compiler:`` field)."""
    if isinstance(tree, dict):
        if not tree:
            return NotNullNode()
        entries = []
        for key, sub in tree.items():
            key = str(key)
            kpath = child(where, key)
            syn = parse_key(key)
            expr = None
            if syn.engine:
                try:
                    expr = Expr(syn.statement, syn.engine, compiler)
                except ExpressionSyntaxError as exc:
                    raise CompileError(render(kpath), str(exc)) from None
            entries.append(_Entry(key, syn, expr, compile_tree(sub, kpath, compiler)))
        return MapNode(entries)
    if isinstance(tree, list):
        return ListNode([compile_tree(x, index(where, i), compiler) for i, x in enumerate(tree)])
    if isinstance(tree, str):
        syn = parse_key(tree)
        if syn.foreach:
            raise CompileError(render(where), "foreach is not supported on the RHS")
        if syn.binding:
            raise CompileError(render(where), "binding is not supported on the RHS")
        if syn.engine:
            try:
                return ExprLeafNode(Expr(syn.statement, syn.engine, compiler))
            except ExpressionSyntaxError as exc:
                raise CompileError(render(where), str(exc)) from None
        return LiteralNode(syn.statement)
    return LiteralNode(tree)
