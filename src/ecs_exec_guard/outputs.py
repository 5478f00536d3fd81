"""One family of outputters for the command line and the Action.

A :class:`Run` is what checking one or more payloads found (rule results,
failing resources with their source locations, planned ECS clusters).
From it come, for both ``scan --output ...`` and the Action:

* ``markdown``: the job summary;
* ``github``: the workflow commands (error annotations, then a notice
  counting those left out);
* ``sarif``: SARIF 2.1.0 for code scanning;
* the JSON report, written as a stream (see :func:`write_json_report`).

kyverno-json's own text log and JSON report stay in :mod:`.engine.report`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace

from .engine.access import FULL, Need
from .engine.errors import GuardError
from .engine.fielderr import FieldError

MAX_ANNOTATIONS = 10  # GitHub shows at most 10 error annotations per step
# The JSON report is refused past this size. YAML aliases make a small
# payload expand without bound when written out, so the size counted is
# that of the expanded report.
MAX_REPORT_BYTES = 512 * 1024 * 1024


class ReportTooLarge(GuardError):
    """The JSON report would pass :data:`MAX_REPORT_BYTES`."""


def _module_tree_need() -> Need:
    """A module of ``planned_values`` / ``values`` / ``prior_state``, at any depth."""
    module = Need(fields={})
    module.fields.update(
        {
            "address": FULL,
            "resources": Need(items=FULL, types=frozenset({"aws_ecs_cluster"})),
            "child_modules": Need(items=module),
        }
    )
    return module


def terraform_need() -> Need:
    """What the Terraform-aware outputs read of a plan or state besides the
    policies: the ECS clusters (every section that lists them), the
    configuration (module sources, expressions) and the format fields."""
    tree = Need(fields={"root_module": _module_tree_need()})
    clusters = Need(items=FULL, types=frozenset({"aws_ecs_cluster"}))
    return Need(
        fields={
            "format_version": FULL,
            "terraform_version": FULL,
            "planned_values": tree,
            "values": tree,
            "prior_state": Need(fields={"values": tree, "format_version": FULL, "terraform_version": FULL}),
            "resource_changes": clusters,
            "resource_drift": clusters,
            "configuration": FULL,
        }
    )


@dataclass
class Run:
    """Everything a check found, before anything is written."""

    payloads: list = field(default_factory=list)  # findings.PayloadResult
    policies: list = field(default_factory=list)

    @property
    def findings(self) -> list:
        return [f for p in self.payloads for f in p.findings]

    @property
    def failures(self) -> list:
        return [e for p in self.payloads for e in p.failures]

    @property
    def unknown(self) -> list:
        """Cluster rows whose ECS Exec logging the plan knows only after the apply."""
        return [row for p in self.payloads for row in p.clusters if row.status == "unknown"]

    @property
    def result(self) -> str:
        if self.failures:
            return "error"
        if self.findings or any(p.outcome.failures and not p.ignored for p in self.payloads):
            return "fail"
        return "pass"


@dataclass
class PayloadDone:
    """Progress of :func:`check_payloads`, one per payload."""

    rel: str
    documents: int
    policies: int
    seconds: float
    lines: list[str]  # kyverno-json's text lines of its results
    result: object  # findings.PayloadResult


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def payload_line(done: PayloadDone) -> str:
    pr = done.result
    failing = len(pr.findings)
    parts = [
        _plural(done.documents, "resource", "resources"),
        _plural(done.policies, "policy", "policies"),
        _plural(failing, "failing resource", "failing resources"),
    ]
    if pr.failures:
        parts.append(_plural(len(pr.failures), "rule error", "rule errors"))
    return f"Checking {done.rel}: {', '.join(parts)} ({done.seconds:.2f} s)"


def check_payloads(
    paths: list[str],
    request,
    *,
    workspace: str,
    terraform_dir: str | None = None,
    prune: bool = True,
    display=None,
    on_payload=None,
    stdin=None,
    changed_only: bool = False,
) -> Run:
    """Load the policies and bindings once, then check each payload in turn.

    ``request``: a :class:`~.scan.ScanRequest` (its ``payload`` is replaced
    by each path). ``display(path)``: the name shown for a payload.
    ``on_payload(PayloadDone)`` is called as each payload is done.
    ``changed_only``: failing clusters the plan does not create, update or
    replace are set aside (listed, not counted).
    """
    from .action.findings import collect
    from .engine.report import TextReport
    from .scan import STDIN, Scanner, ScanOutcome, wanted_analyzer
    from .terraform import SourceLocator
    from .terraform.locate import SharedBudget

    display = display or (lambda p: p)
    scanner = Scanner(request, prune=prune, stdin=stdin)
    policies = scanner.load_policies()
    bindings = scanner.load_bindings()
    run = Run(policies=policies)
    text = TextReport() if on_payload is not None else None
    extra = terraform_need()
    analyzer = wanted_analyzer(policies)
    budget = SharedBudget()  # one time budget for the .tf lookups of every payload
    for path in paths:
        start = time.perf_counter()
        rel = display(path)
        scanner.request = replace(request, payload=path)
        resources = scanner.load_resources(policies, extra_need=extra)
        results = list(scanner.evaluate(policies, resources, bindings))
        outcome = ScanOutcome(policies, bindings, resources, results)

        def locator_for(doc, path=path):
            if path == STDIN:
                return _NoSource()
            return SourceLocator(workspace, terraform_dir, doc, path, budget=budget)

        analyses = list(scanner.analyses) if analyzer else None
        payload = collect(path, rel, outcome, locator_for, analyses)
        if changed_only:
            set_aside_unchanged(payload)
        run.payloads.append(payload)
        if on_payload is not None:
            lines = [line for a in analyses or () for line in a.describe()]
            lines += [line for r in results for line in text.render(r).splitlines()]
            on_payload(PayloadDone(rel, len(resources), len(policies), time.perf_counter() - start, lines, payload))
    return run


def set_aside_unchanged(payload) -> None:
    """``changed-only``: failing clusters the plan does not create, update or replace do not count."""
    keep = []
    for f in payload.findings:
        if f.cluster is not None and not f.cluster.changing:
            payload.ignored.append(f)
        else:
            keep.append(f)
    payload.findings = keep
    ignored = {id(f.cluster) for f in payload.ignored}
    for row in payload.clusters:
        if id(row.cluster) in ignored:
            row.ignored = True


class _NoSource:
    """The locator of a payload read from standard input: no sources."""

    def locate(self, address):
        return None


# --- annotations (``github``) -------------------------------------------------


def ordered_annotations(run: Run):
    """Rule errors, then failing resources in report order; the rest counted."""
    from .action.commands import Annotation

    notes = []
    for e in run.failures:
        notes.append(
            Annotation("error", f"{e.policy.name} / {e.rule}: {e.error}", file=e.payload,
                       title=f"Rule error: {e.policy.title}")
        )
    for f in report_order(run.findings):
        notes.append(Annotation("error", f.annotation_text(), file=f.file, line=f.line, title=f.title))
    return notes[:MAX_ANNOTATIONS], max(len(notes) - MAX_ANNOTATIONS, 0)


def report_order(findings: list) -> list:
    """Clusters the plan creates, updates or replaces first; otherwise the report's order."""
    return sorted(findings, key=lambda f: not (f.cluster is not None and f.cluster.changing))


