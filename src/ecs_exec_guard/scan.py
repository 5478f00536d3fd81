"""The ``scan`` command: kyverno-json's flags and log, our exit codes."""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass, field, replace

from .defaults import default_bindings, default_policy
from .engine.documents import extension
from .engine.errors import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, LoadError
from .engine.evaluate import ERROR, FAILED, ResourceResult, evaluate
from .engine.gofmt import go_v
from .engine.inputs import as_resources, compile_preprocessors, load_bindings, load_payload, preprocess
from .engine.labels import SelectorError, parse_selector
from .engine.policy import Policy, load_policies
from .safetext import STDIN_NAME


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


# How bindings are chosen when none are given:
# "scan": kyverno-json's rules (none), except that the bundled terraform-plan
#         binding is loaded, and logged, when the policies read one of its
#         variables without defining it and the payload is a Terraform plan or
#         state (so a catalog policy copied without `bindings:` still runs);
# "bundled": the bundled terraform-plan binding for any policy (the Action).
BINDINGS_SCAN = "scan"
BINDINGS_BUNDLED = "bundled"

STDIN = "-"


@dataclass
class ScanRequest:
    payload: str
    policies: list[str] = field(default_factory=list)
    bindings: str | None = None
    pre_process: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    default_bindings: str = BINDINGS_SCAN
    # refuse, at load time, a policy that reads a $variable nothing defines;
    # the text says where such a variable can come from
    variables_hint: str | None = None


class NoPolicySelected(LoadError):
    """``--labels`` left no policy: nothing would be checked."""


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


def policy_analyzer(policy) -> str | None:
    """The analyzer a policy reads its resources from (see :mod:`.terraform.analyzer`), or None."""
    from .terraform.analyzer import ANALYZER_ANNOTATION

    value = policy.annotations.get(ANALYZER_ANNOTATION) if isinstance(policy.annotations, dict) else None
    return str(value) if value not in (None, "") else None


def wanted_analyzer(policies) -> str | None:
    """The analyzer some of the policies read their resources from, or None."""
    from .terraform.analyzer import ANALYZER, ANALYZER_ANNOTATION

    kinds = {policy_analyzer(p) for p in policies} - {None}
    for kind in sorted(kinds):
        if kind != ANALYZER:
            raise LoadError("--policy", f"unknown {ANALYZER_ANNOTATION} {kind!r}; the one known is {ANALYZER!r}")
    return ANALYZER if kinds else None


