"""The action's inputs: read from ``INPUT_*`` variables, checked, paths resolved.

Every path a user gives is relative to the workspace (``GITHUB_WORKSPACE``,
the container's working directory) and must stay inside it once symbolic
links are resolved. Anything wrong raises :class:`InputError` with a
one-line message naming the input.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field

from ..engine.errors import GuardError

FAIL_ON = ("violations", "errors", "never")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


class _Core:
    """The runner's way of passing inputs: ``INPUT_<NAME>``, the name upper-cased
    with spaces as ``_`` (hyphens kept), the value trimmed."""

    @staticmethod
    def get_input(name: str) -> str:
        return os.environ.get(f"INPUT_{name.replace(' ', '_').upper()}", "").strip()


core = _Core()


class InputError(Exception):
    """An input the action cannot work with; ``str()`` is one line."""


@dataclass
class ActionInputs:
    workspace: str
    payloads: list[str]  # absolute paths, in order, no duplicates
    policies: list[str] = field(default_factory=list)  # absolute; empty: the bundled policy
    bindings: str | None = None
    terraform_dir: str | None = None
    fail_on: str = "violations"
    annotations: bool = True
    summary: bool = True
    changed_only: bool = False  # failures only for clusters the plan creates, updates or replaces
    sarif_file: str | None = None  # absolute
    report_file: str | None = None  # absolute; None: no JSON report
    report_resources: bool = False  # the report embeds each payload document


def workspace_dir() -> str:
    return os.path.realpath(os.environ.get("GITHUB_WORKSPACE") or os.getcwd())


def split_list(value: str) -> list[str]:
    """Entries separated by newlines or commas, trimmed, empty ones dropped."""
    return [part.strip() for part in re.split(r"[\n,]", value) if part.strip()]


def relative(path: str, workspace: str) -> str:
    """``path`` relative to the workspace, with ``/`` separators."""
    rel = os.path.relpath(path, workspace)
    return rel.replace(os.sep, "/")


def _inside(path: str, workspace: str) -> bool:
    real = os.path.realpath(path)
    return real == workspace or real.startswith(workspace.rstrip(os.sep) + os.sep)


def resolve_path(name: str, value: str, workspace: str) -> str:
    """An absolute path for ``value`` (relative to the workspace), refused when it leaves it."""
    if "\x00" in value:
        raise InputError(f"{name}: the path holds a NUL character")
    path = os.path.normpath(os.path.join(workspace, value))
    if not _inside(path, workspace):
        raise InputError(f"{name}: {value!r} is outside the workspace ({workspace})")
    return path


def expand(name: str, entries: list[str], workspace: str, *, want: str = "file") -> list[str]:
    """Expand each entry (a path or a glob pattern) to existing paths; sorted per pattern.

    Every path found is a regular file (or, when ``want`` allows, a folder)
    inside the workspace. Patterns are matched without following symbolic
    links; a symbolic link or a special file named or matched is refused.
    Paths are kept once each, by the file they name.
    """
    from ..engine.fileaccess import glob_files, has_wildcard, split_pattern

    what = "policy" if name == "policy" else name
    out: list[str] = []
    seen: set[tuple[int, int]] = set()
    for entry in entries:
        if "\x00" in entry:
            raise InputError(f"{name}: the path holds a NUL character")
        if has_wildcard(entry):
            try:
                static, components = split_pattern(entry)
            except GuardError as exc:
                raise InputError(f"{name}: {exc.why} ({entry!r})") from None
            base = resolve_path(name, static, workspace)
            found = []
            if os.path.isdir(base) and not os.path.islink(base):
                matches = glob_files(base, components, what, f"{name} {entry!r}")
                found = [os.path.normpath(m) for m in matches if _kind_ok(m, want)]
                found = [m for m in found if _inside(m, workspace)]
            if not found:
                raise InputError(f"{name}: no {_what(want)} matches {entry!r} in the workspace")
        else:
            path = resolve_path(name, entry, workspace)
            _check_named(name, entry, path, want)
            found = [path]
        for path in found:
            try:
                st = os.stat(path)
            except OSError as exc:
                raise InputError(f"{name}: cannot read {entry!r} ({exc.strerror or exc})") from None
            key = (st.st_dev, st.st_ino)
            if key not in seen:
                seen.add(key)
                out.append(path)
    return out


def _check_named(name: str, entry: str, path: str, want: str) -> None:
    """A path named in an input: present, not a link, of the kind wanted."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise InputError(f"{name}: {entry!r} not found in the workspace") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read {entry!r} ({exc.strerror or exc})") from None
    if stat.S_ISLNK(st.st_mode):
        raise InputError(f"{name}: {entry!r} is a symbolic link: refused, the action reads only regular files")
    if stat.S_ISDIR(st.st_mode):
        if want == "file":
            raise InputError(f"{name}: {entry!r} is a folder, expected a {_what(want)}")
        return
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{name}: {entry!r} is a special file (not a regular file): refused, expected a {_what(want)}")
    if want == "dir":
        raise InputError(f"{name}: {entry!r} is a file, expected a {_what(want)}")


