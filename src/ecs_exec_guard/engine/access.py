"""What part of a payload can a set of policies see?

Every expression a rule evaluates on the resource itself (the top-level
keys of its assertion trees, ``identifier``, ``context`` entries, message
placeholders) is examined. When they only read fields by name, and read
arrays either whole or through a filter that requires ``type == 'X'``,
the result is a *need*: the fields to materialise, and for filtered
arrays the element types to keep. Anything else (``@`` or ``$`` at the
top, ``$payload``, ``let``, a list or a scalar compared with the whole
resource) gives ``None``: the payload must be read whole.

Evaluating the policies on the pruned payload gives exactly the results
of evaluating them on the whole payload, because every expression that
can observe the payload has been checked to observe only what is kept.
"""

from __future__ import annotations

from ..jp.parser import parse
from .assertion import ExprLeafNode, ListNode, LiteralNode, MapNode, NotNullNode

FULL = "full"
# Kept whole, but left in the parsed document until a reader asks for it
# (see lazyjson.Deferred): for parts a reader may skip after a look at a
# few fields. Merged with any other need it becomes FULL, so a policy
# never meets an unread part.
DEFERRED = "deferred"


class Unknown(Exception):
    """The expression may see the payload in a way we do not model."""


class Need:
    """What to keep of a value: FULL, some fields of an object, or array items.

    ``fields``: name -> Need for an object. ``items``: the Need of each
    element of an array (after a one-level flatten), with ``types`` the
    ``type`` values to keep (None: keep every element).
    """

    __slots__ = ("fields", "items", "types")

    def __init__(self, fields=None, items=None, types=None):
        self.fields = fields
        self.items = items
        self.types = types

    def __repr__(self):
        if self.fields is None:
            return f"Items({self.items!r}, {sorted(self.types) if self.types is not None else None})"
        return f"Fields({self.fields})"


def _items(elem, types=None) -> Need:
    return Need(items=elem, types=frozenset(types) if types is not None else None)


def _merge(a, b):
    if a is FULL or b is FULL:
        return FULL
    if a is DEFERRED or b is DEFERRED:
        return DEFERRED if a is b else FULL
    if a.fields is None and b.fields is None:
        types = None if a.types is None or b.types is None else a.types | b.types
        return Need(items=_merge(a.items, b.items), types=types)
    if a.fields is not None and b.fields is not None:
        fields = dict(a.fields)
        for k, v in b.fields.items():
            fields[k] = _merge(fields[k], v) if k in fields else v
        return Need(fields=fields)
    return FULL  # an array read as an object, or the reverse: keep it all


def merge_needs(a, b):
    """What both ``a`` and ``b`` keep. ``b`` may be cyclic (a need for a
    tree of any depth) as long as ``a`` is not: merging recurses only where
    both have a part."""
    return _merge(a, b)


def _merge_all(needs: list):
    out = None
    for n in needs:
        out = n if out is None else _merge(out, n)
    return out


def _path_need(path: tuple, leaf) -> Need:
    need = leaf
    for name in reversed(path):
        need = Need(fields={name: need})
    return need


def _field_path(node) -> tuple | None:
    """``a.b.c`` as ("a", "b", "c"), else None."""
    if node["type"] == "field":
        return (node["value"],)
    if node["type"] == "subexpression" and all(c["type"] == "field" for c in node["children"]):
        return tuple(c["value"] for c in node["children"])
    return None


def _type_literals(cond) -> set | None:
    """Values X of a top-level ``type == 'X'`` conjunct of a filter condition."""
    if cond["type"] == "and_expression":
        for child in cond["children"]:
            found = _type_literals(child)
            if found:
                return found
        return None
    if cond["type"] == "comparator" and cond.get("value") == "eq":
        left, right = cond["children"]
        for a, b in ((left, right), (right, left)):
            if (
                a["type"] == "field" and a["value"] == "type"
                and b["type"] == "literal" and isinstance(b["value"], str)
            ):
                return {b["value"]}
    return None


def _no_root(node) -> None:
    """Raise Unknown if ``node`` (not evaluated on the payload) can reach it."""
    stack = [node]
    while stack:
        n = stack.pop()
        t = n["type"]
        if t == "root" or t == "let_expression":
            raise Unknown(t)
        if t == "variable_ref" and n.get("value") == "payload":
            raise Unknown("$payload")
        stack.extend(c for c in n.get("children", ()) if isinstance(c, dict))


