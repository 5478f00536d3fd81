"""Reports of an evaluation: kyverno-json's text log and JSON report."""

from __future__ import annotations

from .evaluate import ERROR, FAILED, ResourceResult, RuleResult, Violation
from .gofmt import go_json_indent, sorted_keys


def _templates():
    from ..templating import environment

    return environment(autoescape=False)


class TextRule:
    """View of a rule result for the text template."""

    __slots__ = ("policy", "rule", "identifier", "status", "status_text", "violations")

    def __init__(self, r: RuleResult):
        self.policy = r.policy
        self.rule = r.rule
        self.identifier = r.identifier
        self.status = r.status
        self.status_text = f"ERROR: {r.error}" if r.status == ERROR else r.status
        self.violations = [TextViolation(v) for v in r.violations]


class TextViolation:
    __slots__ = ("message", "errors", "check_prefix")

    def __init__(self, v: Violation):
        self.message = v.message
        self.errors = v.errors
        self.check_prefix = f"{v.check_path}.check"


class TextReport:
    """Renders the rule lines of each resource as it is evaluated."""

    def __init__(self):
        self._template = None  # jinja2 and the template are loaded by the first failure

    def render(self, result: ResourceResult) -> str:
        if not result.rules:
            return ""
        if all(r.status != FAILED for r in result.rules):
            # one line per rule: what the template gives, without its cost
            # (most resources of a large plan pass)
            return "".join(
                f"- {r.policy.name} / {r.rule.name} / {r.identifier} {TextRule(r).status_text}\n" for r in result.rules
            )
        return self.render_template(result)

    def render_template(self, result: ResourceResult) -> str:
        if not result.rules:
            return ""
        if self._template is None:
            self._template = _templates().get_template("scan_results.txt.j2")
        text = self._template.render(rules=[TextRule(r) for r in result.rules])
        return text.lstrip("\n") + "\n"


# --- JSON ---------------------------------------------------------------


def _put(d: dict, key: str, value, omitempty: bool = True):
    if omitempty and (value is None or value == "" or value == [] or value == {}):
        return
    d[key] = value


def _match_json(m):
    if m is None:
        return None
    out = {}
    _put(out, "any", [sorted_keys(x) for x in m.get("any") or []])
    _put(out, "all", [sorted_keys(x) for x in m.get("all") or []])
    return out


def rule_json(rule: dict) -> dict:
    """A ``ValidatingRule`` as Go serialises it (struct field order)."""
    out: dict = {"name": rule.get("name", "")}
    _put(out, "engine", rule.get("engine"))
    ctx = []
    for entry in rule.get("context") or []:
        e = {"name": entry.get("name", "")}
        _put(e, "variable", sorted_keys(entry.get("variable")), omitempty=True)
        ctx.append(e)
    _put(out, "context", ctx)
    _put(out, "match", _match_json(rule.get("match")))
    _put(out, "exclude", _match_json(rule.get("exclude")))
    _put(out, "identifier", rule.get("identifier"))
    _put(out, "feedback", sorted_keys(rule.get("feedback")))
    a = rule.get("assert") or {}
    assert_out: dict = {}
    for kind in ("any", "all"):
        items = []
        for item in a.get(kind) or []:
            i: dict = {}
            _put(i, "message", item.get("message"))
            i["check"] = sorted_keys(item.get("check"))
            items.append(i)
        _put(assert_out, kind, items)
    out["assert"] = assert_out
    return out


_META_ORDER = (
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
    "generation", "creationTimestamp", "deletionTimestamp",
    "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
    "finalizers", "managedFields",
)


def policy_json(doc: dict) -> dict:
    """A ``ValidatingPolicy`` as Go serialises it."""
    meta_in = doc.get("metadata") or {}
    meta: dict = {}
    for k in _META_ORDER:
        if k == "creationTimestamp":
            meta[k] = meta_in.get(k)
        elif k in meta_in:
            _put(meta, k, sorted_keys(meta_in[k]))
    spec_in = doc.get("spec") or {}
    spec: dict = {}
    _put(spec, "engine", spec_in.get("engine"))
    spec["rules"] = [rule_json(r) for r in spec_in.get("rules") or []]
    return {
        "kind": doc.get("kind"),
        "apiVersion": doc.get("apiVersion"),
        "metadata": meta,
        "spec": spec,
    }


def _error_json(e, rule_index: int) -> dict:
    from .fielderr import render

    out: dict = {}
    _put(out, "type", e.type)
    _put(out, "field", render(e.path))
    if e.value is not None:
        out["value"] = sorted_keys(e.value)
    _put(out, "detail", e.detail)
    return out


def resource_json(result: ResourceResult, policies) -> dict:
    out: dict = {"resource": sorted_keys(result.resource)}
    by_policy: dict = {id(p): [] for p in policies}
    for r in result.rules:
        by_policy.setdefault(id(r.policy), []).append(r)
    results = []
    for p in policies:
        cel = getattr(p, "language", "") == "cel"
        # a CEL policy is reported as written, under one unnamed rule
        pr: dict = {"policy": sorted_keys(p.raw) if cel else policy_json(p.raw)}
        rules = []
        for r in by_policy.get(id(p), []):
            rr: dict = {"rule": {"name": ""} if cel else rule_json(r.rule.raw)}
            _put(rr, "identifier", r.identifier)
            _put(rr, "error", r.report_error)
            vs = []
            for v in r.violations:
                check = f"spec.{v.check_path}" if cel else f"spec.rules[{r.rule.index}].assert.{v.check_path}"
                # a message that is present, even empty, comes before the check
                has_message = bool(v.message) or getattr(v.check, "message", None) is not None
                msg = f"{v.message} (CHECK={check})" if has_message else f"(CHECK={check})"
                vr: dict = {"message": msg}
                _put(vr, "errors", [_error_json(e, r.rule.index) for e in v.errors])
                vs.append(vr)
            _put(rr, "violations", vs)
            rules.append(rr)
        _put(pr, "rules", rules)
        results.append(pr)
    _put(out, "results", results)
    return out


def json_report(results: list[ResourceResult], policies) -> str:
    return go_json_indent([resource_json(r, policies) for r in results], normalized=True)
