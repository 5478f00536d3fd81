"""Errors: what the user gave us is wrong (load time) or a rule failed to run."""

from __future__ import annotations

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_ERROR = 2


class GuardError(Exception):
    """An input problem. ``str()`` is one line: where, then what is wrong."""

    exit_code = EXIT_ERROR

    def __init__(self, where: str, why: str):
        self.where = where
        self.why = why
        super().__init__(f"{where}: {why}" if where else why)


class LoadError(GuardError):
    """A policy, payload or bindings file cannot be used."""


class RuleError(Exception):
    """A rule could not be evaluated; its text is the rule's ERROR reason."""
