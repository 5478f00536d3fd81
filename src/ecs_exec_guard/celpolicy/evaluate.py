"""Evaluate a compiled CEL ValidatingPolicy on one JSON payload.

The order is Kyverno's for JSON payloads:

1. ``matchConditions`` in order: the first ``false`` skips the payload;
   an error (or a non-bool) in a condition that is not followed by a
   ``false`` gives ``error`` (``skip`` under ``failurePolicy: Ignore``).
2. ``validations`` in order: an error or a non-bool result gives
   ``error``; the first ``false`` gives ``fail`` with the validation's
   message (``messageExpression``'s value when it has one, the
   ``message`` otherwise, "CEL expression validation failed at index N"
   when both are empty); all ``true`` gives ``pass``.

``variables`` are evaluated lazily, at most once per payload, each seeing
only the variables declared before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .compile import CelPolicy

PASS = "pass"
FAIL = "fail"
ERROR = "error"
SKIP = "skip"


@dataclass
class CelOutcome:
    status: str  # pass, fail, error or skip
    message: str = ""  # the failure message, or the error text
    index: int | None = None  # the validation that decided a fail or error


class _Failed:
    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


class LazyVariables(Mapping):
    """``variables``: each value computed on first use, once per payload.

    Several views share one cache; a view exposes only the first
    ``limit`` variables, so a variable sees only the ones before it.
    """

    __slots__ = ("_programs", "_index", "_limit", "_cache", "_base")

    def __init__(self, programs, base: dict, limit: int, index=None, cache=None):
        self._programs = programs
        self._index = index if index is not None else {name: i for i, (name, _) in enumerate(programs)}
        self._limit = limit
        self._cache = cache if cache is not None else {}
        self._base = base

    def _visible(self, key) -> bool:
        i = self._index.get(key) if isinstance(key, str) else None
        return i is not None and i < self._limit

    def __contains__(self, key) -> bool:
        return self._visible(key)

    def __getitem__(self, key):
        if not self._visible(key):
            raise KeyError(key)
        cache = self._cache
        if key in cache:
            value = cache[key]
        else:
            from ..cel import CelEvalError

            i = self._index[key]
            program = self._programs[i][1]
            activation = dict(self._base)
            activation["variables"] = LazyVariables(self._programs, self._base, i, self._index, cache)
            try:
                value = program.evaluate(activation)
            except CelEvalError as exc:
                value = _Failed(exc)
            except RecursionError:
                value = _Failed(CelEvalError("expression evaluation nested too deeply"))
            cache[key] = value
        if isinstance(value, _Failed):
            raise value.error
        return value

    def __iter__(self):
        return (name for name, _ in self._programs[: self._limit])

    def __len__(self) -> int:
        return min(self._limit, len(self._programs))


def _activation(payload) -> dict:
    return {"object": payload, "oldObject": None, "request": None, "namespaceObject": None}


def _error_text(exc) -> str:
    return str(exc) or type(exc).__name__


def evaluate_policy(policy: CelPolicy, payload) -> CelOutcome:
    """The outcome of one policy on one payload (never raises for CEL errors)."""
    from ..cel import CelEvalError

    base = _activation(payload)
    programs = policy.variables
    index = {name: i for i, (name, _) in enumerate(programs)}
    cache: dict = {}

    # match conditions: variables are not available to them
    errors = []
    data = dict(base)
    data["variables"] = LazyVariables(programs, base, 0, index, cache)
    for i, program in enumerate(policy.match_conditions):
        where = f"spec.matchConditions[{i}].expression: "
        try:
            value = program.evaluate(data)
        except CelEvalError as exc:
            errors.append(where + _error_text(exc))
            continue
        except RecursionError:
            errors.append(where + "expression evaluation nested too deeply")
            continue
        if value is False:
            return CelOutcome(SKIP)
        if value is not True:
            errors.append(where + f"result is not a bool: {_type_of(value)}")
    if errors:
        if policy.failure_policy == "Ignore":
            return CelOutcome(SKIP)
        return CelOutcome(ERROR, "; ".join(errors))

    data = dict(base)
    data["variables"] = LazyVariables(programs, base, len(programs), index, cache)
    for v in policy.validations:
        try:
            value = v.program.evaluate(data)
        except CelEvalError as exc:
            return CelOutcome(ERROR, f"spec.validations[{v.index}].expression: {_error_text(exc)}", v.index)
        except RecursionError:
            return CelOutcome(ERROR, f"spec.validations[{v.index}].expression: expression evaluation nested too deeply", v.index)
        if value is True:
            continue
        if value is not False:
            return CelOutcome(
                ERROR, f"spec.validations[{v.index}].expression: result is not a bool: {_type_of(value)}", v.index
            )
        message = v.message
        if v.message_program is not None:
            try:
                out = v.message_program.evaluate(data)
            except CelEvalError as exc:
                message = f"failed to evaluate message expression: {_error_text(exc)}"
            except RecursionError:
                message = "failed to evaluate message expression: expression evaluation nested too deeply"
            else:
                if isinstance(out, str):
                    message = out
                else:
                    message = f"failed to convert message expression to string: {_type_of(out)}"
        if message == "":
            message = f"CEL expression validation failed at index {v.index}"
        return CelOutcome(FAIL, message, v.index)
    return CelOutcome(PASS)


def _type_of(value) -> str:
    if value is None:
        return "null_type"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, Mapping):
        return "map"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


class CelCheck:
    """Where a CEL failure comes from, for reports shared with kyverno-json."""

    __slots__ = ("index",)
    kind = "validations"

    def __init__(self, index: int):
        self.index = index


def rule_result(policy: CelPolicy, payload, identifier: str = ""):
    """The scan view of an outcome: one unnamed rule, no result when skipped.

    ``identifier`` names the resource in the log (an analyzer resource's address)."""
    from ..engine.evaluate import RuleResult, Violation

    if not policy.json_mode:
        return None
    outcome = evaluate_policy(policy, payload)
    if outcome.status == SKIP:
        return None
    result = RuleResult(policy, policy.rules[0], identifier)
    if outcome.status == ERROR:
        result.error = outcome.message
    elif outcome.status == FAIL:
        result.violations = [Violation(CelCheck(outcome.index or 0), outcome.message, [])]
    return result