def _element_need(node):
    """Need of each element a projection's right side is evaluated on."""
    if node["type"] in ("identity", "current"):
        return FULL
    needs = _uses(node)
    return _merge_all(needs) if needs else Need(fields={})


def _through(node, elem_need) -> list:
    """Needs so that the items of ``node``'s (flattened) result keep ``elem_need``."""
    path = _field_path(node)
    if path is not None:
        return [_path_need(path, _items(elem_need))]
    children = [c for c in node.get("children", ()) if isinstance(c, dict)]
    if node["type"] == "projection" and children[0]["type"] == "flatten":
        q = _field_path(children[1])
        if q is not None:
            # items of L[].q are the items of each element's q
            return _through(children[0]["children"][0], _path_need(q, _items(elem_need)))
    return _uses(node)  # the whole result: always enough


def _uses(node) -> list:
    """Needs of an expression evaluated on the payload (its result used whole)."""
    t = node["type"]
    path = _field_path(node)
    if path is not None:
        return [_path_need(path, FULL)]
    children = [c for c in node.get("children", ()) if isinstance(c, dict)]
    if t == "filter_projection":
        left, right, cond = children
        for c in (right, cond):
            _no_root(c)
        lpath = _field_path(left)
        types = _type_literals(cond)
        if lpath is not None and types:
            return [_path_need(lpath, _items(FULL, types))]
        return _uses(left)
    if t == "projection" and children[0]["type"] == "flatten":
        # L[].R: R runs on each item of L's flattened result
        left, right = children[0]["children"][0], children[1]
        _no_root(right)
        return _through(left, _element_need(right))
    if t in ("subexpression", "pipe", "projection", "value_projection", "index_expression", "flatten"):
        first, rest = children[0], children[1:]
        for c in rest:
            _no_root(c)
        if t == "subexpression" and first["type"] == "variable_ref":
            _uses(first)
            return []
        return _uses(first)
    if t in (
        "comparator", "arithmetic", "arithmetic_unary", "and_expression", "or_expression",
        "not_expression", "multi_select_list", "multi_select_dict", "key_val_pair",
        "function_expression",
    ):
        out = []
        for c in children:
            if c["type"] == "expref":
                _no_root(c)
            else:
                out.extend(_uses(c))
        return out
    if t == "literal":
        return []
    if t == "variable_ref":
        if node.get("value") == "payload":
            raise Unknown("$payload")
        return []
    raise Unknown(t)


def _expr_uses(expr) -> list:
    """What a JMESPath expression (text or compiled ``Expr``) reads."""
    if not isinstance(expr, str):
        if getattr(expr, "engine", "jp") != "jp":
            raise Unknown("a CEL expression")
        expr = expr.text
    return _uses(parse(expr))


def _tree_uses(node) -> list:
    if isinstance(node, NotNullNode):
        return []
    if isinstance(node, MapNode):
        out = []
        for e in node.entries:
            if e.expr is not None:
                out.extend(_expr_uses(e.expr))
            else:
                out.append(_path_need((e.syntax.statement,), FULL))
        return out
    if isinstance(node, (ListNode, LiteralNode, ExprLeafNode)):
        raise Unknown("the whole resource is compared")
    raise Unknown(type(node).__name__)


def payload_need(policies) -> Need | None:
    """The part of an object payload the policies can observe, or None."""
    uses: list = []
    try:
        for policy in policies:
            if getattr(policy, "language", "") == "cel":
                return None  # its expressions may observe any part of the payload
            for rule in policy.rules:
                for part in (rule.match, rule.exclude):
                    if part is not None:
                        for nodes in part:
                            for n in nodes:
                                uses.extend(_tree_uses(n))
                for check in rule.any_checks + rule.all_checks:
                    uses.extend(_tree_uses(check.node))
                    if check.message is not None:
                        for _, _, expr in check.message._subs:
                            uses.extend(_expr_uses(expr.text))
                if rule.identifier is not None:
                    uses.extend(_expr_uses(rule.identifier.text))
                for entry in rule.context:
                    if entry.expr is not None:
                        uses.extend(_expr_uses(entry.expr))
    except Unknown:
        return None
    need = Need(fields={})
    for u in uses:
        need = _merge(need, u)
        if need is FULL:
            return None
    return need
