"""Payloads and bindings: read, checked, pre-processed."""

from __future__ import annotations

from .bindings import Bindings
from .documents import check_depth, load_data_file
from .errors import LoadError, RuleError
from .expr import Expr, ExpressionSyntaxError


def load_bindings(path: str) -> dict:
    value = load_data_file(path, "bindings")
    if value is None:
        return {}
    if not isinstance(value, dict):
        kind = "a list" if isinstance(value, list) else type(value).__name__
        raise LoadError(path, f"bindings must be a map of names to values, got {kind}")
    bad = [k for k in value if not isinstance(k, str) or not k.isidentifier()]
    if bad:
        raise LoadError(path, f"binding name {bad[0]!r} cannot be used as a variable ($name)")
    check_depth(value, path)
    return value


def load_payload(path: str):
    value = load_data_file(path, "payload")
    if value is None:
        raise LoadError(path, "payload is `null`")
    check_depth(value, path)
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