class Scanner:
    """Runs a scan step by step, reporting progress to ``log``."""

    def __init__(self, request: ScanRequest, log=None, prune: bool = False, stdin=None):
        """``prune``: read only the part of a JSON payload the policies can
        observe (see :mod:`.engine.access`); only for reports that do not
        show the payload itself. ``stdin``: where ``--payload -`` is read."""
        self.request = request
        self.log = log or (lambda line: None)
        self.prune = prune
        self.policies: list[Policy] = []
        self._stdin = stdin
        self._stdin_data: bytes | None = None
        self.analyses: list = []  # terraform.analyzer.Analysis, when the policies use the analyzer
        # with policies of both kinds: the payload's own documents come first, this many
        self.raw_count: int | None = None

    def load_policies(self) -> list[Policy]:
        self.log("Loading policies ...")
        policies = load_policies(self.request.policies or [default_policy()])
        if self.request.labels:
            try:
                selector = parse_selector(",".join(self.request.labels))
            except SelectorError as exc:
                raise LoadError("--labels", str(exc)) from None
            selected = [p for p in policies if selector(p.labels)]
            if not selected:
                n = len(policies)
                raise NoPolicySelected(
                    "--labels",
                    f"{','.join(self.request.labels)!r} selects none of the {n} loaded "
                    f"{_plural(n, 'policy', 'policies')}: nothing was checked",
                )
            policies = selected
        self.policies = policies
        return policies

    def _bindings_path(self) -> str | None:
        request = self.request
        if request.bindings is not None:
            return request.bindings
        if not request.policies or request.default_bindings == BINDINGS_BUNDLED:
            return default_bindings()
        # kyverno-json's rule (no bindings), unless the policies need the
        # bundled binding's variables and the payload is a Terraform document
        from .engine.variables import undefined_variables

        missing = {u.name for u in undefined_variables(self.policies, ())}
        if missing and missing & set(load_bindings(default_bindings())) and self._is_terraform_payload():
            return default_bindings()
        return None

    def load_bindings(self) -> dict:
        path = self._bindings_path()
        values = {}
        if path is not None:
            self.log("Loading bindings ...")
            values = load_bindings(path)
            for k in sorted(values):
                self.log(f"- {k} -> {go_v(values[k])}")
        if self.request.variables_hint is not None:
            self.check_variables(values)
        return values

    def check_variables(self, bindings: dict) -> None:
        from .engine.variables import undefined_message, undefined_variables

        for u in undefined_variables(self.policies, bindings):
            raise LoadError(u.policy.source, undefined_message(u, self.request.variables_hint or ""))

    def _payload_bytes(self) -> bytes:
        if self._stdin_data is None:
            stream = self._stdin if self._stdin is not None else sys.stdin.buffer
            try:
                self._stdin_data = stream.read()
            except OSError as exc:
                raise LoadError(STDIN_NAME, f"cannot read the payload from standard input ({exc})") from None
        return self._stdin_data

    def _is_terraform_payload(self) -> bool:
        from .engine.inputs import looks_like_terraform

        if self.request.payload == STDIN:
            return looks_like_terraform(self._payload_bytes()[:4096])
        from .engine.fileaccess import read_head

        head = read_head(self.request.payload, "payload", 4096)
        return head is not None and looks_like_terraform(head)  # None: the payload loader reports it

    def load_resources(self, policies=(), extra_need=None) -> list:
        """The payload's documents. ``extra_need``: what a report reads besides the policies."""
        pre = bool(self.request.pre_process)
        analyzer = wanted_analyzer(policies)
        need = None
        stdin = self.request.payload == STDIN
        plain = [p for p in policies if policy_analyzer(p) is None]
        if analyzer and not plain and not pre and not stdin:
            # the analyzer's resources are new documents: a report shows them, not the payload
            from .terraform.analyzer import payload_need as analyzer_need

            need = analyzer_need()
        elif self.prune and policies and not pre and not stdin:
            from .engine.access import merge_needs, payload_need

            need = payload_need(plain)
            if need is not None and extra_need is not None:
                need = merge_needs(need, extra_need)
            if need is not None and analyzer:
                from .terraform.analyzer import payload_need as analyzer_need

                need = merge_needs(need, analyzer_need())
        self.log("Loading payload ...")
        if stdin:
            from .engine.inputs import load_payload_data

            payload = load_payload_data(self._payload_bytes(), STDIN_NAME)
        else:
            try:
                payload = load_payload(self.request.payload, need)
            except LoadError as exc:
                if analyzer and exc.why.startswith("invalid JSON"):
                    from .terraform.analyzer import HOW_TO

                    raise LoadError(exc.where, f"{exc.why}; {HOW_TO}") from None
                raise
        self.log("Pre processing ...")
        # like the reference, the expressions are parsed only now, after the
        # payload was read and the line above printed
        compiled = compile_preprocessors(self.request.pre_process)
        self.analyses = []
        self.raw_count = None
        if analyzer:
            clusters = self._analyze(payload)
            if plain:
                # policies of both kinds: each reads its own resources (see evaluate)
                raw = as_resources(preprocess(payload, compiled))
                self.raw_count = len(raw)
                return raw + clusters
            payload = clusters
        payload = preprocess(payload, compiled)
        return as_resources(payload)

    def evaluate(self, policies, resources, bindings, json_numbers: bool = False):
        """Results per resource: the analyzer's policies on its resources, the others on the payload's."""
        if self.raw_count is None:
            yield from evaluate(policies, resources, bindings, json_numbers=json_numbers)
            return
        n = self.raw_count
        plain = [p for p in policies if policy_analyzer(p) is None]
        analyzed = [p for p in policies if policy_analyzer(p) is not None]
        yield from evaluate(plain, resources[:n], bindings, json_numbers=json_numbers)
        for result in evaluate(analyzed, resources[n:], bindings):
            result.index += n
            yield result

    def _analyze(self, payload) -> list:
        """The analyzer's resources: one per ECS cluster of each plan or state."""
        from .terraform.analyzer import NotTerraform, analyze

        resources: list = []
        docs = payload if isinstance(payload, list) else [payload]
        for i, doc in enumerate(docs):
            try:
                analysis = analyze(doc)
            except NotTerraform as exc:
                where = f"document {i + 1}: " if len(docs) > 1 else ""
                raise LoadError(self.request.payload, f"{where}{exc}") from None
            self.analyses.append(analysis)
            for line in analysis.describe():
                self.log(line)
            resources.extend(analysis.resources)
        return resources

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
                # Re-enabled as it is, the collector's next pass would walk
                # every object the scan made (a tenth of the run on a large
                # plan). They hold no cycles and are freed by reference
                # counting when the outcome goes: keep the collector off them.
                gc.freeze()
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
        json_numbers = extension(self.request.payload) == ".json"
        for result in self.evaluate(policies, resources, bindings, json_numbers=json_numbers):
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


