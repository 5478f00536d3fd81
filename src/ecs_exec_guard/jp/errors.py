"""Exceptions raised by the expression language."""

from __future__ import annotations


class JPError(Exception):
    """Base class of every error raised by :mod:`ecs_exec_guard.jp`."""

    def __init__(self, message: str) -> None:
        # Messages are always a single line: callers print them verbatim.
        message = " ".join(str(message).split("\n"))
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class JPSyntaxError(JPError):
    """The expression text cannot be compiled (syntax or unknown function)."""


class JPRuntimeError(JPError):
    """Evaluating a compiled expression failed."""