def unknown_annotations(run: Run):
    """One warning per cluster whose ECS Exec logging is known only after the apply; the rest counted."""
    from .action.commands import Annotation
    from .action.findings import unknown_text

    rows = run.unknown
    notes = []
    for row in rows[:MAX_ANNOTATIONS]:
        loc = row.location
        notes.append(Annotation("warning", unknown_text(row), file=loc.file if loc else row.payload,
                                line=loc.line if loc and loc.line else None,
                                title="ECS Exec logging known only after apply"))
    return notes, max(len(rows) - MAX_ANNOTATIONS, 0)


def workflow_commands(run: Run, where: str = "job summary") -> str:
    """The annotations of a run as workflow commands (errors, then warnings), with notices for those left out."""
    from .action.commands import Annotation, render_annotations

    notes, more = ordered_annotations(run)
    warnings, more_warnings = unknown_annotations(run)
    notes.extend(warnings)
    for n, what in ((more, "annotation"), (more_warnings, "warning")):
        if n:
            noun = f"{what} was" if n == 1 else f"{what}s were"
            notes.append(Annotation("notice", f"{n} more {noun} left out (GitHub shows {MAX_ANNOTATIONS} per step): see the {where}."))
    return render_annotations(notes)


# --- summary (``markdown``) ---------------------------------------------------


def summary_data(run: Run, result: str | None = None, fail_on: str = "violations", report=None, sarif=None):
    from .action.summary import SummaryData

    return SummaryData(
        result=result or run.result,
        payloads=run.payloads,
        policies=run.policies,
        findings=report_order(run.findings),
        failures=run.failures,
        fail_on=fail_on,
        report=report,
        sarif=sarif,
    )


def markdown(run: Run, fail_on: str = "violations", budget: int | None = None) -> str:
    from .action.summary import SUMMARY_BUDGET, render

    return render(summary_data(run, fail_on=fail_on), budget=budget or SUMMARY_BUDGET)


# --- SARIF --------------------------------------------------------------------


def sarif_bytes(run: Run) -> bytes:
    from .action.sarif import build_sarif

    doc = build_sarif(run.payloads, run.policies, run.findings, run.failures, run.unknown)
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- JSON report --------------------------------------------------------------


def report_entries(run: Run, resources: bool, limit: int = MAX_REPORT_BYTES):
    """The report's entries, one per payload document, built one at a time.

    With ``resources``, kyverno-json's form (each entry embeds its document
    as ``resource``); without, the document is named by ``payload`` (the
    file, relative to the workspace) and ``document`` (its position).
    """
    return result_entries(((p.rel, r, p.outcome.policies) for p in run.payloads for r in p.outcome.results), resources, limit)


