"""Files a pull request changes, to show its annotations first.

Known only when the event is a pull request (``GITHUB_EVENT_PATH`` holds
its base and head commits) and the workspace is a git checkout holding
both commits (``actions/checkout`` with ``fetch-depth: 0``). Otherwise the
answer is ``None`` and the plan's order is kept.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

_SHA = re.compile(r"[0-9a-fA-F]{7,64}")


def pull_request_shas(event_path: str | None) -> tuple[str, str] | None:
    if not event_path:
        return None
    try:
        with open(event_path, encoding="utf-8") as fh:
            event = json.load(fh)
    except (OSError, ValueError):
        return None
    pr = event.get("pull_request") if isinstance(event, dict) else None
    if not isinstance(pr, dict):
        return None
    base = (pr.get("base") or {}).get("sha") if isinstance(pr.get("base"), dict) else None
    head = (pr.get("head") or {}).get("sha") if isinstance(pr.get("head"), dict) else None
    if not (isinstance(base, str) and isinstance(head, str) and _SHA.fullmatch(base) and _SHA.fullmatch(head)):
        return None
    return base, head


def changed_files(workspace: str, event_path: str | None, timeout: float = 20.0) -> set[str] | None:
    """Paths (relative to the workspace, ``/``-separated) changed by the pull request, or None."""
    shas = pull_request_shas(event_path)
    git = shutil.which("git")
    if shas is None or git is None:
        return None
    base, head = shas
    try:
        proc = subprocess.run(
            # the workspace may belong to another user than the container's root
            [git, "-c", "safe.directory=*", "-c", "core.quotepath=off", "diff", "--name-only",
             "--relative", "-z", f"{base}...{head}", "--"],
            cwd=workspace,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    names = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {name for name in names if name}