def _kind_ok(path: str, want: str) -> bool:
    """Kind filter for pattern matches (which are never links)."""
    if want == "file":
        return os.path.isfile(path)
    if want == "dir":
        return os.path.isdir(path)
    return os.path.isfile(path) or os.path.isdir(path)


def _what(want: str) -> str:
    return {"file": "file", "dir": "folder"}.get(want, "file or folder")


def _boolean(name: str, default: bool) -> bool:
    raw = core.get_input(name)
    if raw == "":
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise InputError(f"{name}: expected true or false, got {raw!r}")


def read_inputs(workspace: str | None = None) -> ActionInputs:
    """Read and check every input of action.yml."""
    workspace = workspace or workspace_dir()
    if not os.path.isdir(workspace):
        raise InputError(f"workspace {workspace!r} is not a folder")

    fail_on = (core.get_input("fail-on") or "violations").lower()
    if fail_on not in FAIL_ON:
        raise InputError(f"fail-on: expected one of {', '.join(FAIL_ON)}, got {core.get_input('fail-on')!r}")
    annotations = _boolean("annotations", True)
    summary = _boolean("summary", True)
    changed_only = _boolean("changed-only", False)

    payload_entries = split_list(core.get_input("payload"))
    if not payload_entries:
        raise InputError("payload: required; give the path of a `terraform show -json` file")
    payloads = expand("payload", payload_entries, workspace, want="file")

    policies = expand("policy", split_list(core.get_input("policy")), workspace, want="any")

    bindings = None
    raw_bindings = core.get_input("bindings")
    if raw_bindings:
        bindings = expand("bindings", [raw_bindings], workspace, want="file")[0]

    terraform_dir = None
    raw_dir = core.get_input("terraform-dir")
    if raw_dir:
        terraform_dir = resolve_path("terraform-dir", raw_dir, workspace)
        if not os.path.isdir(terraform_dir):
            raise InputError(f"terraform-dir: {raw_dir!r} is not a folder in the workspace")

    sarif_file = None
    raw_sarif = core.get_input("sarif-file")
    if raw_sarif:
        sarif_file = resolve_path("sarif-file", raw_sarif, workspace)
        if os.path.isdir(sarif_file):
            raise InputError(f"sarif-file: {raw_sarif!r} is a folder, expected a file name")

    report_file = None
    raw_report = core.get_input("report-file")
    if raw_report:
        report_file = resolve_path("report-file", raw_report, workspace)
        if os.path.isdir(report_file):
            raise InputError(f"report-file: {raw_report!r} is a folder, expected a file name")
        if sarif_file is not None and os.path.realpath(report_file) == os.path.realpath(sarif_file):
            raise InputError("report-file: the same file as sarif-file; give each its own name")
    report_resources = _boolean("report-resources", False)

    return ActionInputs(
        workspace=workspace,
        payloads=payloads,
        policies=policies,
        bindings=bindings,
        terraform_dir=terraform_dir,
        fail_on=fail_on,
        annotations=annotations,
        summary=summary,
        sarif_file=sarif_file,
        report_file=report_file,
        report_resources=report_resources,
        changed_only=changed_only,
    )
