"""Cancellation: SIGTERM and SIGINT end the action cleanly.

When a job is cancelled (or times out) the runner stops the container with
SIGTERM, then SIGKILL a few seconds later. The action's process is the
container's PID 1, for which the kernel ignores any signal that has no
handler: without one, SIGTERM did nothing and the job summary stayed empty.

:func:`run_cancellable` installs handlers that raise :class:`Cancelled` in
the main thread. The run stops where it is; files being written are
temporary files that the writers remove on any exception (the JSON report,
the SARIF file), so nothing half-written is left. Then what is known is
written: an error annotation, a job summary and the outputs saying that the
run was cancelled (each unless the run had already appended its own), and
the process exits with 128 + the signal number (143 for SIGTERM).

Appends to ``GITHUB_STEP_SUMMARY`` and ``GITHUB_OUTPUT`` run inside
:func:`deferred`: a signal arriving during one waits until the whole block
is written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Cancelled(BaseException):
    """The run was stopped by a signal (a BaseException: no ``except Exception`` swallows it)."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"cancelled by {signal.Signals(signum).name}")


_deferring = 0
_pending: int | None = None
_appended: set[str] = set()  # file-command files this process appended to


def _handler(signum, _frame) -> None:
    global _pending
    if _deferring:
        _pending = signum
        return
    raise Cancelled(signum)


@contextlib.contextmanager
def deferred():
    """Within the block, a cancelling signal waits; it takes effect when the block ends."""
    global _deferring, _pending
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
        if not _deferring and _pending is not None:
            signum, _pending = _pending, None
            raise Cancelled(signum)


def appended(path: str) -> None:
    """Record that ``path`` received a whole block from this run."""
    _appended.add(os.path.abspath(path))


def was_appended(path: str | None) -> bool:
    return bool(path) and os.path.abspath(path) in _appended


def run_cancellable(run) -> int:
    """``run()``, or, when a signal stops it, the cancelled run's outputs and 128 + signum."""
    if threading.current_thread() is not threading.main_thread():
        return run()
    previous = {s: signal.signal(s, _handler) for s in SIGNALS}
    try:
        try:
            return run()
        except Cancelled as exc:
            return report_cancelled(exc.signum)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def report_cancelled(signum: int) -> int:
    """Write what a cancelled run can say; a second signal no longer interrupts this."""
    global _deferring
    for s in SIGNALS:
        signal.signal(s, signal.SIG_IGN)
    _deferring = 0
    name = signal.Signals(signum).name
    reason = f"cancelled ({name}) before the check finished; its results are not known"
    from .commands import Annotation, output_text, render_annotations
    from .files import append_text
    from .summary import SummaryData, render

    problems = []
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and not was_appended(summary) and os.environ.get("INPUT_SUMMARY", "true").strip().lower() != "false":
        try:
            append_text(summary, render(SummaryData(result="cancelled", cancelled=reason)))
        except OSError as exc:
            problems.append(f"cannot write the job summary: {exc}")
    outputs = os.environ.get("GITHUB_OUTPUT")
    if outputs and not was_appended(outputs):
        try:
            append_text(outputs, output_text({"result": "cancelled"}))
        except OSError as exc:
            problems.append(f"cannot write the step outputs: {exc}")
    notes = [Annotation("error", f"ecs-exec-guard: {reason}")]
    notes += [Annotation("error", f"ecs-exec-guard: {p}") for p in problems]
    try:
        sys.stdout.write(render_annotations(notes))
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    return 128 + signum
