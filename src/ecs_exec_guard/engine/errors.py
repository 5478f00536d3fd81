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
    """A rule could not be evaluated; its text is the rule's ERROR reason.

    The text log and the JSON report spell some reasons differently (the
    report's paths start at the assertion tree, or at ``spec.rules[R]``
    for a context entry); ``json`` is the report's spelling.
    """

    def __init__(self, text: str, json: str | None = None):
        super().__init__(text)
        self.json = text if json is None else json

    def wrap(self, prefix: str, json_prefix: str | None = None) -> RuleError:
        """This error under ``prefix`` (text) and ``json_prefix`` (report)."""
        return RuleError(prefix + str(self), (prefix if json_prefix is None else json_prefix) + self.json)
