"""What a scan found, per failing resource, with the source location of each.

A field error points at the resource it is about through its subjects (the
elements a ``~.`` foreach iterated over): the innermost one that is a map
with a string ``address`` is the Terraform resource. Errors without such a
subject are put on the payload document itself.
"""

from __future__ import annotations

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
        """``SUBJECT: MESSAGE; ...`` (all the messages unless given), with the logging mode when it is NONE."""
        text = f"{self.subject}: {'; '.join(self.messages if messages is None else messages)}"
        if self.logging == "NONE":
            text += ' (ECS Exec logging = "NONE")'
        return text

    def annotation_text(self) -> str:
        """The annotation message: what failed, on which resource, and the fix."""
        text = self.headline()
        fix = self.fix or (DEFAULT_FIX if self.is_cluster else None)
        if fix:
            text += f"\nFix: {fix}"
        return text


@dataclass
class RuleFailure:
    """A rule that could not be evaluated on a document (status ERROR)."""

    payload: str
    resource_index: int
    policy: Policy
    rule: str
    identifier: str
    error: str


@dataclass
class ClusterRow:
    payload: str
    cluster: object  # terraform.Cluster
    status: str  # "fail", "pass", or "unknown" when a rule could not be evaluated on its plan
    locator: object = None
    _location: object = None
    _located: bool = False

    @property
    def failed(self) -> bool:
        return self.status == "fail"

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


def collect(path: str, rel: str, outcome: ScanOutcome, locator_for) -> PayloadResult:
    """Group the outcome's field errors by failing resource; list the planned clusters.

    ``locator_for(resource)`` gives the SourceLocator of a payload document.
    """
    from ..terraform import plan_clusters

    findings: dict[tuple[int, str | None], Finding] = {}
    failures: list[RuleFailure] = []
    rows: list[ClusterRow] = []
    for result in outcome.results:
        for rr in result.rules:
            if rr.status == ERROR:
                failures.append(RuleFailure(rel, result.index, rr.policy, rr.rule.name, rr.identifier, rr.error or ""))
                continue
            if rr.status != FAILED:
                continue
            for v in rr.violations:
                if not v.errors:
                    # a CEL policy's verdict is about the whole payload document
                    key = (result.index, None)
                    finding = findings.get(key)
                    if finding is None:
                        finding = findings[key] = Finding(rel, result.index, None)
                    finding.issues.append(Issue(rr.policy, rr.rule.name, v.message, "", ""))
                    continue
                prefix = f"{v.check_path}.check"
                seen: set[tuple[int, str | None, str]] = set()
                for e in v.errors:
                    address = failing_address(e)
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

    documents = {r.index: r.resource for r in outcome.results}
    locators: dict[int, object] = {}

    def locator(index: int):
        if index not in locators:
            doc = documents.get(index)
            locators[index] = locator_for(doc if isinstance(doc, dict) else {})
        return locators[index]

    errored = {e.resource_index for e in failures}
    for index, doc in documents.items():
        if not isinstance(doc, dict):
            continue
        for cluster in plan_clusters(doc):
            finding = findings.get((index, cluster.address))
            if finding is not None:
                finding.cluster = cluster
            status = "fail" if finding is not None else "unknown" if index in errored else "pass"
            rows.append(ClusterRow(rel, cluster, status, locator(index)))

    ordered = list(findings.values())
    for finding in ordered:
        if finding.address:
            finding.location = locator(finding.resource_index).locate(finding.address)
    return PayloadResult(path, rel, outcome, ordered, failures, rows)
