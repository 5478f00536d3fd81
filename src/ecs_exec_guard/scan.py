"""The ``scan`` command: kyverno-json's flags and log, our exit codes."""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass, field

from .defaults import default_bindings, default_policy
from .engine.errors import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, LoadError
from .engine.evaluate import ERROR, FAILED, ResourceResult, evaluate
from .engine.gofmt import go_v
from .engine.inputs import as_resources, compile_preprocessors, load_bindings, load_payload, preprocess
from .engine.labels import SelectorError, parse_selector
from .engine.policy import Policy, load_policies


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


@dataclass
class ScanRequest:
    payload: str
    policies: list[str] = field(default_factory=list)
    bindings: str | None = None
    pre_process: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


@dataclass
class ScanOutcome:
    policies: list[Policy]
    bindings: dict
    resources: list
    results: list[ResourceResult]

    @property
    def errors(self) -> int:
        return sum(1 for r in self.results for rr in r.rules if rr.status == ERROR)

    @property
    def failures(self) -> int:
        return sum(1 for r in self.results for rr in r.rules if rr.status == FAILED)

    def exit_code(self) -> int:
        if self.errors:
            return EXIT_ERROR
        if self.failures:
            return EXIT_FAIL
        return EXIT_PASS


class Scanner:
    """Runs a scan step by step, reporting progress to ``log``."""

    def __init__(self, request: ScanRequest, log=None, prune: bool = False):
        """``prune``: read only the part of a JSON payload the policies can
        observe (see :mod:`.engine.access`); only for reports that do not
        show the payload itself."""
        self.request = request
        self.log = log or (lambda line: None)
        self.prune = prune

    def load_policies(self) -> list[Policy]:
        self.log("Loading policies ...")
        policies = load_policies(self.request.policies or [default_policy()])
        if self.request.labels:
            try:
                selector = parse_selector(",".join(self.request.labels))
            except SelectorError as exc:
                raise LoadError("--labels", str(exc)) from None
            policies = [p for p in policies if selector(p.labels)]
        return policies

    def load_bindings(self) -> dict:
        path = self.request.bindings
        if path is None and not self.request.policies:
            path = default_bindings()
        if path is None:
            return {}
        self.log("Loading bindings ...")
        values = load_bindings(path)
        for k in sorted(values):
            self.log(f"- {k} -> {go_v(values[k])}")
        return values

    def load_resources(self, policies=()) -> list:
        pre = compile_preprocessors(self.request.pre_process)
        need = None
        if self.prune and policies and not pre:
            from .engine.access import payload_need

            need = payload_need(policies)
        self.log("Loading payload ...")
        payload = load_payload(self.request.payload, need)
        self.log("Pre processing ...")
        payload = preprocess(payload, pre)
        return as_resources(payload)

    def run(self, on_result=None) -> ScanOutcome:
        # Decoded JSON has no reference cycles, but the cyclic collector
        # still walks every new container: on a large plan that is most of
        # the load time and makes it grow faster than the plan. Pause it.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run(on_result)
        finally:
            if enabled:
                gc.enable()

    def _run(self, on_result=None) -> ScanOutcome:
        policies = self.load_policies()
        bindings = self.load_bindings()
        resources = self.load_resources(policies)
        n, m = len(resources), len(policies)
        self.log(
            f"Running ( evaluating {n} {_plural(n, 'resource', 'resources')} "
            f"against {m} {_plural(m, 'policy', 'policies')} ) ..."
        )
        results = []
        for result in evaluate(policies, resources, bindings):
            if on_result is not None:
                on_result(result)
            results.append(result)
        self.log("Done")
        return ScanOutcome(policies, bindings, resources, results)


def request_from_args(args) -> ScanRequest:
    from .cli import _split_list

    return ScanRequest(
        payload=args.payload,
        policies=_split_list(args.policy),
        bindings=args.bindings,
        # expressions may hold commas: each --pre-process is one expression
        pre_process=list(args.pre_process or []),
        labels=list(args.labels or []),
    )


def run_scan(args) -> int:
    request = request_from_args(args)
    out = sys.stdout
    if args.output == "json":
        scanner = Scanner(request)
        outcome = scanner.run()
        from .engine.report import json_report

        out.write(json_report(outcome.results, outcome.policies) + "\n")
    else:
        from .engine.report import TextReport

        def log(line: str) -> None:
            out.write(line + "\n")

        report = TextReport()
        scanner = Scanner(request, log, prune=not getattr(args, "no_prune", False))
        outcome = scanner.run(on_result=lambda r: out.write(report.render(r)))
    out.flush()
    if args.exit_zero:
        return EXIT_PASS
    return outcome.exit_code()
