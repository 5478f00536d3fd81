"""``ecs-exec-guard action``: the entrypoint of the container action.

Reads the inputs (``INPUT_*``), evaluates every payload file, then writes,
each rendered in full in memory first: the JSON report and the SARIF file
(atomically), the job summary (one append), the step outputs (one append,
heredoc values with random delimiters) and, on standard output, the log
(framed by ``::stop-commands::``) and the annotations.

Exit status: 0, or 1 on a failing resource with ``fail-on: violations``, or
2 on an error (bad input, a rule that could not be evaluated) unless
``fail-on: never``; a bad input always exits 2.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from dataclasses import dataclass, field, replace

from ..engine.errors import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, GuardError
from .commands import Annotation, output_text, quoted_log, render_annotations
from .files import append_text, file_size, writable_dir, write_atomic
from .inputs import ActionInputs, InputError, read_inputs, relative, workspace_dir
from .summary import SUMMARY_BUDGET, SummaryData
from .summary import render as render_summary

REPORT_NAME = "ecs-exec-guard-report.json"
MAX_ANNOTATIONS = 10  # GitHub shows at most 10 error annotations per step


@dataclass
class Run:
    """Everything one execution found, before anything is written."""

    inputs: ActionInputs
    payloads: list = field(default_factory=list)  # findings.PayloadResult
    policies: list = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list:
        return [f for p in self.payloads for f in p.findings]

    @property
    def failures(self) -> list:
        return [e for p in self.payloads for e in p.failures]

    @property
    def result(self) -> str:
        if self.failures:
            return "error"
        if self.findings or any(p.outcome.failures for p in self.payloads):
            return "fail"
        return "pass"


def exit_code(result: str, fail_on: str) -> int:
    if fail_on == "never" or result == "pass":
        return EXIT_PASS
    if result == "error":
        return EXIT_ERROR
    return EXIT_FAIL if fail_on == "violations" else EXIT_PASS


def evaluate_payloads(inputs: ActionInputs) -> Run:
    """Load the policies and bindings once, then scan each payload in turn."""
    from ..engine.evaluate import evaluate
    from ..engine.report import TextReport
    from ..scan import Scanner, ScanOutcome, ScanRequest
    from ..terraform import SourceLocator
    from .findings import collect

    run = Run(inputs)
    request = ScanRequest(payload=inputs.payloads[0], policies=list(inputs.policies), bindings=inputs.bindings)
    scanner = Scanner(request)
    policies = scanner.load_policies()
    bindings = scanner.load_bindings()
    run.policies = policies
    text = TextReport()
    for path in inputs.payloads:
        rel = relative(path, inputs.workspace)
        scanner.request = replace(request, payload=path)
        resources = scanner.load_resources()
        results = list(evaluate(policies, resources, bindings))
        outcome = ScanOutcome(policies, bindings, resources, results)

        def locator_for(doc, path=path):
            return SourceLocator(inputs.workspace, inputs.terraform_dir, doc, path)

        run.payloads.append(collect(path, rel, outcome, locator_for))
        n, m = len(resources), len(policies)
        run.log.append(
            f"Checking {rel}: {n} {'document' if n == 1 else 'documents'}, {m} {'policy' if m == 1 else 'policies'}"
        )
        run.log.extend(line for r in results for line in text.render(r).splitlines())
    return run


def _display_path(path: str, workspace: str) -> str:
    """Relative to the workspace when inside it (later steps run elsewhere), else absolute."""
    rel = os.path.relpath(path, workspace)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return path
    return rel.replace(os.sep, "/")


def write_report(run: Run | None, workspace: str) -> str:
    """The kyverno-json JSON report of every payload; returns where it went."""
    from ..engine.gofmt import go_json_indent
    from ..engine.report import resource_json

    docs = []
    if run is not None:
        for p in run.payloads:
            docs.extend(resource_json(r, p.outcome.policies) for r in p.outcome.results)
    data = (go_json_indent(docs, normalized=True) + "\n").encode("utf-8")
    temp = os.environ.get("RUNNER_TEMP")
    candidates = [temp] if writable_dir(temp) else []
    candidates.append(workspace)
    last: OSError | None = None
    for folder in candidates:
        path = os.path.join(folder, REPORT_NAME)
        try:
            write_atomic(path, data)
            return path
        except OSError as exc:
            last = exc
    raise OSError(f"cannot write the JSON report: {last}")


def ordered_annotations(run: Run) -> tuple[list[Annotation], int]:
    """Rule errors, then failing resources in report order; the rest counted."""
    notes: list[Annotation] = []
    for e in run.failures:
        notes.append(
            Annotation("error", f"{e.policy.name} / {e.rule}: {e.error}", file=e.payload,
                       title=f"Rule error: {e.policy.title}")
        )
    for f in run.findings:
        notes.append(Annotation("error", f.annotation_text(), file=f.file, line=f.line, title=f.title))
    return notes[:MAX_ANNOTATIONS], max(len(notes) - MAX_ANNOTATIONS, 0)


def _summary_text(data: SummaryData) -> str:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    budget = SUMMARY_BUDGET - (file_size(path) if path else 0)
    return render_summary(data, budget=max(budget, 4096))


@dataclass
class Output:
    """What goes out, all of it rendered before the first byte is written."""

    result: str
    violations: int
    code: int
    stdout: list[str] = field(default_factory=list)
    summary: SummaryData | None = None
    report: str | None = None
    sarif: str | None = None


def _emit(out: Output, summary_enabled: bool, workspace: str, fail_on: str = "violations") -> int:
    """Append the summary and the outputs, then print the log; returns the exit status."""
    problems: list[str] = []
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_enabled and path and out.summary is not None:
        try:
            append_text(path, _summary_text(out.summary))
        except OSError as exc:
            problems.append(f"cannot write the job summary: {exc}")
    outputs = {"result": out.result, "violations": str(out.violations)}
    if out.report:
        outputs["report"] = _display_path(out.report, workspace)
    if out.sarif:
        outputs["sarif"] = _display_path(out.sarif, workspace)
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        try:
            append_text(path, output_text(outputs))
        except OSError as exc:
            problems.append(f"cannot write the step outputs: {exc}")
    lines = list(out.stdout)
    lines.append(render_annotations([Annotation("error", f"ecs-exec-guard: {p}") for p in problems]))
    status = f"ecs-exec-guard: {out.result}, {out.violations} failing resource(s)"
    if out.report:
        status += f"; JSON report: {outputs['report']}"
    lines.append(quoted_log(status))
    sys.stdout.write("".join(lines))
    sys.stdout.flush()
    return exit_code("error", fail_on) if problems else out.code


def _input_failure(message: str, workspace: str, summary_enabled: bool = True) -> int:
    message = " ".join(message.split())
    report = None
    try:
        report = write_report(None, workspace)
    except OSError:
        pass
    data = SummaryData(result="error", input_error=message, report=_display_path(report, workspace) if report else None)
    out = Output(
        result="error",
        violations=0,
        code=EXIT_ERROR,
        stdout=[render_annotations([Annotation("error", f"ecs-exec-guard: {message}")])],
        summary=data,
        report=report,
    )
    return _emit(out, summary_enabled, workspace)


def run_action() -> int:
    # as in a scan: decoded plans hold no reference cycles, so the cyclic
    # collector only costs time on large plans
    gc.disable()
    workspace = workspace_dir()
    summary_enabled = True
    try:
        inputs = read_inputs(workspace)
        summary_enabled = inputs.summary
        run = evaluate_payloads(inputs)
    except (InputError, GuardError) as exc:
        return _input_failure(str(exc), workspace, summary_enabled)
    except RecursionError:
        return _input_failure("input nested too deeply to be evaluated", workspace, summary_enabled)
    except Exception as exc:  # noqa: BLE001 - still one annotation, a summary and outputs
        if os.environ.get("RUNNER_DEBUG") == "1":
            raise
        return _input_failure(f"internal error: {type(exc).__name__}: {exc}", workspace, summary_enabled)

    result = run.result
    findings = run.findings
    code = exit_code(result, inputs.fail_on)
    out = Output(result=result, violations=len(findings), code=code)

    problems: list[str] = []
    try:
        out.report = write_report(run, workspace)
    except OSError as exc:
        problems.append(str(exc))
    if inputs.sarif_file:
        try:
            from .sarif import build_sarif

            doc = build_sarif(run.payloads, run.policies, findings, run.failures)
            write_atomic(inputs.sarif_file, (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
            out.sarif = inputs.sarif_file
        except OSError as exc:
            problems.append(f"sarif-file: cannot write {relative(inputs.sarif_file, workspace)}: {exc.strerror or exc}")

    out.stdout.append(quoted_log("\n".join(run.log)))
    # a file the action could not write matters more than any finding: it comes first
    out.stdout.append(render_annotations([Annotation("error", f"ecs-exec-guard: {p}") for p in problems]))
    if problems:
        out.result, out.code = "error", exit_code("error", inputs.fail_on)
    if inputs.annotations:
        notes, more = ordered_annotations(run)
        if more:
            where = "job summary" if inputs.summary else "JSON report"
            noun = "annotation was" if more == 1 else "annotations were"
            notes.append(Annotation("notice", f"{more} more {noun} left out (GitHub shows {MAX_ANNOTATIONS} per step): see the {where}."))
        out.stdout.append(render_annotations(notes))

    out.summary = SummaryData(
        result=out.result,
        payloads=run.payloads,
        policies=run.policies,
        findings=findings,
        failures=run.failures,
        fail_on=inputs.fail_on,
        report=_display_path(out.report, workspace) if out.report else None,
        sarif=_display_path(out.sarif, workspace) if out.sarif else None,
    )
    return _emit(out, inputs.summary, workspace, inputs.fail_on)
