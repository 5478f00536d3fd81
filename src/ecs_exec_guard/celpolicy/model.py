"""Recognise a CEL ``ValidatingPolicy`` document and check its shape.

A policy file may mix kyverno-json policies (``json.kyverno.io``) and
Kyverno's CEL policies (``policies.kyverno.io``); the kind is decided
per document from ``apiVersion`` and ``kind``. Only the fields the JSON
evaluation uses are checked strictly; the admission-only ones
(``matchConstraints``, ``validationActions``, ``auditAnnotations``,
``webhookConfiguration``, ...) are accepted and ignored, as Kyverno
ignores them for JSON payloads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CEL_API_GROUP = "policies.kyverno.io"
CEL_API_VERSIONS = ("v1alpha1", "v1beta1", "v1")
CEL_KIND = "ValidatingPolicy"

MODE_JSON = "JSON"
MODE_KUBERNETES = "Kubernetes"

# Kubernetes requires a variable name to be a CEL identifier.
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def is_cel_document(doc) -> bool:
    """A ``policies.kyverno.io`` ValidatingPolicy (any served version)."""
    if not isinstance(doc, dict):
        return False
    api = doc.get("apiVersion")
    if not isinstance(api, str) or "/" not in api:
        return False
    group, version = api.split("/", 1)
    return group == CEL_API_GROUP and version in CEL_API_VERSIONS and doc.get("kind") == CEL_KIND


class ShapeError(Exception):
    """A field of the document has the wrong shape; ``where`` is its path."""

    def __init__(self, where: str, why: str):
        super().__init__(f"{where}: {why}" if where else why)
        self.where = where
        self.why = why


@dataclass
class NamedExpression:
    path: str  # field path of the expression, e.g. spec.matchConditions[0].expression
    name: str
    expression: str


@dataclass
class ValidationSpec:
    path: str  # field path of the validation, e.g. spec.validations[2]
    index: int
    expression: str
    message: str = ""
    message_expression: str = ""


@dataclass
class CelPolicySpec:
    name: str
    mode: str
    failure_policy: str  # "Fail" or "Ignore"
    match_conditions: list[NamedExpression] = field(default_factory=list)
    variables: list[NamedExpression] = field(default_factory=list)
    validations: list[ValidationSpec] = field(default_factory=list)
    labels: dict = field(default_factory=dict)
    annotations: dict = field(default_factory=dict)


def _type_name(value) -> str:
    from ..jp.values import type_name

    return type_name(value)


def _want(value, kind, where: str, what: str):
    ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
    if not ok:
        raise ShapeError(where, f"must be {what}, got {_type_name(value)}")


def _optional_string(obj: dict, key: str, where: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    _want(value, str, f"{where}.{key}", "a string")
    return value


def _expression(obj: dict, where: str) -> str:
    value = obj.get("expression")
    if value is None or value == "":
        raise ShapeError(f"{where}.expression", "is required")
    _want(value, str, f"{where}.expression", "a string")
    return value


def read_spec(doc: dict) -> CelPolicySpec:
    """The parts of a CEL ValidatingPolicy that JSON evaluation uses (raises ShapeError)."""
    meta = doc.get("metadata")
    _want(meta, dict, "metadata", "an object")
    name = meta.get("name")
    if name is None or name == "":
        raise ShapeError("metadata.name", "is required")
    _want(name, str, "metadata.name", "a string")
    for key in ("labels", "annotations"):
        if meta.get(key) is not None:
            _want(meta[key], dict, f"metadata.{key}", "an object")
    spec = doc.get("spec")
    _want(spec, dict, "spec", "an object")

    mode = MODE_KUBERNETES
    evaluation = spec.get("evaluation")
    if evaluation is not None:
        _want(evaluation, dict, "spec.evaluation", "an object")
        raw_mode = evaluation.get("mode")
        if raw_mode is not None:
            if raw_mode not in (MODE_JSON, MODE_KUBERNETES):
                raise ShapeError("spec.evaluation.mode", f"must be {MODE_JSON!r} or {MODE_KUBERNETES!r}, got {raw_mode!r}")
            mode = raw_mode

    failure_policy = spec.get("failurePolicy")
    if failure_policy is None:
        failure_policy = "Fail"
    elif failure_policy not in ("Fail", "Ignore"):
        raise ShapeError("spec.failurePolicy", f"must be 'Fail' or 'Ignore', got {failure_policy!r}")

    out = CelPolicySpec(
        name=name,
        mode=mode,
        failure_policy=failure_policy,
        labels=dict(meta.get("labels") or {}),
        annotations=dict(meta.get("annotations") or {}),
    )

    conditions = spec.get("matchConditions")
    if conditions is not None:
        _want(conditions, list, "spec.matchConditions", "a list")
        seen: set = set()
        for i, item in enumerate(conditions):
            where = f"spec.matchConditions[{i}]"
            _want(item, dict, where, "an object with 'name' and 'expression'")
            cname = _optional_string(item, "name", where)
            if cname and cname in seen:
                raise ShapeError(f"{where}.name", f"duplicate match condition name {cname!r}")
            seen.add(cname)
            out.match_conditions.append(NamedExpression(f"{where}.expression", cname, _expression(item, where)))

    variables = spec.get("variables")
    if variables is not None:
        _want(variables, list, "spec.variables", "a list")
        seen = set()
        for i, item in enumerate(variables):
            where = f"spec.variables[{i}]"
            _want(item, dict, where, "an object with 'name' and 'expression'")
            vname = item.get("name")
            if vname is None or vname == "":
                raise ShapeError(f"{where}.name", "is required")
            _want(vname, str, f"{where}.name", "a string")
            if not _IDENT.match(vname):
                raise ShapeError(f"{where}.name", f"{vname!r} is not a valid CEL identifier")
            if vname in seen:
                raise ShapeError(f"{where}.name", f"duplicate variable name {vname!r}")
            seen.add(vname)
            out.variables.append(NamedExpression(f"{where}.expression", vname, _expression(item, where)))

    validations = spec.get("validations")
    if validations is not None:
        _want(validations, list, "spec.validations", "a list")
        for i, item in enumerate(validations):
            where = f"spec.validations[{i}]"
            _want(item, dict, where, "an object with 'expression'")
            out.validations.append(
                ValidationSpec(
                    path=where,
                    index=i,
                    expression=_expression(item, where),
                    message=_optional_string(item, "message", where),
                    message_expression=_optional_string(item, "messageExpression", where),
                )
            )
    return out
