"""Exceptions raised by the CEL package."""

from __future__ import annotations


class CelError(Exception):
    """Base class of every error raised by :mod:`ecs_exec_guard.cel`."""

    def __init__(self, message: str) -> None:
        # Messages are single lines: callers print them verbatim.
        message = " ".join(str(message).split("\n"))
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class CelCompileError(CelError):
    """The expression does not parse or does not type-check."""


class CelEvalError(CelError):
    """Evaluating a compiled expression failed."""
