"""What a scan found, per failing resource, with the source location of each.

A field error points at the resource it is about through its subjects (the
elements a ``~.`` foreach iterated over): the innermost one that is a map
with a string ``address`` is the Terraform resource. Errors without such a
subject are put on the payload document itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..engine.evaluate import ERROR, FAILED
from ..engine.fielderr import FieldError
from ..engine.policy import Policy
from ..scan import ScanOutcome

CLUSTER_TYPE = "aws_ecs_cluster"
REMEDIATION = "ecs-exec-guard.io/remediation"
DEFAULT_FIX = 'Set `logging` to "DEFAULT" or "OVERRIDE" in the cluster\'s execute_command_configuration block.'


@dataclass
class Issue:
    """One failing check of one rule on one resource."""

    policy: Policy
    rule: str
    message: str  # rendered by the policy: untrusted
    field: str  # path inside the rule, e.g. all[0].check.~.(...)[0].values...
    detail: str  # e.g. Invalid value: false: Expected value: true


@dataclass
class Finding:
    """A failing resource of one payload."""

    payload: str  # the payload file, relative to the workspace
    resource_index: int  # position of the document in the payload
    address: str | None  # Terraform address; None when the errors name no resource
    issues: list[Issue] = field(default_factory=list)
    location: object = None  # terraform.Location or None
    cluster: object = None  # terraform.Cluster when the resource is a planned ECS cluster

    @property
    def subject(self) -> str:
        if self.address:
            return self.address
        return f"document {self.resource_index}" if self.resource_index else "the payload"

    @property
    def policies(self) -> list[Policy]:
        out: list[Policy] = []
        for issue in self.issues:
            if all(p is not issue.policy for p in out):
                out.append(issue.policy)
        return out

    @property
    def title(self) -> str:
        return "; ".join(p.title for p in self.policies)

    @property
    def messages(self) -> list[str]:
        out: list[str] = []
        for issue in self.issues:
            text = issue.message or f"{issue.policy.name} / {issue.rule} failed"
            if text not in out:
                out.append(text)
        return out

    @property
    def logging(self) -> str | None:
        return getattr(self.cluster, "logging", None)

    @property
    def is_cluster(self) -> bool:
        if self.cluster is not None:
            return True
        return bool(self.address) and _resource_type(self.address) == CLUSTER_TYPE

    @property
    def fix(self) -> str | None:
        """The remediation annotation of the first policy that has one."""
        for p in self.policies:
            text = p.annotations.get(REMEDIATION)
            if isinstance(text, str) and text.strip():
                return " ".join(text.split())
        return None

    @property
    def file(self) -> str:
        return self.location.file if self.location is not None else self.payload

    @property
    def line(self) -> int | None:
        return self.location.line if self.location is not None else None

    def headline(self, messages: list[str] | None = None) -> str:
        """``SUBJECT: MESSAGE; ...`` (all the messages unless given), with the logging mode when it is NONE
        and where the value is set."""
        text = f"{self.subject}: {'; '.join(self.messages if messages is None else messages)}"
        details = []
        if self.logging == "NONE":
            details.append('ECS Exec logging = "NONE"')
        where = place_text(self.location, getattr(self.cluster, "module_address", None))
        if where:
            details.append(where)
        if details:
            text += f" ({'; '.join(details)})"
        return text

    @property
    def fix_text(self) -> str | None:
        """The fix, worded for the place where the value is set."""
        special = module_fix(self.location) if self.is_cluster else None
        return special or self.fix or (DEFAULT_FIX if self.is_cluster else None)

    def annotation_text(self) -> str:
        """The annotation message: what failed, on which resource, and the fix."""
        text = self.headline()
        fix = self.fix_text
        if fix:
            text += f"\nFix: {fix}"
        return text


def place_text(location, module_address: str | None) -> str | None:
    """Where the value comes from, in words (None for a resource's own logging line)."""
    what = getattr(location, "what", None)
    call = getattr(location, "module_call", None)
    if what == "module-argument":
        return f"set by argument {location.argument} of the {_call_words(call)} block"
    if what == "module-for-each":
        return (
            f"set by the {_entry_words(location.entry)} entry of for_each in the {_call_words(call)} block, "
            f"through argument {location.argument}"
        )
    if what == "module-call":
        return f"set inside the {_call_words(call)}, whose source is not in this repository"
    parts = []
    if module_address:
        parts.append(f"in module call {module_address}")
    if what == "payload":
        parts.append(location.note or "no .tf source was found for it")
    return "; ".join(parts) or None


def _call_words(call: str | None) -> str:
    name = call[len("module."):] if call and call.startswith("module.") else call
    return f'module "{name}"' if name else "module"


def _entry_words(entry) -> str:
    return json.dumps(str(entry), ensure_ascii=False)


def module_fix(location) -> str | None:
    what = getattr(location, "what", None)
    if what == "module-for-each":
        return (
            f"in the {_call_words(location.module_call)} block, change the {_entry_words(location.entry)} entry of "
            f'for_each so that {location.argument} turns ECS Exec logging to "DEFAULT" or "OVERRIDE" (with a '
            'log_configuration), not "NONE".'
        )
    if what == "module-argument":
        return (
            f"in the {_call_words(location.module_call)} block, set {location.argument} so that the module's "
            'ECS Exec logging is "DEFAULT" or "OVERRIDE" (with a log_configuration), not "NONE".'
        )
    if what == "module-call":
        return (
            f"the {_call_words(location.module_call)} sets ECS Exec logging to NONE in code that is not in this "
            "repository: pass it an input that turns logging on (DEFAULT or OVERRIDE), or use a version that does."
        )
    return None


def unknown_text(row) -> str:
    """The warning for a cluster whose ECS Exec logging the plan knows only after the apply."""
    c = row.cluster
    where = place_text(row.location, c.module_address)
    text = (
        f"{c.address}: ECS Exec logging is known only after apply (it is computed from values the plan does not "
        "know yet), so this cluster is neither passed nor failed"
    )
    if where:
        text += f" ({where})"
    return text + ".\nFix: set logging from a value known at plan time, or check the cluster after the apply."


@dataclass
class RuleFailure:
    """A rule that could not be evaluated on a document (status ERROR)."""

    payload: str
    resource_index: int
    policy: Policy
    rule: str
    identifier: str
    error: str


STATUS_TEXT = {
    "fail": "failing",
    "pass": "passing",
    "unknown": "known only after apply",
    "not judged": "not judged",
    "error": "rule error",
}


@dataclass
class ClusterRow:
    payload: str
    cluster: object  # terraform.Cluster
    # "fail", "pass", "unknown" (logging known only after the apply), "not judged"
    # (data source, deleted, forgotten, or no rule applied), "error" (a rule could not be evaluated)
    status: str
    locator: object = None
    ignored: bool = False  # failing, but not changed by the plan and `changed-only` is set
    _location: object = None
    _located: bool = False

    @property
    def failed(self) -> bool:
        return self.status == "fail" and not self.ignored

    @property
    def note(self) -> str | None:
        if self.status == "not judged":
            return getattr(self.cluster, "not_judged_reason", None)
        return None

    @property
    def location(self):
        if not self._located:
            self._located = True
            if self.locator is not None:
                self._location = self.locator.locate(self.cluster.address)
        return self._location


@dataclass
class PayloadResult:
    path: str  # absolute
    rel: str  # relative to the workspace
    outcome: ScanOutcome
    findings: list[Finding]
    failures: list[RuleFailure]
    clusters: list[ClusterRow]
    analyses: list = field(default_factory=list)  # terraform.analyzer.Analysis, one per plan or state
    ignored: list[Finding] = field(default_factory=list)  # failing, left out by `changed-only`

    @property
    def kinds(self) -> set[str]:
        return {a.kind for a in self.analyses}


def _resource_type(address: str) -> str | None:
    from ..terraform.address import parse_address

    parsed = parse_address(address)
    return getattr(parsed, "type", None) if parsed is not None else None


def failing_address(error: FieldError) -> str | None:
    for subject in reversed(error.subjects or ()):
        if isinstance(subject, dict):
            address = subject.get("address")
            if isinstance(address, str) and address:
                return address
    return None


def collect(path: str, rel: str, outcome: ScanOutcome, locator_for, analyses: list | None = None) -> PayloadResult:
    """Group the outcome's field errors by failing resource; list the clusters with their status.

    ``locator_for(plan)`` gives the SourceLocator of a plan document.
    ``analyses``: what the terraform-ecs-clusters analyzer made of the
    payload, when the policies read it (the resources are then clusters).
    """
    from ..terraform import plan_clusters
    from ..terraform.plan import cluster_from_resource

    findings: dict[tuple[int, str | None], Finding] = {}
    failures: list[RuleFailure] = []
    rows: list[ClusterRow] = []
    documents = {r.index: r.resource for r in outcome.results}
    # analyzer resource -> the plan it comes from
    origin: dict[int, dict] = {}
    for analysis in analyses or ():
        for resource in analysis.resources:
            origin[id(resource)] = analysis.source

    for result in outcome.results:
        own = None
        if id(result.resource) in origin:
            own = result.resource.get("address")
        for rr in result.rules:
            if rr.status == ERROR:
                failures.append(RuleFailure(rel, result.index, rr.policy, rr.rule.name, rr.identifier, rr.error or ""))
                continue
            if rr.status != FAILED:
                continue
            for v in rr.violations:
                if not v.errors:
                    # a CEL policy's verdict: about the analyzer's cluster when
                    # it reads one, else about the whole payload document
                    key = (result.index, own)
                    finding = findings.get(key)
                    if finding is None:
                        finding = findings[key] = Finding(rel, result.index, own)
                    finding.issues.append(Issue(rr.policy, rr.rule.name, v.message, "", ""))
                    continue
                prefix = f"{v.check_path}.check"
                seen: set[tuple[int, str | None, str]] = set()
                for e in v.errors:
                    address = own or failing_address(e)
                    key = (result.index, address)
                    finding = findings.get(key)
                    if finding is None:
                        finding = findings[key] = Finding(rel, result.index, address)
                    text = e.text(prefix)
                    if (id(rr.policy), address, text) in seen:
                        continue
                    seen.add((id(rr.policy), address, text))
                    field_path, _, detail = text.partition(": ")
                    finding.issues.append(Issue(rr.policy, rr.rule.name, v.message, field_path, detail))

    locators: dict[int, object] = {}

    def locator(doc):
        if id(doc) not in locators:
            locators[id(doc)] = locator_for(doc if isinstance(doc, dict) else {})
        return locators[id(doc)]

    finding_locator: dict[int, object] = {}
    if analyses is not None:
        for result in outcome.results:
            doc = result.resource
            if id(doc) not in origin:
                continue
            cluster = cluster_from_resource(doc)
            loc = locator(origin[id(doc)])
            statuses = {rr.status for rr in result.rules}
            finding = findings.get((result.index, cluster.address))
            if finding is not None:
                finding.cluster = cluster
                finding_locator[id(finding)] = loc
            if ERROR in statuses:
                status = "error"
            elif finding is not None or FAILED in statuses:
                status = "fail"
            elif statuses:
                status = "pass"
            elif cluster.unknown and cluster.not_judged_reason is None:
                status = "unknown"
            else:
                status = "not judged"
            rows.append(ClusterRow(rel, cluster, status, loc))
        for finding in findings.values():
            doc = documents.get(finding.resource_index)
            if id(finding) not in finding_locator and id(doc) not in origin:
                # a policy that reads the payload itself, beside the analyzer's
                finding_locator[id(finding)] = locator(doc)
    else:
        errored = {e.resource_index for e in failures}
        for index, doc in documents.items():
            if not isinstance(doc, dict):
                continue
            for cluster in plan_clusters(doc):
                finding = findings.get((index, cluster.address))
                if finding is not None:
                    finding.cluster = cluster
                if finding is not None:
                    status = "fail"
                elif index in errored:
                    status = "error"
                elif (index, None) in findings:
                    # a verdict on the whole document (a CEL policy's): not a pass per cluster
                    status = "not judged"
                else:
                    status = "pass"
                rows.append(ClusterRow(rel, cluster, status, locator(doc)))
        for finding in findings.values():
            finding_locator[id(finding)] = locator(documents.get(finding.resource_index))

    ordered = list(findings.values())
    for finding in ordered:
        if finding.address and finding_locator.get(id(finding)) is not None:
            finding.location = finding_locator[id(finding)].locate(finding.address)
    return PayloadResult(path, rel, outcome, ordered, failures, rows, list(analyses or ()))
