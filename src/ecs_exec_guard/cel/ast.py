"""CEL syntax tree produced by the parser (macros already expanded)."""

from __future__ import annotations


class Node:
    __slots__ = ("pos",)


class Lit(Node):
    __slots__ = ("value",)

    def __init__(self, pos: int, value) -> None:
        self.pos = pos
        self.value = value


class Ident(Node):
    __slots__ = ("name",)

    def __init__(self, pos: int, name: str) -> None:
        self.pos = pos
        self.name = name


class Select(Node):
    """``operand.field``; ``test`` for ``has()``; ``optional`` for ``.?``."""

    __slots__ = ("operand", "field", "test", "optional")

    def __init__(self, pos: int, operand: Node, field: str, test: bool = False, optional: bool = False) -> None:
        self.pos = pos
        self.operand = operand
        self.field = field
        self.test = test
        self.optional = optional


class Index(Node):
    __slots__ = ("operand", "index", "optional")

    def __init__(self, pos: int, operand: Node, index: Node, optional: bool = False) -> None:
        self.pos = pos
        self.operand = operand
        self.index = index
        self.optional = optional


class Call(Node):
    """A function call; operators are calls named as in cel-go (``_+_``)."""

    __slots__ = ("function", "target", "args")

    def __init__(self, pos: int, function: str, target: Node | None, args: list) -> None:
        self.pos = pos
        self.function = function
        self.target = target
        self.args = args


class ListLit(Node):
    __slots__ = ("elements", "optional")  # optional: set of indices written ``?e``

    def __init__(self, pos: int, elements: list, optional: frozenset) -> None:
        self.pos = pos
        self.elements = elements
        self.optional = optional


class MapLit(Node):
    __slots__ = ("entries",)  # (key, value, optional)

    def __init__(self, pos: int, entries: list) -> None:
        self.pos = pos
        self.entries = entries


class Comp(Node):
    """An expanded macro: ``kind`` names the loop (all, exists, exists_one,
    map, filter, transformList, transformMap, transformMapEntry, sortBy),
    ``var``/``var2`` the iteration variables, ``args`` the remaining
    sub-expressions (predicate, or filter and transform)."""

    __slots__ = ("kind", "range", "var", "var2", "args")

    def __init__(self, pos: int, kind: str, range_: Node, var: str, var2: str | None, args: list) -> None:
        self.pos = pos
        self.kind = kind
        self.range = range_
        self.var = var
        self.var2 = var2
        self.args = args


class Bind(Node):
    """``cel.bind(var, init, body)``; also ``optMap``/``optFlatMap``
    (``kind`` "optMap"/"optFlatMap", ``init`` the optional operand)."""

    __slots__ = ("kind", "var", "init", "body")

    def __init__(self, pos: int, kind: str, var: str, init: Node, body: Node) -> None:
        self.pos = pos
        self.kind = kind
        self.var = var
        self.init = init
        self.body = body


def children(node: Node) -> list:
    if isinstance(node, Select):
        return [node.operand]
    if isinstance(node, Index):
        return [node.operand, node.index]
    if isinstance(node, Call):
        return ([node.target] if node.target is not None else []) + list(node.args)
    if isinstance(node, ListLit):
        return list(node.elements)
    if isinstance(node, MapLit):
        out = []
        for k, v, _ in node.entries:
            out += [k, v]
        return out
    if isinstance(node, Comp):
        return [node.range] + list(node.args)
    if isinstance(node, Bind):
        return [node.init, node.body]
    return []
