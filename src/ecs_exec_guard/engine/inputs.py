"""Payloads and bindings: read, checked, pre-processed."""

from __future__ import annotations

import os
import re

from .bindings import Bindings
from .documents import decode_text, extension, load_data_file, parse_json, parse_yaml_documents, read_bytes
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
        from .fileaccess import open_checked
        from .lazyjson import NOT_HANDLED, load_pruned

        # simdjson opens the file by name: give it the checked descriptor's
        # name, so that it reads what was checked (without /proc: read it here)
        fd, _size = open_checked(path, "payload")
        try:
            by_fd = f"/proc/self/fd/{fd}"
            value = load_pruned(by_fd, need) if os.path.exists(by_fd) else NOT_HANDLED
        finally:
            os.close(fd)
        if value is NOT_HANDLED:
            value = parse_json(read_bytes(path, "payload"), path)
    else:
        value = load_data_file(path, "payload")
    if value is None:
        raise LoadError(path, "payload is `null`")
    return value


_JSON_START = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*[\[{]")
_TERRAFORM_START = re.compile(rb'\A(?:\xef\xbb\xbf)?[ \t\r\n]*\{[ \t\r\n]*"format_version"[ \t\r\n]*:')


_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def looks_like_terraform(head: bytes) -> bool:
    """Does a document starting with ``head`` come from ``terraform show -json``?

    Terraform writes ``format_version`` first in plans and states; pretty
    printers (jq, python -m json.tool) keep the order. A head written as
    UTF-16 or UTF-32 with a byte order mark (PowerShell's ``>``) is read too.
    """
    for bom, codec in _WIDE_BOMS:
        if head.startswith(bom):
            cut = len(head) - (len(head) - len(bom)) % (4 if "32" in codec else 2)
            head = head[len(bom):cut].decode(codec, errors="replace").encode("utf-8")
            break
    return bool(_TERRAFORM_START.match(head)) or (
        bool(_JSON_START.match(head)) and b'"terraform_version"' in head and b'"format_version"' in head
    )


def load_payload_data(data: bytes, name: str):
    """A payload given as bytes (standard input): JSON when it starts like JSON, else YAML."""
    if _JSON_START.match(data):
        value = parse_json(data, name)
    else:
        docs = parse_yaml_documents(decode_text(data, name), name, core=True)
        docs = [d for d in docs if d is not None] if len(docs) > 1 else docs
        value = None if not docs else docs[0] if len(docs) == 1 else docs
    if value is None:
        raise LoadError(name, "payload is `null`")
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
