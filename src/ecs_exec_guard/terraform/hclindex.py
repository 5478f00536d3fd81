"""Line index of the top-level ``resource``/``data`` blocks of a Terraform (HCL) file.

A small scanner, not a parser: it follows quoted strings (with ``${ }`` and
``%{ }`` templates nested to any depth), heredocs (``<<EOF`` and ``<<-EOF``)
and comments (``#``, ``//``, ``/* */``) so that braces inside them are not
counted, and records for each block its first and closing line and the first
``logging = "NONE"`` line inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BlockKey = tuple[str, str, str]  # (block keyword, type label, name label)

_CODE_TOKEN = re.compile(
    r"""
      (?P<nl>\n)
    | (?P<lc>(?:\#|//)[^\n]*)
    | (?P<bc>/\*)
    | (?P<hd><<-?(?P<marker>[A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n)
    | (?P<str>")
    | (?P<ob>\{)
    | (?P<cb>\})
    """,
    re.X,
)
_STRING_TOKEN = re.compile(r'\\.|\$\$\{|%%\{|\$\{|%\{|"|\n', re.S)
_LABEL = r'(?:"((?:[^"\\\n]|\\.)*)"|([A-Za-z_][A-Za-z0-9_-]*))'
_HEADER = re.compile(r"[ \t]*(resource|data)[ \t]+" + _LABEL + r"[ \t]+" + _LABEL + r"[ \t]*")
# What precedes the string "NONE" on its line when it is the value of a `logging` attribute.
_LOGGING_BEFORE = re.compile(r"(?:^|[\s{,;])logging[ \t]*=[ \t]*\Z")
# Cheap pre-filter: lines that look like a block header, whatever surrounds them.
HEADER_LINE = re.compile(
    r'^[ \t]*(resource|data)[ \t]+(?:"([^"\\\n]*)"|([A-Za-z_][A-Za-z0-9_-]*))[ \t]+'
    r'(?:"([^"\\\n]*)"|([A-Za-z_][A-Za-z0-9_-]*))[ \t]*\{',
    re.M,
)

_STRING = None  # stack marker for "inside a quoted string"


@dataclass(frozen=True)
class Block:
    start_line: int
    end_line: int
    logging_none_line: int | None


def header_keys(text: str) -> set[BlockKey]:
    """Keys of lines that look like block headers (may include false positives, e.g. inside heredocs)."""
    keys = set()
    for m in HEADER_LINE.finditer(text):
        keys.add(
            (
                m.group(1),
                m.group(2) if m.group(2) is not None else m.group(3),
                m.group(4) if m.group(4) is not None else m.group(5),
            )
        )
    return keys


def index_blocks(text: str) -> dict[BlockKey, Block]:
    """Map (keyword, type, name) of each top-level resource/data block to its lines (first block wins)."""
    blocks: dict[BlockKey, Block] = {}
    end = len(text)
    pos = 0
    line = 1
    line_start = 0
    depth = 0
    # Nesting inside expressions: _STRING for a quoted string, an int (open braces) for a template interpolation.
    stack: list[int | None] = []
    current: list | None = None  # [key, start_line, logging_none_line]

    def close(end_line: int) -> None:
        key, start_line, none_line = current
        if key not in blocks:
            blocks[key] = Block(start_line, end_line, none_line)

    while pos < end:
        if stack and stack[-1] is _STRING:
            m = _STRING_TOKEN.search(text, pos)
            if m is None:
                break
            tok = m.group()
            pos = m.end()
            if tok == '"':
                stack.pop()
            elif tok == "\n":  # unterminated string: recover at the end of the line
                stack.pop()
                line += 1
                line_start = pos
            elif tok == "${" or tok == "%{":
                stack.append(0)
            continue

        m = _CODE_TOKEN.search(text, pos)
        if m is None:
            break
        kind = m.lastgroup
        pos = m.end()
        if kind == "nl":
            line += 1
            line_start = pos
        elif kind == "str":
            if (
                not stack
                and current is not None
                and current[2] is None
                and text.startswith('NONE"', pos)
                and _LOGGING_BEFORE.search(text[line_start : m.start()])
            ):
                current[2] = line
            stack.append(_STRING)
        elif kind == "ob":
            if stack:
                stack[-1] += 1
            else:
                if depth == 0:
                    h = _HEADER.fullmatch(text, line_start, m.start())
                    if h:
                        rtype = h.group(2) if h.group(2) is not None else h.group(3)
                        rname = h.group(4) if h.group(4) is not None else h.group(5)
                        current = [(h.group(1), rtype, rname), line, None]
                depth += 1
        elif kind == "cb":
            if stack:
                if stack[-1] == 0:
                    stack.pop()  # end of a template interpolation, back in the string
                else:
                    stack[-1] -= 1
            elif depth > 0:
                depth -= 1
                if depth == 0 and current is not None:
                    close(line)
                    current = None
        elif kind == "hd":
            line += 1
            term = re.compile(r"^[ \t]*" + re.escape(m.group("marker")) + r"[ \t]*\r?$", re.M)
            t = term.search(text, pos)
            stop = t.end() if t else end
            line += text.count("\n", pos, stop)
            pos = stop
            line_start = text.rfind("\n", 0, pos) + 1
        elif kind == "bc":
            stop = text.find("*/", pos)
            stop = end if stop < 0 else stop + 2
            newlines = text.count("\n", pos, stop)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", 0, stop) + 1
            pos = stop
        # "lc": the comment runs to the end of the line; its newline is the next token.

    if current is not None:
        close(line)
    return blocks
