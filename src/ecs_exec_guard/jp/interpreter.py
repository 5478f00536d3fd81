"""Compile a dict AST into nested closures and evaluate them.

Each node becomes a function ``f(value, ctx)`` where ``value`` is the current
node and ``ctx`` is the tuple ``(root, scope)``.  ``scope`` is either the
caller's mapping of variables or a :class:`Scope` pushed by ``let``.
Compiling once and calling closures keeps per-search work to the
evaluation itself: no per-node dispatch, no per-call allocation beyond the
results.

Semantics follow the Go interpreter of the reference:

* ordering comparators and arithmetic on anything but two numbers yield
  null; both work on the numbers as float64 and arithmetic returns a
  float64 whatever the operands' types (``/`` by zero gives an infinity,
  ``%`` takes the sign of the dividend, ``//`` floors);
* equality is structural and type-aware (``1 == 1.0``, ``true != 1``);
* errors raised while evaluating the left side of a filter, a flatten or an
  object projection make that projection null, as in the reference.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from .errors import JPRuntimeError, JPSyntaxError
from .registry import Function
from .values import NUMBER_TYPES, ExpRef, copy_value, deep_equal, is_false

Compiled = Callable[[Any, tuple], Any]


class Scope:
    """Variables bound by a ``let`` expression, chained to the outer scope."""

    __slots__ = ("names", "parent")

    def __init__(self, names: dict, parent: Any) -> None:
        self.names = names
        self.parent = parent


def lookup_variable(scope: Any, name: str) -> Any:
    while type(scope) is Scope:
        names = scope.names
        if name in names:
            return names[name]
        scope = scope.parent
    try:
        return scope[name]
    except KeyError:
        raise JPRuntimeError(f"variable not defined: ${name}") from None
    except JPRuntimeError:
        raise
    except Exception as exc:  # a lazily computed variable failed: its error as is
        raise JPRuntimeError(str(exc)) from None


# ---------------------------------------------------------------------------
# arithmetic with Go float64 semantics
# ---------------------------------------------------------------------------


def _divide(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _modulo(a: float, b: float) -> float:
    """Go ``math.Mod``: the sign of the dividend; NaN for a zero divisor."""
    try:
        return math.fmod(a, b)
    except ValueError:
        return math.nan


def _floor_divide(a: float, b: float) -> float:
    q = _divide(a, b)
    if q == 0 or math.isinf(q) or math.isnan(q):
        return q
    return float(math.floor(q))


def _multiply(a, b):
    return a * b


def _add(a, b):
    return a + b


def _subtract(a, b):
    return a - b


_ARITHMETIC = {
    "plus": _add,
    "minus": _subtract,
    "multiply": _multiply,
    "divide": _divide,
    "modulo": _modulo,
    "div": _floor_divide,
}


# ---------------------------------------------------------------------------
# node compilers
# ---------------------------------------------------------------------------


class Compiler:
    def __init__(self, functions: Mapping[str, Function]) -> None:
        self.functions = functions
        self._dispatch = {
            "and_expression": self._and,
            "arithmetic": self._arithmetic,
            "arithmetic_unary": self._arithmetic_unary,
            "comparator": self._comparator,
            "current": self._identity,
            "expref": self._expref,
            "field": self._field,
            "filter_projection": self._filter_projection,
            "flatten": self._flatten,
            "function_expression": self._function,
            "identity": self._identity,
            "index": self._index,
            "index_expression": self._chain,
            "key_val_pair": self._key_val_pair,
            "let_expression": self._let,
            "literal": self._literal,
            "multi_select_dict": self._multi_select_dict,
            "multi_select_list": self._multi_select_list,
            "not_expression": self._not,
            "or_expression": self._or,
            "pipe": self._pipe,
            "projection": self._projection,
            "root": self._root,
            "slice": self._slice,
            "subexpression": self._chain,
            "value_projection": self._value_projection,
            "variable_ref": self._variable,
        }

    def compile(self, node: dict) -> Compiled:
        try:
            method = self._dispatch[node["type"]]
        except KeyError:
            raise JPSyntaxError(f"unsupported expression node: {node.get('type')}") from None
        return method(node)

    # -- leaves --------------------------------------------------------------

    def _identity(self, node):
        def identity(v, c):
            return v

        return identity

    def _root(self, node):
        def root(v, c):
            return c[0]

        return root

    def _literal(self, node):
        value = node["value"]
        if isinstance(value, (list, dict)):
            def literal_container(v, c):
                return copy_value(value)

            return literal_container

        def literal(v, c):
            return value

        return literal

    def _field(self, node):
        key = node["value"]

        def field(v, c):
            if type(v) is dict:
                return v.get(key)
            if isinstance(v, dict):
                return v.get(key)
            return None

        return field

    def _variable(self, node):
        name = node["value"]

        def variable(v, c):
            return lookup_variable(c[1], name)

        return variable

    def _index(self, node):
        index = node["value"]

        def index_(v, c):
            if isinstance(v, list):
                try:
                    return v[index]
                except IndexError:
                    return None
            return None

        return index_

    def _slice(self, node):
        start, stop, step = node["children"]

        def slice_(v, c):
            if isinstance(v, list):
                if step == 0:
                    raise JPRuntimeError("Invalid slice, step cannot be 0")
                return v[start:stop:step]
            if isinstance(v, str):
                if step == 0:
                    return None
                return v[start:stop:step]
            return None

        return slice_

    # -- structure -----------------------------------------------------------

    def _chain(self, node):
        children = node["children"]
        if all(child["type"] == "field" for child in children):
            keys = tuple(child["value"] for child in children)

            def field_path(v, c):
                for key in keys:
                    if type(v) is dict or isinstance(v, dict):
                        v = v.get(key)
                        if v is None:
                            return None
                    else:
                        return None
                return v

            return field_path
        fns = [self.compile(child) for child in children]
        if len(fns) == 2:
            first, second = fns

            def chain2(v, c):
                v = first(v, c)
                if v is None:
                    return None
                return second(v, c)

            return chain2

        def chain(v, c):
            for fn in fns:
                v = fn(v, c)
                if v is None:
                    return None
            return v

        return chain

    def _pipe(self, node):
        left, right = (self.compile(child) for child in node["children"])

        def pipe(v, c):
            return right(left(v, c), c)

        return pipe

    def _projection(self, node):
        left_node, right_node = node["children"]
        left = self.compile(left_node)
        allow_string = (
            left_node["type"] == "index_expression"
            and len(left_node["children"]) > 1
            and left_node["children"][1]["type"] == "slice"
        )
        if right_node["type"] == "identity":
            def projection_identity(v, c):
                base = left(v, c)
                if isinstance(base, list):
                    return [e for e in base if e is not None]
                if allow_string and isinstance(base, str):
                    return base
                return None

            return projection_identity
        right = self.compile(right_node)

        def projection(v, c):
            base = left(v, c)
            if isinstance(base, list):
                out = []
                for element in base:
                    result = right(element, c)
                    if result is not None:
                        out.append(result)
                return out
            if allow_string and isinstance(base, str):
                return base
            return None

        return projection

    def _value_projection(self, node):
        left, right = (self.compile(child) for child in node["children"])

        def value_projection(v, c):
            try:
                base = left(v, c)
            except JPRuntimeError:
                return None
            if not isinstance(base, dict):
                return None
            out = []
            for element in base.values():
                result = right(element, c)
                if result is not None:
                    out.append(result)
            return out

        return value_projection

    def _filter_projection(self, node):
        left, right, condition = (self.compile(child) for child in node["children"])

        def filter_projection(v, c):
            try:
                base = left(v, c)
            except JPRuntimeError:
                return None
            if not isinstance(base, list):
                return None
            out = []
            for element in base:
                if not is_false(condition(element, c)):
                    result = right(element, c)
                    if result is not None:
                        out.append(result)
            return out

        return filter_projection

    def _flatten(self, node):
        (child,) = (self.compile(ch) for ch in node["children"])

        def flatten(v, c):
            try:
                base = child(v, c)
            except JPRuntimeError:
                return None
            if not isinstance(base, list):
                return None
            out = []
            for element in base:
                if isinstance(element, list):
                    out.extend(element)
                else:
                    out.append(element)
            return out

        return flatten

    def _multi_select_list(self, node):
        fns = [self.compile(child) for child in node["children"]]

        def multi_select_list(v, c):
            return [fn(v, c) for fn in fns]

        return multi_select_list

    def _multi_select_dict(self, node):
        pairs = [(child["value"], self.compile(child)) for child in node["children"]]

        def multi_select_dict(v, c):
            return {key: fn(v, c) for key, fn in pairs}

        return multi_select_dict

    def _key_val_pair(self, node):
        return self.compile(node["children"][0])

    # -- logic ---------------------------------------------------------------

    def _or(self, node):
        left, right = (self.compile(child) for child in node["children"])

        def or_(v, c):
            result = left(v, c)
            if is_false(result):
                return right(v, c)
            return result

        return or_

    def _and(self, node):
        left, right = (self.compile(child) for child in node["children"])

        def and_(v, c):
            result = left(v, c)
            if is_false(result):
                return result
            return right(v, c)

        return and_

    def _not(self, node):
        (child,) = (self.compile(ch) for ch in node["children"])

        def not_(v, c):
            return is_false(child(v, c))

        return not_

    def _comparator(self, node):
        op = node["value"]
        left, right = (self.compile(child) for child in node["children"])
        if op == "eq":
            def eq(v, c):
                return deep_equal(left(v, c), right(v, c))

            return eq
        if op == "ne":
            def ne(v, c):
                return not deep_equal(left(v, c), right(v, c))

            return ne
        compare = {
            "lt": lambda a, b: a < b,
            "lte": lambda a, b: a <= b,
            "gt": lambda a, b: a > b,
            "gte": lambda a, b: a >= b,
        }[op]

        def ordering(v, c):
            a = left(v, c)
            b = right(v, c)
            if type(a) in NUMBER_TYPES and type(b) in NUMBER_TYPES:
                return compare(float(a), float(b))
            return None

        return ordering

    # -- arithmetic ------------------------------------------------------------

    def _arithmetic(self, node):
        operation = _ARITHMETIC[node["value"]]
        left, right = (self.compile(child) for child in node["children"])

        def arithmetic(v, c):
            a = left(v, c)
            b = right(v, c)
            if type(a) in NUMBER_TYPES and type(b) in NUMBER_TYPES:
                return operation(float(a), float(b))
            return None

        return arithmetic

    def _arithmetic_unary(self, node):
        negate = node["value"] == "minus"
        (child,) = (self.compile(ch) for ch in node["children"])

        def arithmetic_unary(v, c):
            a = child(v, c)
            if type(a) in NUMBER_TYPES:
                return -float(a) if negate else float(a)
            return None

        return arithmetic_unary

    # -- functions, references, scopes --------------------------------------------

    def _function(self, node):
        name = node["value"]
        function = self.functions.get(name)
        if function is None:
            raise JPSyntaxError(f"unknown function: {name}")
        args = [self._argument(child) for child in node["children"]]
        if len(args) == 1:
            (only,) = args

            def call1(v, c):
                return function([only(v, c)])

            return call1

        def call(v, c):
            return function([arg(v, c) for arg in args])

        return call

    def _argument(self, node):
        if node["type"] != "expref":
            return self.compile(node)
        (child,) = (self.compile(ch) for ch in node["children"])

        def expref(v, c):
            return ExpRef(child, c)

        return expref

    def _expref(self, node):
        # An expression reference is only meaningful as a function argument;
        # anywhere else it would put a non-JSON value into the result.
        self.compile(node["children"][0])

        def expref_value(v, c):
            raise JPRuntimeError("an expression reference (&...) can only be a function argument")

        return expref_value

    def _let(self, node):
        *assigns, body_node = node["children"]
        bindings = [(a["value"], self.compile(a["children"][0])) for a in assigns]
        body = self.compile(body_node)

        def let(v, c):
            names = {}
            for name, fn in bindings:
                names[name] = fn(v, c)
            return body(v, (c[0], Scope(names, c[1])))

        return let


def function_names_used(node: dict) -> list[str]:
    """Names of every function called in an AST, in order of appearance."""
    names: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if not isinstance(current, dict):
            continue
        if current.get("type") == "function_expression":
            names.append(current["value"])
        children = current.get("children")
        if isinstance(children, list):
            stack.extend(reversed(children))
    return names
