"""Line index of the top-level blocks of a Terraform (HCL) file, in linear time.

A small scanner, not a parser: it follows quoted strings (with ``${ }`` and
``%{ }`` templates nested to any depth), heredocs (``<<EOF`` and ``<<-EOF``),
comments (``#``, ``//``, ``/* */``) and the brackets of expressions, so that
braces inside them are not counted. For each top-level ``resource``,
``data`` and ``module`` block it records its first and closing line, the
nested blocks (``dynamic "x"`` counts as block ``x``) and every argument
with its line, whether its value holds the string ``"NONE"`` and which
``var.NAME`` it references.

Every step moves forward through the text and looks back at most a bounded
number of characters, so the time is linear in the size of the file. A
``deadline`` (a ``time.monotonic()`` value) stops the scan with
:class:`OutOfTime`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

BlockKey = tuple[str, str, str]  # (keyword, first label, second label or "")

_CODE_TOKEN = re.compile(
    r"""
      (?P<nl>\n)
    | (?P<lc>(?:\#|//)[^\n]*)
    | (?P<bc>/\*)
    | (?P<hd><<-?(?P<marker>[A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n)
    | (?P<str>")
    | (?P<ob>\{)
    | (?P<cb>\})
    | (?P<op>[\[(])
    | (?P<cp>[\])])
    | (?P<var>(?<![A-Za-z0-9_.-])var\.(?P<varname>[A-Za-z_][A-Za-z0-9_-]*))
    """,
    re.X,
)
_STRING_TOKEN = re.compile(r'\\.|\$\$\{|%%\{|\$\{|%\{|"|\n', re.S)
_LABEL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|([A-Za-z_][A-Za-z0-9_-]*)')
_HEADER = re.compile(r'[ \t]*([A-Za-z_][A-Za-z0-9_-]*)((?:[ \t]+(?:"(?:[^"\\\n]|\\.)*"|[A-Za-z_][A-Za-z0-9_-]*))*)[ \t]*')
_ATTR = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=(?![=>])")
MAX_HEADER = 4096  # a block header longer than this is not looked at
TOP_KINDS = frozenset({"resource", "data", "module"})
_CHECK_EVERY = 4096


class OutOfTime(Exception):
    """The deadline passed before the file was indexed."""


@dataclass
class Attr:
    path: tuple[str, ...]  # enclosing nested blocks, then the argument name
    line: int
    none: bool = False  # its value holds the string "NONE"
    refs: list[str] = field(default_factory=list)  # NAME of each var.NAME in its value


@dataclass
class Block:
    kind: str
    labels: tuple[str, ...]
    start_line: int
    end_line: int = 0
    attrs: list[Attr] = field(default_factory=list)
    blocks: list[tuple[tuple[str, ...], int]] = field(default_factory=list)  # nested block path, line

    @property
    def logging_none_line(self) -> int | None:
        for a in self.attrs:
            if a.path[-1] == "logging" and a.none:
                return a.line
        return None

    def attr(self, path: tuple[str, ...]) -> Attr | None:
        for a in self.attrs:
            if a.path == path:
                return a
        return None

    def block_line(self, path: tuple[str, ...]) -> int | None:
        for p, line in self.blocks:
            if p == path:
                return line
        return None


def _labels(text: str) -> tuple[str, ...]:
    return tuple(m.group(1) if m.group(1) is not None else m.group(2) for m in _LABEL.finditer(text))


def index_blocks(text: str, deadline: float | None = None) -> dict[BlockKey, Block]:
    """Map the key of each top-level resource/data/module block to its Block (first block wins)."""
    blocks: dict[BlockKey, Block] = {}
    end = len(text)
    pos = 0
    line = 1
    # Nesting inside expressions: None for a quoted string, an int (open braces) for a template interpolation.
    strings: list[int | None] = []
    # Brackets of the structure: ("block", name, dynamic) or ("expr",); frames[0] is the top-level block.
    frames: list[tuple] = []
    current: Block | None = None  # the top-level block being read (None: one we do not index)
    attr: Attr | None = None  # the argument whose value is being read
    attr_line = 0  # line where that argument started
    seg_start = 0  # where the text that may be a block header starts: the line, or after a brace on it
    steps = 0

    def block_path() -> tuple[str, ...]:
        path: list[str] = []
        parent_dynamic = False
        for frame in frames[1:]:
            if frame[0] != "block":
                continue
            if not (frame[1] == "content" and parent_dynamic):
                path.append(frame[1])
            parent_dynamic = frame[2]
        return tuple(path)

    def at_block_level() -> bool:
        return bool(frames) and frames[-1][0] == "block"

    def start_attr(at: int) -> None:
        nonlocal attr, attr_line
        if current is None or not at_block_level():
            return
        a = _ATTR.match(text, at)
        if a:
            attr = Attr(block_path() + (a.group(1),), line)
            attr_line = line
            current.attrs.append(attr)

    while pos < end:
        steps += 1
        if deadline is not None and steps % _CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise OutOfTime
        if strings and strings[-1] is None:
            m = _STRING_TOKEN.search(text, pos)
            if m is None:
                break
            tok = m.group()
            pos = m.end()
            if tok == '"':
                strings.pop()
            elif tok == "\n":  # unterminated string: recover at the end of the line
                strings.pop()
                line += 1
                seg_start = pos
                start_attr(pos)
            elif tok == "${" or tok == "%{":
                strings.append(0)
            continue

        m = _CODE_TOKEN.search(text, pos)
        if m is None:
            break
        kind = m.lastgroup
        pos = m.end()
        if kind == "nl":
            line += 1
            seg_start = pos
            if not strings:
                start_attr(pos)
        elif kind == "str":
            if attr is not None and text.startswith('NONE"', pos):
                attr.none = True
            strings.append(None)
        elif kind == "var":
            if attr is not None and len(attr.refs) < 16:
                attr.refs.append(m.group("varname"))
        elif kind == "ob":
            if strings:
                strings[-1] += 1
            elif not frames:
                current = None
                if m.start() - seg_start <= MAX_HEADER:
                    h = _HEADER.fullmatch(text, seg_start, m.start())
                    if h and h.group(1) in TOP_KINDS:
                        labels = _labels(h.group(2))
                        if labels:
                            current = Block(h.group(1), labels, line)
                frames.append(("block", "", False))
                attr = None
                seg_start = pos
                start_attr(pos)
            elif at_block_level() and attr_line != line and m.start() - seg_start <= MAX_HEADER:
                h = _HEADER.fullmatch(text, seg_start, m.start())
                if h:
                    name, labels = h.group(1), _labels(h.group(2))
                    dynamic = name == "dynamic" and bool(labels)
                    frames.append(("block", labels[0] if dynamic else name, dynamic))
                    if current is not None:
                        current.blocks.append((block_path(), line))
                    attr = None
                    seg_start = pos
                    start_attr(pos)
                else:
                    frames.append(("expr",))
            else:
                frames.append(("expr",))
        elif kind == "cb":
            if strings:
                if strings[-1] == 0:
                    strings.pop()  # end of a template interpolation, back in the string
                else:
                    strings[-1] -= 1
            elif frames:
                frame = frames.pop()
                if frame[0] == "block":
                    attr = None
                    seg_start = pos
                    if not frames:
                        if current is not None:
                            current.end_line = line
                            key = (current.kind, current.labels[0], current.labels[1] if len(current.labels) > 1 else "")
                            blocks.setdefault(key, current)
                        current = None
        elif kind == "op":
            if not strings:
                frames.append(("expr",))
        elif kind == "cp":
            if not strings and frames and frames[-1][0] == "expr":
                frames.pop()
        elif kind == "hd":
            line += 1
            term = re.compile(r"^[ \t]*" + re.escape(m.group("marker")) + r"[ \t]*\r?$", re.M)
            t = term.search(text, pos)
            stop = t.end() if t else end
            line += text.count("\n", pos, stop)
            pos = stop
            seg_start = text.rfind("\n", 0, pos) + 1
        elif kind == "bc":
            stop = text.find("*/", pos)
            stop = end if stop < 0 else stop + 2
            newlines = text.count("\n", pos, stop)
            if newlines:
                line += newlines
                seg_start = text.rfind("\n", 0, stop) + 1
            pos = stop
        # "lc": the comment runs to the end of the line; its newline is the next token.

    if current is not None:
        current.end_line = line
        key = (current.kind, current.labels[0], current.labels[1] if len(current.labels) > 1 else "")
        blocks.setdefault(key, current)
    return blocks
