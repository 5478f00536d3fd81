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
from .fielderr import FieldError
from .gofmt import go_quote, go_v
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
    # the error as kyverno-json's JSON report spells it (see RuleError)
    json_error: str | None = None

    @property
    def report_error(self) -> str | None:
        return self.error if self.json_error is None else self.json_error

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


def _under(exc: RuleError, prefix: str) -> RuleError:
    """An assertion tree's error under its place in the rule, in the text log.

    The JSON report keeps the path relative to the tree, as kyverno-json's
    current report does; the log (the reference's older build) starts it
    at the tree's place (``all[0].check``, ``match.any[1]``).
    """
    text = str(exc)
    return exc.wrap(prefix + ("" if text.startswith("[") else "."), "")


def _match(part: str, any_nodes, all_nodes, resource, bindings) -> bool:
    """True when a match (or exclude) block accepts the resource.

    As in kyverno-json: the first ``any`` tree that passes accepts it
    without looking at ``all``; otherwise every ``all`` tree is evaluated
    and the block accepts only when no tree failed. Raises RuleError.
    """
    failed = False
    for i, node in enumerate(any_nodes):
        try:
            errs = node.assert_(None, resource, bindings, ())
        except RuleError as exc:
            raise _under(exc, f"{part}.any[{i}]") from None
        if not errs:
            return True
        failed = True
    for i, node in enumerate(all_nodes):
        try:
            errs = node.assert_(None, resource, bindings, ())
        except RuleError as exc:
            raise _under(exc, f"{part}.all[{i}]") from None
        if errs:
            failed = True
    return not failed


def _context_error(rule: Rule) -> RuleError | None:
    """The first context entry the reference cannot compile, as the rule's error."""
    for j, entry in enumerate(rule.context):
        if entry.error:
            where = f"context[{j}].variable"
            return RuleError(
                f"{where}: Internal error: {entry.error}",
                f"spec.rules[{rule.index}].{where}: Invalid value: {go_quote(entry.source)}: {entry.error}",
            )
    return None


def _context_lazy(j: int, rule: Rule, entry, resource, bindings: Bindings):
    if entry.expr is None:
        return entry.value
    expr = entry.expr
    where = f"context[{j}].variable: Internal error: "

    def compute():
        try:
            return expr.run(resource, bindings)
        except RuleError as exc:
            raise exc.wrap(where, f"spec.rules[{rule.index}].{where}") from None

    return Lazy(compute)


def _prefix_error(check: Check, exc: RuleError) -> RuleError:
    return _under(exc, f"{check.kind}[{check.index}].check")


def evaluate_rule(policy: Policy, rule: Rule, resource, base: Bindings) -> RuleResult | None:
    compile_error = _context_error(rule)
    if compile_error is not None:
        return RuleResult(policy, rule, "", str(compile_error), json_error=compile_error.json)
    bindings = base.register("rule", rule.raw)
    for j, entry in enumerate(rule.context):
        bindings = bindings.register(entry.name, _context_lazy(j, rule, entry, resource, bindings))
    identifier = ""
    if rule.identifier is not None:
        try:
            identifier = go_v(rule.identifier.run(resource, bindings))
        except RuleError as exc:
            identifier = f"(error: {exc})"
    result = RuleResult(policy, rule, identifier)
    try:
        if rule.match is not None and not _match("match", *rule.match, resource, bindings):
            return None
        if rule.exclude is not None and _match("exclude", *rule.exclude, resource, bindings):
            return None
    except RuleError as exc:
        result.error = str(exc)
        result.json_error = exc.json
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
        exc = _prefix_error(current, exc)
        result.error = str(exc)
        result.json_error = exc.json
        result.violations = []
        return result
    except RecursionError:
        result.error = "evaluation nested too deeply"
        return result
    result.violations = violations
    return result


def _analyzer_identifier(policy, resource) -> str:
    """A policy that reads analyzer resources names each by its address (as a rule's ``identifier: address``)."""
    from ..terraform.analyzer import ANALYZER_ANNOTATION

    annotations = getattr(policy, "annotations", None)
    if not isinstance(annotations, dict) or not annotations.get(ANALYZER_ANNOTATION) or not isinstance(resource, dict):
        return ""
    address = resource.get("address")
    return address if isinstance(address, str) else ""


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
                    from ..celpolicy.payload import go_numbers, json_numbers_as_double

                    cel_view = json_numbers_as_double(resource) if json_numbers else go_numbers(resource)
                r = rule_result(policy, cel_view, _analyzer_identifier(policy, resource))
                if r is not None:
                    rules.append(r)
                continue
            pb = rb.register("policy", policy.raw)
            for rule in policy.rules:
                r = evaluate_rule(policy, rule, resource, pb)
                if r is not None:
                    rules.append(r)
        yield ResourceResult(i, resource, rules)
