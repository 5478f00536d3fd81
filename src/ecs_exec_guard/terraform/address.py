"""Terraform resource addresses: ``module.a["k"].module.b[0].data.TYPE.NAME[1]``."""

from __future__ import annotations

import functools
import json
import re
from typing import NamedTuple

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_INT = re.compile(r"-?[0-9]+")
# A JSON-style double-quoted string, as Terraform writes for_each keys.
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)

Index = int | str | None


# named tuples, not dataclasses: a large plan has thousands of addresses,
# and a tuple is made several times faster than a frozen dataclass
class ModuleStep(NamedTuple):
    name: str
    index: Index = None


class ResourceAddress(NamedTuple):
    modules: tuple[ModuleStep, ...]
    mode: str  # "managed" or "data"
    type: str
    name: str
    index: Index = None

    @property
    def module_names(self) -> tuple[str, ...]:
        return tuple(step.name for step in self.modules)

    @property
    def module_address(self) -> str | None:
        if not self.modules:
            return None
        return ".".join(f"module.{step.name}{format_index(step.index)}" for step in self.modules)

    @property
    def block_kind(self) -> str:
        """The HCL block keyword that declares this resource."""
        return "data" if self.mode == "data" else "resource"


def format_index(index: Index) -> str:
    if index is None:
        return ""
    if isinstance(index, int):
        return f"[{index}]"
    return "[" + json.dumps(index, ensure_ascii=False) + "]"


# Addresses without string keys (most of them), in one regular-expression pass.
_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\[-?[0-9]+\])?(?:\.[A-Za-z_][A-Za-z0-9_-]*(?:\[-?[0-9]+\])?)*\Z")
_SIMPLE_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)(?:\[(-?[0-9]+)\])?")


def _split(address: str) -> list[tuple[str, Index]] | None:
    """Split an address into (identifier, index) steps, or None when malformed."""
    if _SIMPLE.match(address):
        return [(ident, int(index) if index else None) for ident, index in _SIMPLE_STEP.findall(address)]
    return _split_steps(address)


def _split_steps(address: str) -> list[tuple[str, Index]] | None:
    steps: list[tuple[str, Index]] = []
    pos = 0
    end = len(address)
    while True:
        m = _IDENT.match(address, pos)
        if not m:
            return None
        ident = m.group()
        pos = m.end()
        index: Index = None
        if pos < end and address[pos] == "[":
            pos += 1
            q = _QUOTED.match(address, pos)
            if q:
                try:
                    index = json.loads(q.group())
                except ValueError:
                    return None
                pos = q.end()
            else:
                n = _INT.match(address, pos)
                if not n:
                    return None
                index = int(n.group())
                pos = n.end()
            if pos >= end or address[pos] != "]":
                return None
            pos += 1
        steps.append((ident, index))
        if pos == end:
            return steps
        if address[pos] != ".":
            return None
        pos += 1


def parse_address(address: object) -> ResourceAddress | None:
    """Parse a resource instance address; None when it is not one."""
    if not isinstance(address, str) or not address:
        return None
    return _parse_address(address)


@functools.lru_cache(maxsize=65536)
def _parse_address(address: str) -> ResourceAddress | None:
    # the same address is parsed by the analyzer, the sort and the locator
    steps = _split(address.strip())
    if steps is None:
        return None
    modules: list[ModuleStep] = []
    i = 0
    while i + 1 < len(steps) and steps[i] == ("module", None) and len(steps) - i > 2:
        name, index = steps[i + 1]
        modules.append(ModuleStep(name, index))
        i += 2
    rest = steps[i:]
    mode = "managed"
    if len(rest) == 3 and rest[0] == ("data", None):
        mode = "data"
        rest = rest[1:]
    if len(rest) != 2 or rest[0][1] is not None:
        return None
    (rtype, _), (rname, rindex) = rest
    return ResourceAddress(tuple(modules), mode, rtype, rname, rindex)


@functools.lru_cache(maxsize=4096)
def module_sort_key(module_address: str | None) -> tuple:
    """Root module first, then module addresses with numeric indices compared as numbers."""
    if not module_address:
        return (0,)
    steps = _split(module_address)
    if steps is None:
        return (2, module_address)
    return (1, tuple((ident, *_index_key(index)) for ident, index in steps))


def resource_sort_key(address: str) -> tuple:
    parsed = parse_address(address)
    if parsed is None:
        return (1, address)
    return (0, parsed.mode, parsed.type, parsed.name, _index_key(parsed.index))


def _index_key(index: Index) -> tuple:
    if index is None:
        return (0, 0, "")
    if isinstance(index, int):
        return (1, index, "")
    return (2, 0, index)