FINDINGS_OUTPUTS = ("sarif", "markdown", "github")


def run_scan(args) -> int:
    request = request_from_args(args)
    try:
        if args.output in FINDINGS_OUTPUTS:
            code = _run_findings_output(request, args)
        elif args.output == "json":
            code = _run_json(request)
        else:
            code = _run_text(request, args)
    except NoPolicySelected as exc:
        _flush(sys.stdout)
        from .cli import PROG, _one_line

        print(f"{PROG}: warning: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_PASS if args.exit_zero else code


def _flush(stream) -> None:
    try:
        stream.flush()
    except (OSError, ValueError):
        pass


def _run_text(request: ScanRequest, args) -> int:
    from .engine.report import TextReport
    from .safetext import escape_controls

    out = sys.stdout

    def log(line: str) -> None:
        out.write(escape_controls(line) + "\n")

    report = TextReport()
    scanner = Scanner(request, log, prune=not getattr(args, "no_prune", False))
    # kyverno-json's layout, but no terminal control sequence from the input
    outcome = scanner.run(on_result=lambda r: out.write(escape_controls(report.render(r))))
    out.flush()
    return outcome.exit_code()


def _run_json(request: ScanRequest) -> int:
    """kyverno-json's JSON report, built and written one document at a time.

    It goes to a spooled temporary file first (memory up to a few MiB, then
    disk): a report refused as too large leaves nothing on standard output.
    """
    import shutil
    import tempfile

    from .outputs import result_entries, write_json_report

    outcome = Scanner(request).run()
    items = ((request.payload, r, outcome.policies) for r in outcome.results)
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        write_json_report(result_entries(items, resources=True), spool)
        spool.seek(0)
        sys.stdout.flush()
        shutil.copyfileobj(spool, sys.stdout.buffer, 1024 * 1024)
        sys.stdout.buffer.flush()
    return outcome.exit_code()


def _display_name(path: str) -> str:
    import os

    if path == STDIN:
        return STDIN_NAME
    rel = os.path.relpath(os.path.abspath(path), os.getcwd())
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return path
    return rel.replace(os.sep, "/")


def _run_findings_output(request: ScanRequest, args) -> int:
    """The Action's findings (summary, workflow commands, SARIF) for one payload."""
    import os

    from . import outputs

    request = replace(request, variables_hint="give a bindings file that defines it with --bindings")
    run = outputs.check_payloads(
        [request.payload],
        request,
        workspace=os.getcwd(),
        prune=not getattr(args, "no_prune", False),
        display=_display_name,
    )
    out = sys.stdout
    if args.output == "markdown":
        out.write(outputs.markdown(run))
    elif args.output == "github":
        out.write(outputs.workflow_commands(run, where="JSON report or SARIF file"))
    else:
        out.flush()
        out.buffer.write(outputs.sarif_bytes(run))
    out.flush()
    result = run.result
    return EXIT_ERROR if result == "error" else EXIT_FAIL if result == "fail" else EXIT_PASS
