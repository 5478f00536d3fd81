"""``ecs-exec-guard action``: the entrypoint of the container action.

Reads the inputs (``INPUT_*``), loads the policies once, then checks each
payload in turn, printing its part of the log as soon as it is done (a
line with its counts and timing, then kyverno-json's rule lines, framed by
``::stop-commands::``; in a ``::group::`` per payload when there are
several). Then it writes: the JSON report (only with ``report-file``,
streamed to a temporary file renamed into place), the SARIF file
(atomically), the job summary (one append), the step outputs (one append,
heredoc values with random delimiters) and the annotations.

Exit status: 0, or 1 on a failing resource with ``fail-on: violations``, or
2 on an error (bad input, a rule that could not be evaluated) unless
``fail-on: never``; a bad input always exits 2.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass, field

from ..defaults import bundled_dir
from ..engine.errors import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, GuardError
from ..engine.fileaccess import confined
from ..outputs import MAX_ANNOTATIONS, Run, ordered_annotations  # noqa: F401 - part of this module's interface
from ..outputs import report_order as outputs_order
from .commands import Annotation, escape_data, output_text, quoted_log, render_annotations
from .files import append_text, file_size, write_atomic
from .inputs import ActionInputs, InputError, read_inputs, relative, workspace_dir
from .summary import SUMMARY_BUDGET, SummaryData
from .summary import render as render_summary

VARIABLES_HINT = (
    "give a bindings file that defines it with the `bindings` input (without one, only the bundled "
    "terraform-plan binding, $analyzer, is defined), or define it in the rule's context"
)


def exit_code(result: str, fail_on: str) -> int:
    if fail_on == "never" or result == "pass":
        return EXIT_PASS
    if result == "error":
        return EXIT_ERROR
    return EXIT_FAIL if fail_on == "violations" else EXIT_PASS


def _print(text: str) -> None:
    if text:
        sys.stdout.write(text)
        sys.stdout.flush()


def evaluate_payloads(inputs: ActionInputs, stream: bool = True) -> Run:
    """Load the policies and bindings once, then check each payload, logging as it goes."""
    from ..outputs import check_payloads, payload_line
    from ..scan import BINDINGS_BUNDLED, ScanRequest

    request = ScanRequest(
        payload=inputs.payloads[0],
        policies=list(inputs.policies),
        bindings=inputs.bindings,
        default_bindings=BINDINGS_BUNDLED,
        variables_hint=VARIABLES_HINT,
    )
    grouped = len(inputs.payloads) > 1

    def on_payload(done) -> None:
        if not stream:
            return
        block = quoted_log("\n".join([payload_line(done), *done.lines]))
        if grouped:
            block = f"::group::{escape_data(done.rel)}\n{block}::endgroup::\n"
        _print(block)

    return check_payloads(
        inputs.payloads,
        request,
        workspace=inputs.workspace,
        terraform_dir=inputs.terraform_dir,
        # the full report repeats every document: then the whole payload is read
        prune=not inputs.report_resources,
        display=lambda path: relative(path, inputs.workspace),
        on_payload=on_payload,
        changed_only=inputs.changed_only,
    )


def _display_path(path: str, workspace: str) -> str:
    """Relative to the workspace when inside it (later steps run elsewhere), else absolute."""
    rel = os.path.relpath(path, workspace)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return path
    return rel.replace(os.sep, "/")


def write_report(run: Run, inputs: ActionInputs) -> str:
    """The JSON report, streamed to ``report-file``; returns its path."""
    from ..outputs import report_entries, write_report_file

    write_report_file(inputs.report_file, report_entries(run, resources=inputs.report_resources))
    return inputs.report_file


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


def _input_failure(message: str, workspace: str, summary_enabled: bool = True, file: str | None = None) -> int:
    message = " ".join(message.split())
    data = SummaryData(result="error", input_error=message)
    out = Output(
        result="error",
        violations=0,
        code=EXIT_ERROR,
        stdout=[render_annotations([Annotation("error", f"ecs-exec-guard: {message}", file=file)])],
        summary=data,
    )
    return _emit(out, summary_enabled, workspace)


def run_action() -> int:
    # as in a scan: decoded plans hold no reference cycles, so the cyclic
    # collector only costs time on large plans
    gc.disable()
    workspace = workspace_dir()
    summary_enabled = True
    try:
        # every file read from here on: a regular file inside the workspace
        with confined(workspace, trusted=(bundled_dir(),)):
            inputs = read_inputs(workspace)
            summary_enabled = inputs.summary
            run = evaluate_payloads(inputs)
    except GuardError as exc:
        # a file that cannot be used is named relative to the workspace and annotated
        file = _display_path(exc.where, workspace) if exc.where and os.path.isfile(exc.where) else None
        if file is not None and not os.path.isabs(file):
            return _input_failure(f"{file}: {exc.why}", workspace, summary_enabled, file)
        return _input_failure(str(exc), workspace, summary_enabled)
    except InputError as exc:
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
    if inputs.report_file:
        try:
            out.report = write_report(run, inputs)
        except OSError as exc:
            problems.append(f"report-file: cannot write {relative(inputs.report_file, workspace)}: {exc.strerror or exc}")
        except GuardError as exc:
            problems.append(f"report-file: {relative(inputs.report_file, workspace)}: {exc.why}")
    if inputs.sarif_file:
        try:
            from ..outputs import sarif_bytes

            write_atomic(inputs.sarif_file, sarif_bytes(run))
            out.sarif = inputs.sarif_file
        except OSError as exc:
            problems.append(f"sarif-file: cannot write {relative(inputs.sarif_file, workspace)}: {exc.strerror or exc}")

    # a file the action could not write matters more than any finding: it comes first
    out.stdout.append(render_annotations([Annotation("error", f"ecs-exec-guard: {p}") for p in problems]))
    if problems:
        out.result, out.code = "error", exit_code("error", inputs.fail_on)
    if inputs.annotations:
        from ..outputs import workflow_commands

        where = "job summary" if inputs.summary else "JSON report" if inputs.report_file else "SARIF file" if inputs.sarif_file else "job log"
        out.stdout.append(workflow_commands(run, where))

    out.summary = SummaryData(
        result=out.result,
        payloads=run.payloads,
        policies=run.policies,
        findings=outputs_order(findings),
        failures=run.failures,
        fail_on=inputs.fail_on,
        report=_display_path(out.report, workspace) if out.report else None,
        sarif=_display_path(out.sarif, workspace) if out.sarif else None,
    )
    return _emit(out, inputs.summary, workspace, inputs.fail_on)
