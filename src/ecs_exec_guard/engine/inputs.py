"""Payloads and bindings: read, checked, pre-processed."""

from __future__ import annotations

from .bindings import Bindings
from .documents import extension, load_data_file, parse_json, read_bytes
from .errors import LoadError, RuleError
from .expr import Expr, ExpressionSyntaxError


def load_bindings(path: str) -> dict:
    value = load_data_file(path, "bindings")
    if value is None:
        return {}
    if not isinstance(value, dict):
        kind = "a list" if isinstance(value, list) else type(value).__name__
        raise LoadError(path, f"bindings must be a map of names to values, got {kind}")
    return value


def load_payload(path: str, need=None):
    """The payload; with a ``need`` (see :mod:`.access`) only what it keeps.

    JSON and YAML parsers here bound nesting depth themselves (JSON at
    1024 levels, YAML while composing), so no further walk is needed.
    """
    if need is not None and extension(path) == ".json":
        from .lazyjson import NOT_HANDLED, load_pruned

        value = load_pruned(path, need)
        if value is NOT_HANDLED:
            value = parse_json(read_bytes(path, "payload"), path)
    else:
        value = load_data_file(path, "payload")
    if value is None:
        raise LoadError(path, "payload is `null`")
    return value


def compile_preprocessors(exprs: list[str]) -> list[Expr]:
    out = []
    for i, text in enumerate(exprs):
        try:
            out.append(Expr(text))
        except ExpressionSyntaxError as exc:
            raise LoadError(f"--pre-process #{i + 1}", str(exc)) from None
    return out


def preprocess(payload, exprs: list[Expr]):
    for e in exprs:
        try:
            result = e.run(payload, Bindings())
        except RuleError as exc:
            raise LoadError(f"--pre-process {e.text!r}", str(exc)) from None
        if result is None:
            raise LoadError(f"--pre-process {e.text!r}", f"prepocessor resulted in `null` payload ({e.text})")
        payload = result
    return payload


def as_resources(payload) -> list:
    return payload if isinstance(payload, list) else [payload]
