"""Workflow commands (``::error ...``) and file commands (``GITHUB_OUTPUT``).

Untrusted text never reaches the log unescaped: annotation messages (cut
to 2,000 characters, titles to 200) go through :func:`escape_data`,
annotation properties through :func:`escape_property` (GitHub's rules,
plus control characters as visible escapes), a property without a value
is left out rather than written empty, and any other untrusted text is
printed between ``::stop-commands::TOKEN`` and ``::TOKEN::`` so that the
runner reads none of it as a command (its lines cut to 2,000 characters).
"""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass

from ..safetext import MAX_ANNOTATION, MAX_FILE, MAX_TITLE, STDIN_NAME, clip, escape_controls, log_line

# Characters some readers take as line breaks although the runner does not:
# kept out of a command line so that no reader sees a second line in it.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def escape_data(value) -> str:
    """A command's message: ``%``, CR and LF encoded, other control characters
    as visible escapes (see :mod:`..safetext`), other line separators as spaces."""
    text = str(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return _OTHER_BREAKS.sub(" ", escape_controls(text))


def escape_property(value) -> str:
    """A command's property value: as data, plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Annotation:
    command: str  # "error" or "notice"
    message: str
    file: str | None = None
    line: int | None = None
    title: str | None = None

    @property
    def properties(self) -> list[tuple[str, str]]:
        """(name, value) of the properties that have a value, in GitHub's usual order."""
        props = []
        # a path over the cap is dropped (with its line) rather than cut into another path;
        # standard input is no file
        file = self.file if self.file and self.file != STDIN_NAME and len(str(self.file)) <= MAX_FILE else None
        if file:
            props.append(("file", file))
        if file and isinstance(self.line, int) and self.line > 0:
            props.append(("line", str(self.line)))
        if self.title:
            props.append(("title", clip(str(self.title), MAX_TITLE)))
        return props

    @property
    def text(self) -> str:
        """The message, cut to :data:`~..safetext.MAX_ANNOTATION` characters."""
        return clip(str(self.message), MAX_ANNOTATION)


@functools.cache
def _annotation_template():
    from ..templating import environment

    env = environment(autoescape=False).overlay()
    env.filters["data"] = escape_data
    env.filters["property"] = escape_property
    return env.get_template("annotations.txt.j2")


def render_annotations(annotations: list[Annotation]) -> str:
    """One workflow command a line, each line ended by a newline."""
    if not annotations:
        return ""
    return _annotation_template().render(annotations=annotations)


def new_token(avoid: str = "") -> str:
    while True:
        token = "ecs-exec-guard-" + secrets.token_hex(16)
        if token not in avoid:
            return token


def inert_lines(text: str) -> list[str]:
    """``text`` split into lines, none of which starts like a workflow command,
    each cut to :data:`~..safetext.MAX_LINE` characters with control characters escaped."""
    lines = (log_line(line) for line in text.splitlines())
    return ["\\" + line if line.lstrip().startswith("::") else line for line in lines]


def quoted_log(text: str) -> str:
    """``text`` for the log, framed by ``::stop-commands::`` so the runner reads no command in it.

    As a second guard, a line that would start with ``::`` is prefixed with a backslash.
    Lines are cut and control characters escaped (see :func:`inert_lines`).
    """
    lines = inert_lines(text)
    if not lines:
        return ""
    token = new_token(text)
    body = "".join(line + "\n" for line in lines)
    return f"::stop-commands::{token}\n{body}::{token}::\n"


def output_text(outputs: dict[str, str]) -> str:
    """``GITHUB_OUTPUT`` entries, each as a heredoc whose delimiter the value does not hold."""
    parts = []
    for name, value in outputs.items():
        value = str(value)
        delimiter = "ghadelimiter_" + new_token(value + name)
        parts.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(parts)