def result_entries(items, resources: bool, limit: int = MAX_REPORT_BYTES):
    """Report entries of ``(payload name, ResourceResult, policies)`` items.

    The values an entry shows (the document, the values in field errors)
    are measured first, aliases expanded, so that an entry that would pass
    ``limit`` is refused before it is built.
    """
    from .engine.report import resource_json

    sizer = _Sizer(limit)
    total = 0
    for rel, r, policies in items:
        shown = [v.errors for rr in r.rules for v in rr.violations]
        total += sizer.size(shown)
        if resources:
            total += sizer.size(r.resource)
        if total > limit:
            raise _too_large(limit)
        entry = resource_json(r, policies)
        if not resources:
            entry.pop("resource", None)
            entry = {"payload": rel, "document": r.index, **entry}
        yield entry


def _too_large(limit: int) -> ReportTooLarge:
    return ReportTooLarge(
        "JSON report", f"larger than {limit // (1024 * 1024)} MiB once YAML aliases are written out in full; not written"
    )


class _Sizer:
    """Bytes a value takes written out (an estimate), every alias expanded.

    Big containers are remembered by identity, so a subtree referenced many
    times is measured once; measuring stops past ``limit``.
    """

    def __init__(self, limit: int):
        self._limit = limit
        self._sizes: dict[int, int] = {}
        self._keep: list = []  # keeps measured objects alive, so that ids stay theirs

    def size(self, v, depth: int = 0) -> int:
        if isinstance(v, str):
            return len(v) + 2
        if isinstance(v, FieldError):  # its value is shown, not its subjects
            return 64 + self.size(v.value, depth)
        if isinstance(v, (dict, list, tuple)):
            known = self._sizes.get(id(v))
            if known is not None:
                return known
            total = 2
            if isinstance(v, dict):
                for k, x in v.items():
                    total += len(str(k)) + 8 + 2 * depth + self.size(x, depth + 1)
                    if total > self._limit:
                        break
            else:
                for x in v:
                    total += 4 + 2 * depth + self.size(x, depth + 1)
                    if total > self._limit:
                        break
            if total >= _CHUNK // 4:
                self._sizes[id(v)] = total
                self._keep.append(v)
            return total
        return 24


def write_json_report(entries, sink, limit: int = MAX_REPORT_BYTES) -> int:
    """Write ``[entry, ...]`` as Go's ``json.MarshalIndent(v, "", "  ")`` to ``sink``.

    Nothing larger than a bounded chunk is held in memory: big lists and
    maps are written part by part. Shared subtrees (YAML aliases) count
    once per occurrence; past ``limit`` bytes :class:`ReportTooLarge` is
    raised (the caller discards what was written). Returns the byte count.
    """
    writer = _StreamWriter(sink, limit)
    writer.write(b"[")
    first = True
    for entry in entries:
        writer.write(b"\n  " if first else b",\n  ")
        first = False
        writer.value(entry, 1)
    writer.write(b"]\n" if first else b"\n]\n")
    return writer.count


_CHUNK = 256 * 1024  # estimated bytes under which a subtree is written in one piece


class _StreamWriter:
    def __init__(self, sink, limit: int):
        from .engine.gofmt import go_json_indent

        self._sink = sink
        self._limit = limit
        self._dump = go_json_indent
        self._sizer = _Sizer(limit)
        self._size = self._sizer.size
        self.count = 0

    def write(self, data: bytes) -> None:
        self.count += len(data)
        if self.count > self._limit:
            raise _too_large(self._limit)
        self._sink.write(data)

    def value(self, v, level: int) -> None:
        if isinstance(v, (dict, list)) and v and self._size(v) > _CHUNK:
            pad = b"\n" + b"  " * (level + 1)
            if isinstance(v, dict):
                self.write(b"{")
                for i, (k, x) in enumerate(v.items()):
                    self.write((b"" if i == 0 else b",") + pad)
                    self.write(self._dump(k, normalized=True).encode("utf-8") + b": ")
                    self.value(x, level + 1)
                self.write(b"\n" + b"  " * level + b"}")
            else:
                self.write(b"[")
                for i, x in enumerate(v):
                    self.write((b"" if i == 0 else b",") + pad)
                    self.value(x, level + 1)
                self.write(b"\n" + b"  " * level + b"]")
            return
        text = self._dump(v, normalized=True)
        if level and "\n" in text:
            text = text.replace("\n", "\n" + "  " * level)
        self.write(text.encode("utf-8"))


def write_report_file(path: str, entries, limit: int = MAX_REPORT_BYTES) -> None:
    """Stream the report to a temporary file beside ``path``, then rename it over ``path``.

    On any error (disk full, too large) the temporary file is removed and
    ``path`` is left as it was.
    """
    from .action.files import write_atomic_with

    write_atomic_with(path, lambda fh: write_json_report(entries, fh, limit), buffering=1024 * 1024)
