"""Writing files so that no reader ever sees half of one."""

from __future__ import annotations

import os
import tempfile


def write_atomic(path: str, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    write_atomic_with(path, lambda fh: fh.write(data))


def write_atomic_with(path: str, write, buffering: int = -1) -> None:
    """``write(fh)`` into a temporary file beside ``path``, then rename it over ``path``.

    On any error (disk full, a size limit) the temporary file is removed and
    ``path`` is left as it was.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".ecs-exec-guard-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb", buffering=buffering) as fh:
            write(fh)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def append_text(path: str, text: str) -> None:
    """Append ``text`` (already complete) with a single write.

    A cancelling signal that arrives meanwhile waits until the whole block
    is written (see :mod:`.cancel`).
    """
    from .cancel import appended, deferred

    data = text.encode("utf-8")
    with deferred():
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        finally:
            os.close(fd)
        appended(path)


def file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def writable_dir(path: str | None) -> bool:
    return bool(path) and os.path.isdir(path) and os.access(path, os.W_OK | os.X_OK)
