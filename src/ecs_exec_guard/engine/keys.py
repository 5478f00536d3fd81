"""The syntax of assertion-tree keys and string leaves.

A key is read in this order (kyverno-json's rules):

1. ``~name.`` prefix: iterate over the projection (``name`` optional,
   bound to the index or map key);
2. ``-> name`` suffix: bind the projected value to ``$name``;
3. ``\\text\\``: an escaped, literal key (nothing else applies);
4. ``(expr)`` or ``(engine; expr)``: an expression (``jp`` or ``cel``;
   without one, or with ``default``, the compiler in scope);
5. anything else: a plain map key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Go's regexp: `.` does not match a newline, `\w` is ASCII, `$` is end of text.
_FOREACH = re.compile(r"~(\w+)?\.(.*)", re.ASCII)
_BINDING = re.compile(r"(.*)\s*->\s*(\w+)\Z", re.ASCII)
_ESCAPE = re.compile(r"\\(.+)\\\Z")
_COMPILER = re.compile(r"\((?:(\w+);)?(.+)\)\Z", re.ASCII)

ENGINE_JP = "jp"
ENGINE_CEL = "cel"
# ``(expr)`` or ``(default; expr)``: the compiler set by the nearest
# ``compiler:`` field (policy, rule, match, assert, assertion, context), else jp
ENGINE_DEFAULT = "default"
COMPILERS = (ENGINE_JP, ENGINE_CEL)


@dataclass(frozen=True)
class KeySyntax:
    foreach: bool = False
    foreach_name: str = ""
    binding: str = ""
    engine: str = ""  # "" for a plain key or literal, else the expression engine
    statement: str = ""


def parse_key(text: str) -> KeySyntax:
    foreach = False
    foreach_name = ""
    binding = ""
    engine = ""
    m = _FOREACH.match(text)
    if m:
        foreach = True
        foreach_name = m.group(1) or ""
        text = m.group(2)
    m = _BINDING.match(text)
    if m:
        binding = m.group(2)
        text = m.group(1)
    m = _ESCAPE.match(text)
    if m:
        text = m.group(1)
    else:
        m = _COMPILER.match(text)
        if m:
            engine = m.group(1) or ENGINE_DEFAULT
            text = m.group(2)
    return KeySyntax(foreach, foreach_name, binding, engine, text)
