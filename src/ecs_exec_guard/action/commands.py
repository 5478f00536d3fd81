"""Workflow commands (``::error ...``) and file commands (``GITHUB_OUTPUT``).

Untrusted text never reaches the log unescaped: annotation messages go
through :func:`escape_data`, annotation properties through
:func:`escape_property` (GitHub's rules), a property without a value is
left out rather than written empty, and any other untrusted text is
printed between ``::stop-commands::TOKEN`` and ``::TOKEN::`` so that the
runner reads none of it as a command.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass


def escape_data(value) -> str:
    """A command's message: ``%``, CR and LF encoded."""
    return str(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
        if self.file:
            props.append(("file", self.file))
        if self.file and isinstance(self.line, int) and self.line > 0:
            props.append(("line", str(self.line)))
        if self.title:
            props.append(("title", self.title))
        return props


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


def quoted_log(text: str) -> str:
    """``text`` framed so that the runner processes no workflow command inside it."""
    if not text:
        return ""
    token = new_token(text)
    body = text if text.endswith("\n") else text + "\n"
    return f"::stop-commands::{token}\n{body}::{token}::\n"


def output_text(outputs: dict[str, str]) -> str:
    """``GITHUB_OUTPUT`` entries, each as a heredoc whose delimiter the value does not hold."""
    parts = []
    for name, value in outputs.items():
        value = str(value)
        delimiter = "ghadelimiter_" + new_token(value + name)
        parts.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(parts)
