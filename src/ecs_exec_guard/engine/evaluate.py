"""Evaluate compiled policies against resources.

The order of work follows kyverno-json: for each resource, each policy,
each rule: bind ``$payload``/``$policy``/``$rule`` and the lazy context,
compute the identifier, apply ``match`` then ``exclude`` (a rule that
does not apply yields no result at all), then the assertions: ``any``
passes as soon as one check passes, ``all`` collects every failing check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .bindings import Bindings, Lazy
from .errors import RuleError
from .fielderr import FieldError, child, index
from .gofmt import go_v
from .policy import Check, Policy, Rule

PASSED = "PASSED"
FAILED = "FAILED"
ERROR = "ERROR"


@dataclass
class Violation:
    check: Check
    message: str
    errors: list[FieldError]

    @property
    def check_path(self) -> str:
        return f"{self.check.kind}[{self.check.index}]"


@dataclass
class RuleResult:
    policy: Policy
    rule: Rule
    identifier: str
    error: str | None = None
    violations: list[Violation] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.error is not None:
            return ERROR
        return FAILED if self.violations else PASSED


@dataclass
class ResourceResult:
    index: int
    resource: object
    rules: list[RuleResult]


def _match(any_nodes, all_nodes, resource, bindings) -> bool:
    """True when the match block accepts the resource (raises RuleError)."""
    failed = False
    if any_nodes:
        ok = False
        for i, node in enumerate(any_nodes):
            if not node.assert_(index(child(None, "any"), i), resource, bindings, ()):
                ok = True
                break
        failed = not ok
    if all_nodes:
        for i, node in enumerate(all_nodes):
            if node.assert_(index(child(None, "all"), i), resource, bindings, ()):
                failed = True
    return not failed


def _context_lazy(j: int, entry, resource, bindings: Bindings):
    where = f"context[{j}].variable"
    if entry.error:
        def fail():
            raise RuleError(f"{where}: Invalid value: {entry.error}")
        return Lazy(fail)
    if entry.expr is None:
        return entry.value
    expr = entry.expr

    def compute():
        try:
            return expr.run(resource, bindings)
        except RuleError as exc:
            raise RuleError(f"{where}: Internal error: {exc}") from None

    return Lazy(compute)


def _prefix_error(check: Check, exc: RuleError) -> str:
    text = str(exc)
    return f"{check.kind}[{check.index}].check" + ("" if text.startswith("[") else ".") + text


def evaluate_rule(policy: Policy, rule: Rule, resource, base: Bindings) -> RuleResult | None:
    bindings = base.register("rule", rule.raw)
    for j, entry in enumerate(rule.context):
        bindings = bindings.register(entry.name, _context_lazy(j, entry, resource, bindings))
    identifier = ""
    if rule.identifier is not None:
        try:
            identifier = go_v(rule.identifier.run(resource, bindings))
        except RuleError as exc:
            identifier = f"(error: {exc})"
    result = RuleResult(policy, rule, identifier)
    try:
        if rule.match is not None and not _match(*rule.match, resource, bindings):
            return None
        if rule.exclude is not None and _match(*rule.exclude, resource, bindings):
            return None
    except RuleError as exc:
        result.error = str(exc)
        return result
    except RecursionError:
        result.error = "evaluation nested too deeply"
        return result
    violations: list[Violation] = []
    current = None
    try:
        if rule.any_checks:
            for check in rule.any_checks:
                current = check
                errs = check.node.assert_(None, resource, bindings, ())
                if not errs:
                    violations = []
                    break
                msg = check.message.format(resource, bindings) if check.message is not None else ""
                violations.append(Violation(check, msg, errs))
            else:
                result.violations = violations
                return result
        violations = []
        for check in rule.all_checks:
            current = check
            errs = check.node.assert_(None, resource, bindings, ())
            if errs:
                msg = check.message.format(resource, bindings) if check.message is not None else ""
                violations.append(Violation(check, msg, errs))
    except RuleError as exc:
        result.error = _prefix_error(current, exc)
        result.violations = []
        return result
    except RecursionError:
        result.error = "evaluation nested too deeply"
        return result
    result.violations = violations
    return result


def evaluate(policies: list[Policy], resources: list, bindings: dict | None = None, json_numbers: bool = False):
    """Yield a :class:`ResourceResult` per resource, in order.

    CEL policies see each resource as ``object``; with ``json_numbers``
    (a JSON payload) its numbers are doubles, as Kyverno decodes them.
    """
    base = Bindings({k: v for k, v in (bindings or {}).items()})
    for i, resource in enumerate(resources):
        rb = base.register("payload", resource)
        rules: list[RuleResult] = []
        cel_view = None
        for policy in policies:
            if getattr(policy, "language", "") == "cel":
                from ..celpolicy.evaluate import rule_result

                if cel_view is None:
                    if json_numbers:
                        from ..celpolicy.payload import json_numbers_as_double

                        cel_view = json_numbers_as_double(resource)
                    else:
                        cel_view = resource
                r = rule_result(policy, cel_view)
                if r is not None:
                    rules.append(r)
                continue
            pb = rb.register("policy", policy.raw)
            for rule in policy.rules:
                r = evaluate_rule(policy, rule, resource, pb)
                if r is not None:
                    rules.append(r)
        yield ResourceResult(i, resource, rules)
