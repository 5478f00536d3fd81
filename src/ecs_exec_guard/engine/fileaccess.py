"""How input files are found and opened: regular files only, contained, bounded.

Payloads, policies and bindings may come from people the user does not
trust (a pull request's files). Every one of them is read the same way:

* opened with ``O_NONBLOCK`` (a FIFO cannot block the open) and, unless
  the caller allows it, ``O_NOFOLLOW`` (a final symbolic link is refused);
  before opening, ``lstat`` refuses FIFOs, devices and sockets without
  touching them;
* the open descriptor is checked with ``fstat``: a regular file, not over
  the size cap for its kind, not on ``/proc``, ``/sys`` or ``/dev``;
* inside a :func:`confined` scope (the GitHub Action), the file the
  descriptor names must lie inside the root once links are resolved.

Folders and glob patterns are walked without following symbolic links: a
link is never descended into, and a link (or special file) that would be
picked as an input is an error rather than silently read or skipped.
Walks are capped in the entries they look at and in the files they
yield; results are deduplicated by the file itself (device and inode).

Outside a confined scope (the command line) there is no root, and a file
named on the command line may be a symbolic link to a regular file; files
found by walking a folder may not.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import fnmatch
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import LoadError

MIB = 1024 * 1024
# Largest file read for each kind of input. A 100,000-resource plan is
# about 165 MB; policies and bindings are small hand-written files.
MAX_BYTES = {"payload": 1024 * MIB, "policy": 16 * MIB, "bindings": 16 * MIB}
DEFAULT_MAX_BYTES = 1024 * MIB
# A pattern or a folder yields at most this many files...
MAX_MATCHES = 1000
# ...and its walk looks at no more than this many folder entries.
MAX_VISITS = 200_000
# Pseudo file systems: their "regular files" are not data (and may block).
_PSEUDO = ("/proc", "/sys", "/dev")
_WILDCARD = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Scope:
    root: str | None = None  # real path: every file read must resolve inside it
    trusted: tuple[str, ...] = ()  # real folders read without the root rule (the bundled policy)


_OPEN = Scope()
_SCOPE: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("ecs_exec_guard_file_scope", default=None)


@contextlib.contextmanager
def confined(root: str, trusted: tuple[str, ...] = ()) -> Iterator[Scope]:
    """Within the block, files must resolve inside ``root`` and may not be symbolic links."""
    scope = Scope(os.path.realpath(root), tuple(os.path.realpath(t) for t in trusted))
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


def current_scope() -> Scope:
    return _SCOPE.get() or _OPEN


def inside(real: str, folder: str) -> bool:
    """Whether the real path ``real`` is ``folder`` or lies under it."""
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def _refuse(path: str, what: str, why: str) -> LoadError:
    return LoadError(path, f"{what} file refused: {why}; only regular files are read")


def _fd_path(fd: int, fallback: str) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return os.path.realpath(fallback)


def _trusted(real: str, scope: Scope) -> bool:
    return any(inside(real, t) for t in scope.trusted)


def open_checked(path: str, what: str, *, walked: bool = False) -> tuple[int, int]:
    """An open descriptor of ``path`` and its size, after every check; the caller closes it.

    ``walked``: the file was found by walking a folder or a pattern (a
    symbolic link is then refused even outside a confined scope).
    """
    scope = current_scope()
    real = os.path.realpath(path)
    # trusted as named and once resolved: a link into the bundled files is no exception
    trusted = _trusted(os.path.abspath(path), scope) and _trusted(real, scope)
    if scope.root is not None and not trusted and not inside(real, scope.root):
        raise LoadError(path, f"{what} file is outside the workspace ({scope.root})")
    follow = (scope.root is None or trusted) and not walked
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except FileNotFoundError:
        raise LoadError(path, f"{what} file not found") from None
    except PermissionError:
        raise LoadError(path, f"{what} file is not readable (permission denied)") from None
    except OSError as exc:
        raise LoadError(path, f"cannot read {what} file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise LoadError(path, f"{what} path is a directory, expected a file")
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(path, what, f"it is {_kind(st.st_mode)}")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise LoadError(path, f"{what} file not found") from None
    except PermissionError:
        raise LoadError(path, f"{what} file is not readable (permission denied)") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _refuse(path, what, "it is a symbolic link") from None
        raise LoadError(path, f"cannot read {what} file ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(path, what, f"it is {_kind(st.st_mode)}")
        opened = _fd_path(fd, path)
        pseudo = next((p for p in _PSEUDO if inside(opened, p)), None)
        if pseudo:
            raise _refuse(path, what, f"it is under {pseudo}")
        if scope.root is not None and not _trusted(opened, scope) and not inside(opened, scope.root):
            raise LoadError(path, f"{what} file is outside the workspace ({scope.root})")
        cap = MAX_BYTES.get(what, DEFAULT_MAX_BYTES)
        if st.st_size > cap:
            raise LoadError(path, f"{what} file is too large ({st.st_size} bytes; at most {cap} are read)")
        # reads are blocking again (the file is regular: nothing to wait for)
        os.set_blocking(fd, True)
        return fd, st.st_size
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str, what: str, *, walked: bool = False) -> bytes:
    """The whole content of an input file, read after :func:`open_checked`."""
    fd, size = open_checked(path, what, walked=walked)
    cap = MAX_BYTES.get(what, DEFAULT_MAX_BYTES)
    try:
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(max(size + 1 - total, 1), cap + 1 - total, 64 * MIB))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise LoadError(path, f"{what} file is too large (more than {cap} bytes)")
        return b"".join(chunks)
    except OSError as exc:
        raise LoadError(path, f"cannot read {what} file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def read_head(path: str, what: str, size: int) -> bytes | None:
    """The first ``size`` bytes of an input file, or None when it would be refused."""
    try:
        fd, _total = open_checked(path, what)
    except LoadError:
        return None
    try:
        return os.read(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)


# -- walking ------------------------------------------------------------------


class _Budget:
    def __init__(self, where: str, what: str):
        self.where = where
        self.what = what
        self.visits = 0

    def visit(self) -> None:
        self.visits += 1
        if self.visits > MAX_VISITS:
            raise LoadError(
                self.where,
                f"looked at more than {MAX_VISITS} folder entries for {self.what} files; "
                "use a narrower path or pattern",
            )


def _scan(folder: str, budget: _Budget) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            entries = []
            for entry in it:
                budget.visit()
                entries.append(entry)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise LoadError(folder, f"cannot list folder ({exc.strerror or exc})") from None
    entries.sort(key=lambda e: e.name)
    return entries


def _entry_mode(entry: os.DirEntry) -> int:
    try:
        return entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return 0


class _Found:
    """Files picked by a walk, in order, once each, capped."""

    def __init__(self, where: str, what: str):
        self.where = where
        self.what = what
        self.paths: list[str] = []
        self._seen: set[tuple[int, int]] = set()

    def add(self, path: str, entry: os.DirEntry) -> None:
        mode = _entry_mode(entry)
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise _refuse(path, self.what, f"it is {_kind(mode)}")
        st = entry.stat(follow_symlinks=False)
        key = (st.st_dev, st.st_ino)
        if key in self._seen:
            return
        self._seen.add(key)
        if len(self.paths) >= MAX_MATCHES:
            raise LoadError(
                self.where, f"more than {MAX_MATCHES} {self.what} files found; use a narrower path or pattern"
            )
        self.paths.append(path)


def walk_files(folder: str, suffixes: tuple[str, ...], what: str) -> list[str]:
    """Files under ``folder`` whose name ends with one of ``suffixes``, sorted, links not followed."""
    found = _Found(folder, what)
    budget = _Budget(folder, what)
    stack = [folder]
    while stack:
        current = stack.pop()
        entries = _scan(current, budget)
        subdirs = []
        for entry in entries:
            path = os.path.join(current, entry.name)
            mode = _entry_mode(entry)
            if stat.S_ISDIR(mode):
                subdirs.append(path)
            elif entry.name.lower().endswith(suffixes):
                found.add(path, entry)
        stack.extend(reversed(subdirs))
    return found.paths


def has_wildcard(text: str) -> bool:
    return bool(_WILDCARD.search(text))


def split_pattern(pattern: str) -> tuple[str, list[str]]:
    """(the static folder before the first wildcard component, the remaining components)."""
    parts = [p for p in re.split(r"[\\/]+", pattern) if p not in ("", ".")]
    static: list[str] = []
    for i, part in enumerate(parts):
        if _WILDCARD.search(part):
            rest = parts[i:]
            if ".." in rest:
                raise LoadError(pattern, "a pattern may not hold '..' after a wildcard")
            return "/".join(static) or ".", rest
        static.append(part)
    return "/".join(static[:-1]) or ".", static[-1:]


class _Component:
    def __init__(self, text: str):
        self.text = text
        self.deep = text == "**"
        self.wild = bool(_WILDCARD.search(text))
        self.rx = re.compile(fnmatch.translate(text)) if self.wild and not self.deep else None

    def matches(self, name: str) -> bool:
        if not self.wild:
            return name == self.text
        if name.startswith(".") and not self.text.startswith("."):
            return False  # as glob: wildcards do not match hidden names
        return bool(self.rx.match(name))


def glob_files(base: str, components: list[str], what: str, where: str) -> list[str]:
    """Paths under ``base`` matching ``components`` (``**`` = any depth), links never followed.

    Matches are sorted by path; a match that is a symbolic link or a
    special file is an error. Folders match too (the caller decides).
    """
    comps = [_Component(c) for c in components]
    n = len(comps)

    def closure(states: set[int]) -> set[int]:
        out = set(states)
        todo = list(states)
        while todo:
            i = todo.pop()
            if i < n and comps[i].deep and i + 1 not in out:
                out.add(i + 1)
                todo.append(i + 1)
        return out

    def step(states: set[int], name: str) -> set[int]:
        nxt = set()
        for i in states:
            if i >= n:
                continue
            c = comps[i]
            if c.deep:
                if not name.startswith("."):
                    nxt.add(i)
            elif c.matches(name):
                nxt.add(i + 1)
        return closure(nxt)

    matches: list[tuple[str, os.DirEntry]] = []
    budget = _Budget(where, what)
    stack: list[tuple[str, str, set[int]]] = [(base, "", closure({0}))]
    while stack:
        folder, rel, states = stack.pop()
        for entry in _scan(folder, budget):
            nxt = step(states, entry.name)
            if not nxt:
                continue
            path = os.path.join(folder, entry.name)
            relpath = f"{rel}/{entry.name}" if rel else entry.name
            mode = _entry_mode(entry)
            if n in nxt:
                matches.append((relpath, entry))
                if len(matches) > MAX_MATCHES * 4:
                    raise LoadError(where, f"more than {MAX_MATCHES} {what} files found; use a narrower pattern")
            if stat.S_ISDIR(mode) and any(i < n for i in nxt):
                stack.append((path, relpath, nxt))
    matches.sort(key=lambda m: m[0])
    found = _Found(where, what)
    for relpath, entry in matches:
        found.add(os.path.join(base, relpath), entry)
    return found.paths
