"""Untrusted text made safe for a terminal, a CI log or an annotation.

Cluster names, messages, file names and values come from plans and
policies that a pull request can write. In a terminal or a CI log, control
characters are instructions: ESC starts sequences that move the cursor or
erase lines (hiding what was printed), BEL rings, NUL and other C0/C1
characters confuse readers, and Unicode bidirectional controls reorder
what is shown. They are written here as visible escapes (``\\x1b``,
``\\u202e``). Long texts are cut with a visible ellipsis and a count, so
that one value cannot flood the log.
"""

from __future__ import annotations

import re

# Characters printed as escapes: C0 controls (tab and line feed are left
# to each caller), DEL, C1 controls, and Unicode's bidirectional controls
# (ALM, LRM, RLM, LRE..RLO, LRI..PDI).
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CONTROLS_AND_BREAKS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Longest line of the log (and of an error line on standard error), and
# longest annotation message, in characters, before escaping.
MAX_LINE = 2000
MAX_ANNOTATION = 2000
MAX_TITLE = 200
# Longest ``file=`` of an annotation, in characters. A path cut short
# would name another file, so a longer one is left out, not cut.
MAX_FILE = 1000


def _escape(m: re.Match) -> str:
    ch = m.group(0)
    named = _NAMED.get(ch)
    if named:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, *, breaks: bool = False) -> str:
    """``text`` with control characters as visible escapes; ``breaks``: line feeds too."""
    pattern = CONTROLS_AND_BREAKS if breaks else CONTROLS
    return pattern.sub(_escape, text)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with a visible mark of what was cut."""
    if limit <= 0 or len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def log_line(text: str, limit: int = MAX_LINE) -> str:
    """One line for a terminal or a log: cut, then control characters escaped."""
    return escape_controls(clip(text, limit), breaks=True)


# The name a payload read from standard input is shown by: not a file, so
# never an annotation's ``file``.
STDIN_NAME = "<stdin>"
