"""Find where a resource of a Terraform plan is declared, for file/line annotations."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any

from .address import ResourceAddress, parse_address
from .hclindex import Block, BlockKey, header_keys, index_blocks

MAX_WORKSPACE_FILES = 5000
MAX_WORKSPACE_BYTES = 64 * 1024 * 1024
MAX_FILE_BYTES = 4 * 1024 * 1024
SKIP_DIRS = frozenset({".terraform", ".git", "node_modules"})

_ADDRESS_KEY = re.compile(rb'"address"[ \t\r\n]*:[ \t\r\n]*("(?:[^"\\]|\\.)*")', re.S)
_LOCAL_SOURCE = re.compile(r"^\.\.?(?:[/\\]|$)")
# [hostname/]namespace/name/provider, without a //subdir: the name is the best directory hint.
_REGISTRY_SOURCE = re.compile(r"^(?:[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?/)?[\w-]+/([\w-]+)/[\w-]+$")


@dataclass(frozen=True)
class Location:
    file: str  # relative to the workspace, POSIX separators
    line: int  # 1-based
    kind: str  # "tf" (a .tf source file) or "payload" (the plan JSON file)
    end_line: int | None = None


class SourceLocator:
    """Locates plan resource addresses in the Terraform sources of a workspace.

    Files are read and indexed once, lookups are cached, nothing outside the
    workspace is read (symlinks resolved), and no error escapes ``locate``.
    """

    def __init__(
        self,
        workspace: str,
        terraform_dir: str | None,
        plan: dict,
        payload_path: str,
        payload_bytes: bytes | None = None,
    ):
        self._workspace = os.path.realpath(workspace or ".")
        self._plan = plan if isinstance(plan, dict) else {}
        self._payload_path = self._resolve_payload(payload_path)
        self._payload_bytes = payload_bytes
        if terraform_dir:
            root = os.path.join(self._workspace, terraform_dir)
        elif self._payload_path is not None:
            root = os.path.dirname(self._payload_path)
        else:
            root = None
        self._root_dir = self._inside(root) if root else None
        if self._root_dir is not None and not os.path.isdir(self._root_dir):
            self._root_dir = None
        self._file_index: dict[str, dict[BlockKey, Block]] = {}
        self._dir_files: dict[str, list[str]] = {}
        self._module_dirs: dict[tuple[str, ...], tuple[str | None, tuple[str, ...]]] = {}
        self._workspace_headers: dict[BlockKey, list[str]] | None = None
        self._payload_lines: dict[str, int] | None = None
        self._cache: dict[str, Location | None] = {}

    # -- public -------------------------------------------------------------

    def locate(self, address: str) -> Location | None:
        if not isinstance(address, str):
            return None
        if address in self._cache:
            return self._cache[address]
        try:
            found = self._locate(address)
        except Exception:  # a broken file or plan must never stop the report
            found = None
        self._cache[address] = found
        return found

    # -- lookup -------------------------------------------------------------

    def _locate(self, address: str) -> Location | None:
        parsed = parse_address(address)
        if parsed is not None:
            key = (parsed.block_kind, parsed.type, parsed.name)
            module_dir, hint = self._module_dir(parsed)
            found = self._in_dir(module_dir, key) if module_dir else None
            if found is None:
                # A module's resource is not declared in the root module's directory.
                exclude = self._root_dir if parsed.modules and module_dir != self._root_dir else None
                found = self._in_workspace(key, hint, exclude)
            if found is not None:
                return found
        return self._in_payload(address)

    def _in_dir(self, directory: str, key: BlockKey) -> Location | None:
        return self._best(self._tf_files(directory), key)

    def _in_workspace(self, key: BlockKey, hint: tuple[str, ...], exclude: str | None) -> Location | None:
        if self._workspace_headers is None:
            self._workspace_headers = self._scan_workspace()
        candidates = [p for p in self._workspace_headers.get(key, ()) if os.path.dirname(p) != exclude]
        ranked = sorted(candidates, key=lambda path: (self._hint_rank(path, hint), path))
        for path in ranked:
            found = self._best([path], key)
            if found is not None:
                return found
        return None

    def _best(self, paths: list[str], key: BlockKey) -> Location | None:
        """The block in the first file declaring it, preferring one with a `logging = "NONE"` line."""
        first: tuple[str, Block] | None = None
        for path in paths:
            block = self._index(path).get(key)
            if block is None:
                continue
            if block.logging_none_line is not None:
                return self._tf_location(path, block)
            if first is None:
                first = (path, block)
        return self._tf_location(*first) if first else None

    def _tf_location(self, path: str, block: Block) -> Location:
        line = block.logging_none_line if block.logging_none_line is not None else block.start_line
        return Location(self._relative(path), line, "tf", block.end_line)

    # -- modules ------------------------------------------------------------

    def _module_dir(self, parsed: ResourceAddress) -> tuple[str | None, tuple[str, ...]]:
        """The directory of the resource's module (None when not on disk) and a path tail hinting at it."""
        names = parsed.module_names
        if names in self._module_dirs:
            return self._module_dirs[names]
        directory = self._root_dir
        hint: tuple[str, ...] = ()
        config = _get(self._plan, "configuration", "root_module")
        for name in names:
            call = _get(config, "module_calls", name)
            source = call.get("source")
            config = _get(call, "module")
            if not isinstance(source, str) or not source:
                directory, hint = None, ()
                continue
            hint = _source_tail(source)
            if directory is not None and _LOCAL_SOURCE.match(source):
                joined = os.path.normpath(os.path.join(directory, source.replace("\\", "/")))
                directory = self._inside(joined)
                if directory is not None and not os.path.isdir(directory):
                    directory = None
            else:
                directory = None
        self._module_dirs[names] = (directory, hint)
        return directory, hint

    @staticmethod
    def _hint_rank(path: str, hint: tuple[str, ...]) -> int:
        if not hint:
            return 0
        parts = tuple(os.path.dirname(path).replace("\\", "/").split("/"))
        if parts[-len(hint) :] == hint:
            return 0
        if parts and parts[-1] == hint[-1]:
            return 1
        return 2

    # -- files --------------------------------------------------------------

    def _tf_files(self, directory: str) -> list[str]:
        files = self._dir_files.get(directory)
        if files is None:
            files = []
            try:
                names = sorted(os.listdir(directory))
            except OSError:
                names = []
            for name in names:
                if not name.endswith(".tf"):
                    continue
                path = self._inside(os.path.join(directory, name))
                if path is not None and os.path.isfile(path):
                    files.append(path)
            self._dir_files[directory] = files
        return files

    def _index(self, path: str) -> dict[BlockKey, Block]:
        index = self._file_index.get(path)
        if index is None:
            text = _read_text(path)
            try:
                index = index_blocks(text) if text else {}
            except Exception:
                index = {}
            self._file_index[path] = index
        return index

    def _scan_workspace(self) -> dict[BlockKey, list[str]]:
        """Which .tf files of the workspace seem to declare which blocks (read once, capped)."""
        headers: dict[BlockKey, list[str]] = {}
        count = 0
        total = 0
        for top, dirs, names in os.walk(self._workspace, onerror=lambda _err: None):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            for name in sorted(names):
                if not name.endswith(".tf"):
                    continue
                if count >= MAX_WORKSPACE_FILES or total >= MAX_WORKSPACE_BYTES:
                    return headers
                path = self._inside(os.path.join(top, name))
                if path is None or not os.path.isfile(path):
                    continue
                count += 1
                text = _read_text(path)
                if not text:
                    continue
                total += len(text)
                for key in header_keys(text):
                    headers.setdefault(key, []).append(path)
        return headers

    # -- payload ------------------------------------------------------------

    def _in_payload(self, address: str) -> Location | None:
        if self._payload_path is None:
            return None
        if self._payload_lines is None:
            self._payload_lines = self._index_payload()
        line = self._payload_lines.get(address)
        if line is None:
            return None
        return Location(self._relative(self._payload_path), line, "payload")

    def _index_payload(self) -> dict[str, int]:
        """Line of each "address" value of the plan JSON, preferring the one under planned_values."""
        data = self._payload_bytes
        if data is None:
            try:
                with open(self._payload_path, "rb") as fh:
                    data = fh.read()
            except OSError:
                return {}
        if not isinstance(data, (bytes, bytearray)):
            return {}
        planned = data.find(b'"planned_values"')
        first: dict[str, int] = {}
        preferred: dict[str, int] = {}
        line = 1
        counted = 0
        for m in _ADDRESS_KEY.finditer(data):
            line += data.count(b"\n", counted, m.start())
            counted = m.start()
            try:
                value = json.loads(m.group(1))
            except ValueError:
                continue
            if not isinstance(value, str):
                continue
            first.setdefault(value, line)
            if planned >= 0 and m.start() > planned:
                preferred.setdefault(value, line)
        first.update(preferred)
        return first

    # -- paths --------------------------------------------------------------

    def _resolve_payload(self, payload_path: Any) -> str | None:
        if not isinstance(payload_path, str) or not payload_path:
            return None
        if os.path.isabs(payload_path):
            candidate = payload_path
        else:
            candidate = os.path.join(self._workspace, payload_path)
            if not os.path.exists(candidate) and os.path.exists(payload_path):
                candidate = os.path.abspath(payload_path)
        return self._inside(candidate)

    def _inside(self, path: str) -> str | None:
        """The resolved path when it lies in the workspace, else None."""
        try:
            real = os.path.realpath(path)
            if os.path.commonpath([real, self._workspace]) != self._workspace:
                return None
        except (OSError, ValueError):
            return None
        return real

    def _relative(self, path: str) -> str:
        return os.path.relpath(path, self._workspace).replace(os.sep, "/")


def _get(value: Any, *keys: str) -> dict:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def _source_tail(source: str) -> tuple[str, ...]:
    """Path components naming a module source's directory: the `//subdir` of a package, else its path."""
    source = source.split("?", 1)[0].replace("\\", "/")
    registry = _REGISTRY_SOURCE.match(source)
    if registry:
        return (registry.group(1),)
    scheme_free = source.split("::", 1)[-1]
    if "://" in scheme_free:
        scheme_free = scheme_free.split("://", 1)[1]
    if "//" in scheme_free:
        tail = scheme_free.split("//", 1)[1]
    else:
        tail = scheme_free
    parts = [p for p in tail.split("/") if p and p not in (".", "..")]
    if parts and parts[-1].endswith(".git"):
        parts[-1] = parts[-1][: -len(".git")]
    return tuple(parts)


def _read_text(path: str) -> str:
    """File text for indexing, or "" for files that are unreadable, too large or binary."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError:
        return ""
    if len(data) > MAX_FILE_BYTES or b"\x00" in data:
        return ""
    return data.decode("utf-8-sig", errors="replace")
