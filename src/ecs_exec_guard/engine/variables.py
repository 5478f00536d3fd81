"""Which ``$variables`` a policy reads that nothing defines.

A rule sees the bindings, ``$payload``, ``$policy``, ``$rule``, its
``context`` entries, the names bound by ``~name.`` and ``key->name`` keys
and, inside one expression, the names of its ``let`` clauses. A name used
by an expression and defined by none of these is certain to fail when the
rule runs (kyverno-json reports it then, as the rule's error). Knowing it
at load time lets a caller refuse the policy with the file, the place in
the policy and a hint, before anything is evaluated.

The check is conservative: a name bound anywhere in the rule counts as
defined everywhere in it, so it never refuses a policy that could run.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..jp.parser import parse
from .assertion import ExprLeafNode, ListNode, MapNode

BUILTIN = frozenset({"payload", "policy", "rule"})


@dataclass(frozen=True)
class Undefined:
    policy: object  # engine.policy.Policy
    where: str  # path inside the policy document
    name: str  # without the ``$``


def _refs(text: str) -> tuple[set, set]:
    """(names read, names defined by ``let``) of one JMESPath expression."""
    used: set = set()
    bound: set = set()
    stack = [parse(text)]
    while stack:
        node = stack.pop()
        kind = node.get("type")
        if kind == "variable_ref":
            used.add(node.get("value"))
        elif kind == "assign":
            bound.add(node.get("value"))
        stack.extend(c for c in node.get("children", ()) if isinstance(c, dict))
    return used, bound


def _exprs_of_tree(node, where: str, out: list, names: set) -> None:
    """(path, expression text) of every expression in an assertion tree; bound names into ``names``."""
    if isinstance(node, MapNode):
        for e in node.entries:
            path = f"{where}.{e.key}" if where else str(e.key)
            syn = e.syntax
            if syn.foreach and syn.foreach_name:
                names.add(syn.foreach_name)
            if syn.binding:
                names.add(syn.binding)
            if e.expr is not None:
                out.append((path, e.expr.text))
            _exprs_of_tree(e.node, path, out, names)
    elif isinstance(node, ListNode):
        for i, item in enumerate(getattr(node, "items", ()) or ()):
            _exprs_of_tree(item, f"{where}[{i}]", out, names)
    elif isinstance(node, ExprLeafNode):
        out.append((where, node.expr.text))


def _rule_expressions(rule, prefix: str) -> tuple[list, set]:
    exprs: list = []
    names: set = set()
    for i, entry in enumerate(getattr(rule, "context", ()) or ()):
        names.add(entry.name)
        if getattr(entry, "expr", None) is not None:
            exprs.append((f"{prefix}.context[{i}].variable", entry.expr.text))
    for part_name in ("match", "exclude"):
        part = getattr(rule, part_name, None)
        if part is None:
            continue
        for kind, nodes in zip(("any", "all"), part):
            for i, n in enumerate(nodes or ()):
                _exprs_of_tree(n, f"{prefix}.{part_name}.{kind}[{i}]", exprs, names)
    for check in list(getattr(rule, "any_checks", ())) + list(getattr(rule, "all_checks", ())):
        where = f"{prefix}.assert.{check.kind}[{check.index}]"
        _exprs_of_tree(check.node, f"{where}.check", exprs, names)
        message = getattr(check, "message", None)
        for sub in getattr(message, "_subs", ()) or ():
            exprs.append((f"{where}.message", sub[2].text))
    identifier = getattr(rule, "identifier", None)
    if identifier is not None:
        exprs.append((f"{prefix}.identifier", identifier.text))
    return exprs, names


def undefined_variables(policies, defined) -> list[Undefined]:
    """Every (policy, place, name) where a rule reads a variable defined nowhere."""
    defined = set(defined) | BUILTIN
    out: list[Undefined] = []
    for policy in policies:
        for index, rule in enumerate(getattr(policy, "rules", ()) or ()):
            if not hasattr(rule, "any_checks"):
                continue  # not a kyverno-json rule (e.g. a CEL policy): no $variables
            exprs, names = _rule_expressions(rule, f"spec.rules[{getattr(rule, 'index', index)}]")
            known = defined | names
            seen: set = set()
            for where, text in exprs:
                try:
                    used, bound = _refs(text)
                except Exception:  # noqa: BLE001 - compiled once already; never block on analysis
                    continue
                for name in sorted(used - known - bound):
                    if name not in seen:
                        seen.add(name)
                        out.append(Undefined(policy, where, name))
    return out


def undefined_message(u: Undefined, hint: str) -> str:
    """``document N (NAME): PATH: variable $X is not defined; HINT`` (the file is the error's ``where``)."""
    return f"document {u.policy.document} ({u.policy.name}): {u.where}: variable ${u.name} is not defined; {hint}"
