"""Named function sets (which libraries an :class:`Environment` sees)."""

from __future__ import annotations

from . import stdlib
from .library import Library


def build(name: str) -> Library:
    lib = Library()
    lib.extend(stdlib.build())
    if name == "standard":
        return lib
    from . import extensions

    extensions.install(lib, name)
    return lib
