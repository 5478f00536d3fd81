"""Kyverno's CEL extensions on top of the standard library."""

from __future__ import annotations

from . import ext_go, ext_k8s
from .library import Library


def install(lib: Library, name: str) -> None:
    ext_go.install(lib)
    ext_k8s.install(lib)
