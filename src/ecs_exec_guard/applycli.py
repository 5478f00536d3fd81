"""The ``apply`` command: ``kyverno apply POLICY... --json PAYLOAD`` for CEL policies.

The standard output is the Kyverno CLI's for JSON payloads::

    <blank line>
    Applying 1 policy rule(s) to 1 resource(s)...
    policy NAME -> resource JSON payload failed:
    1 -  MESSAGE
    <blank line>
    pass: 0, fail: 1, warn: 0, error: 0, skip: 0 <trailing space>

Each CEL ValidatingPolicy counts as one rule; each ``--json`` file is one
resource, except for a policy with the annotation
``ecs-exec-guard.io/analyzer: terraform-ecs-clusters``: it is applied to
each ECS cluster of the plan or state (see :mod:`.terraform.analyzer`),
each a resource named by its address. A policy that does not compile stops the command after the
"Applying" line, with the error on standard error.

Exit status (ours; Kyverno exits 1 for both a failure and an error):
0 nothing failed, 1 a payload failed a policy, 2 an error (a validation
that could not be evaluated, a bad file, a policy that does not compile).
"""

from __future__ import annotations

import gc
import sys

from .engine.errors import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, LoadError


def load_cel_specs(paths: list[str]) -> list:
    """Shape-checked CEL policy documents: [(doc, file, number, spec)]."""
    from .celpolicy.compile import check_document, doc_label
    from .celpolicy.model import is_cel_document
    from .engine.policy import API_VERSION as KJ_API
    from .engine.policy import policy_documents

    out = []
    for doc, f, n in policy_documents(paths):
        if not is_cel_document(doc):
            if isinstance(doc, dict) and doc.get("apiVersion") == KJ_API:
                raise LoadError(
                    f,
                    f"{doc_label(doc, n)}: a kyverno-json policy; `apply` runs Kyverno's CEL "
                    "ValidatingPolicy (policies.kyverno.io): use `scan` for this one",
                )
            api = doc.get("apiVersion") if isinstance(doc, dict) else None
            kind = doc.get("kind") if isinstance(doc, dict) else None
            raise LoadError(
                f,
                f"{doc_label(doc, n)}: not a CEL policy (apiVersion {api!r}, kind {kind!r}); "
                "expected apiVersion 'policies.kyverno.io/v1alpha1' and kind 'ValidatingPolicy'",
            )
        out.append((doc, f, n, check_document(doc, f, n)))
    return out


def _resource_path(payload) -> str:
    """How Kyverno names a payload: namespace/kind/name, or "JSON payload"."""

    def text(v):
        return v if isinstance(v, str) else ""

    meta = payload.get("metadata") if hasattr(payload, "get") else None
    ns = name = ""
    if hasattr(meta, "get"):
        ns, name = text(meta.get("namespace")), text(meta.get("name"))
    kind = text(payload.get("kind")) if hasattr(payload, "get") else ""
    path = f"{ns}/{kind}/{name}"
    return "JSON payload" if path == "//" else path


def run_apply(args) -> int:
    from .cli import _one_line, _split_list

    policy_paths = list(args.policies or [])
    payload_paths = _split_list(args.json)
    if not payload_paths:
        raise LoadError("--json", "give at least one JSON or YAML payload file")
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _apply(policy_paths, payload_paths, _one_line)
    finally:
        if enabled:
            gc.enable()


def _apply(policy_paths, payload_paths, one_line) -> int:
    from .celpolicy.compile import compile_document
    from .celpolicy.evaluate import ERROR, FAIL, PASS, SKIP, evaluate_policy
    from .celpolicy.payload import load_cel_payload
    from .scan import policy_analyzer, wanted_analyzer

    specs = load_cel_specs(policy_paths)
    analyzer = wanted_analyzer([spec for _, _, _, spec in specs])
    plain = any(policy_analyzer(spec) is None for _, _, _, spec in specs)
    # the payload itself only for policies that read it; the analyzer reads only what it needs
    payloads = [load_cel_payload(p) if plain or not analyzer else None for p in payload_paths]
    clusters = [_clusters(path) if analyzer else [] for path in payload_paths]
    count = (len(payloads) if plain or not analyzer else 0) + sum(len(c) for c in clusters)
    out = sys.stdout
    out.write(f"\nApplying {len(specs)} policy rule(s) to {count} resource(s)...\n")
    out.flush()
    policies = [compile_document(doc, f, n, spec) for doc, f, n, spec in specs]

    counts = {PASS: 0, FAIL: 0, ERROR: 0, SKIP: 0}
    lines: list[str] = []
    for payload, own in zip(payloads, clusters):
        for policy in policies:
            if not policy.json_mode:
                continue  # Kyverno applies only JSON-mode policies to JSON payloads
            if policy_analyzer(policy) is None:
                targets = [(payload, None)]
            else:
                targets = [(cluster, cluster.get("address")) for cluster in own]
            for target, name in targets:
                outcome = evaluate_policy(policy, target)
                counts[outcome.status] += 1
                if outcome.status == FAIL:
                    where = one_line(name if name is not None else _resource_path(target))
                    lines.append(f"policy {one_line(policy.name)} -> resource {where} failed:")
                    lines.append(f"1 -  {one_line(outcome.message)}")
                elif outcome.status == ERROR:
                    where = one_line(name if name is not None else _resource_path(target))
                    print(
                        f"policy {one_line(policy.name)} -> resource {where}: error: {one_line(outcome.message)}",
                        file=sys.stderr,
                    )
    for line in lines:
        out.write(line + "\n")
    out.write(
        f"\npass: {counts[PASS]}, fail: {counts[FAIL]}, warn: 0, error: {counts[ERROR]}, skip: {counts[SKIP]} \n"
    )
    out.flush()
    if counts[ERROR]:
        return EXIT_ERROR
    if counts[FAIL]:
        return EXIT_FAIL
    return EXIT_PASS


def _clusters(path: str) -> list:
    """The analyzer's resources of one payload file: one per ECS cluster of a plan or state.

    Numbers are seen as in the payload itself: doubles from JSON, integers from YAML."""
    from .celpolicy.payload import go_numbers, json_numbers_as_double
    from .engine.documents import extension
    from .engine.inputs import load_payload
    from .terraform.analyzer import NotTerraform, analyze, payload_need

    ext = extension(path)
    if ext not in (".json", ".yaml", ".yml"):
        raise LoadError(path, f"unsupported payload file type ({ext or 'no extension'}); expected .json, .yaml or .yml")
    doc = load_payload(path, payload_need())
    if isinstance(doc, list) and ext != ".json":
        raise LoadError(path, f"a payload must be one object, got {len(doc)} YAML documents")
    try:
        resources = analyze(doc).resources
    except NotTerraform as exc:
        raise LoadError(path, str(exc)) from None
    convert = json_numbers_as_double if ext == ".json" else go_numbers
    return [convert(r) for r in resources]
