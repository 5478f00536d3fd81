"""Where the ECS Exec logging of a plan's cluster is set, for file/line annotations.

The plan's ``configuration`` section says which module call each module
instance comes from, where its source is and which expression sets each
argument. The locator follows it:

* a cluster of the root module: its ``logging`` line, else its resource block;
* a cluster of a local module whose ``logging`` (or the block holding it)
  comes from a module variable: the argument of the calling ``module`` block
  that sets it (through every module level that only passes it on), else
  the module's resource block;
* a cluster of a registry or git module (source not in the workspace): the
  argument of the ``module "name"`` block that sets the value, else that block.

A resource is only looked for in the directories its module path resolves
to, from the payload's folder (or ``terraform-dir``), with
``.terraform/modules/modules.json`` as a map of module keys to directories
when the plan has no ``configuration``: never in another root module of the
workspace. When no ``.tf`` source is found, the location is the cluster's
line in the plan JSON (when the JSON is written over several lines), with a
note saying so.

Files are read once each, capped in size (:data:`MAX_FILE_BYTES`), and the
whole search shares a time budget (:data:`TIME_BUDGET` seconds); after it
the plan location is used, with a note. Every file is opened through
:func:`..engine.fileaccess.open_checked`, confined to the workspace: only
regular files inside it, never a symbolic link, a FIFO or a device (such a
``.tf`` file is skipped). No error escapes :meth:`SourceLocator.locate`.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
from dataclasses import dataclass
from typing import Any

from ..engine.errors import LoadError
from ..engine.fileaccess import confined, open_checked
from .address import ResourceAddress, parse_address
from .hclindex import Block, BlockKey, OutOfTime, index_blocks

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DIR_FILES = 500
TIME_BUDGET = 2.0  # seconds for all the .tf reading of one run

NO_SOURCE = "no .tf source was found for it"
OUT_OF_TIME = "the .tf sources were not searched further: the time budget of the source lookup was spent"

_NOT_BLANK = re.compile(rb"\S")
_ADDRESS_KEY = re.compile(rb'"address"[ \t\r\n]*:[ \t\r\n]*("(?:[^"\\]|\\.)*")', re.S)
_LOCAL_SOURCE = re.compile(r"^\.\.?(?:[/\\]|$)")


@dataclass(frozen=True)
class Location:
    file: str  # relative to the workspace, POSIX separators
    line: int | None  # 1-based; None: the whole file
    kind: str  # "tf" (a .tf source file) or "payload" (the plan JSON file)
    end_line: int | None = None
    # what is there: "logging" (the logging argument), "resource" (the resource block),
    # "module-argument" (an argument of a module call), "module-for-each" (the entry
    # of a module call's for_each that the argument reads through each.value),
    # "module-call" (a module block), "payload"
    what: str = "resource"
    module_call: str | None = None  # the call at that place: module.NAME (in its caller's file)
    argument: str | None = None  # the module argument that sets the value
    note: str | None = None  # why the place is not a .tf line
    entry: str | None = None  # the for_each key of the module instance ("module-for-each")


class SharedBudget:
    """A deadline shared by the locators of one run."""

    def __init__(self, seconds: float = TIME_BUDGET):
        self.seconds = seconds
        self.deadline: float | None = None
        self.spent = False

    def start(self) -> float:
        if self.deadline is None:
            self.deadline = time.monotonic() + self.seconds
        return self.deadline



class SourceLocator:
    """Locates plan resource addresses in the Terraform sources of a workspace."""

    def __init__(
        self,
        workspace: str,
        terraform_dir: str | None,
        plan: dict,
        payload_path: str,
        payload_bytes: bytes | None = None,
        budget: SharedBudget | None = None,
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
        self._budget = budget or SharedBudget()
        self._file_index: dict[str, dict[BlockKey, Block]] = {}
        self._dir_files: dict[str, list[str]] = {}
        self._manifest: dict[str, str] | None = None
        self._payload_lines: dict[str, int] | None = None
        self._multiline: bool = False
        self._payload_readable: bool = False
        self._cache: dict[str, Location | None] = {}
        self._file_lines: dict[str, list[str]] = {}
        self._for_each_keys: dict[tuple[str, int], dict[str, int]] = {}

    # -- public -------------------------------------------------------------

    def locate(self, address: str) -> Location | None:
        if not isinstance(address, str):
            return None
        if address in self._cache:
            return self._cache[address]
        note = NO_SOURCE
        try:
            found = self._locate(address)
        except OutOfTime:
            self._budget.spent = True
            found, note = None, OUT_OF_TIME
        except Exception:  # a broken file or plan must never stop the report
            found = None
        if found is None:
            if self._budget.spent:
                note = OUT_OF_TIME
            try:
                found = self._in_payload(address, note)
            except Exception:
                found = None
        self._cache[address] = found
        return found

    # -- lookup -------------------------------------------------------------

    def _locate(self, address: str) -> Location | None:
        parsed = parse_address(address)
        if parsed is None or self._root_dir is None or self._budget.spent:
            return None
        steps = parsed.module_names
        configs = self._module_configs(steps)
        dirs = self._module_dirs(steps, configs)
        known = len(dirs) - 1  # module levels whose directory is in the workspace
        k = len(steps)
        level, argument, each_value = self._origin(parsed, configs, dirs)
        if level > known:
            # set inside a module whose sources are not here: its call in the last known directory
            name = steps[known]
            found = self._find(dirs[known], ("module", name, ""))
            if found is None:
                return None
            path, block = found
            # the module's code is not here; an argument of its call that writes "NONE" is the likely place
            arg = next((a for a in block.attrs if a.none and len(a.path) == 1), None)
            if arg is not None:
                return self._tf(path, arg.line, block, "module-argument", _call(steps, known), arg.path[0])
            return self._tf(path, block.start_line, block, "module-call", _call(steps, known), None)
        if level < k:
            name = steps[level]
            found = self._find(dirs[level], ("module", name, ""))
            if found is None:
                return None
            path, block = found
            arg = block.attr((argument,)) if argument else None
            if arg is not None and each_value:
                key = parsed.modules[level].index
                entry = self._for_each_entry(path, block, key)
                if entry is not None:
                    return self._tf(path, entry, block, "module-for-each", _call(steps, level), argument, key)
            if arg is not None:
                return self._tf(path, arg.line, block, "module-argument", _call(steps, level), argument)
            return self._tf(path, block.start_line, block, "module-call", _call(steps, level), argument)
        found = self._find(dirs[k], (parsed.block_kind, parsed.type, parsed.name))
        if found is None:
            return None
        path, block = found
        line = block.logging_none_line
        if line is not None:
            return self._tf(path, line, block, "logging", None, None)
        for attr in block.attrs:
            if attr.path[-1] == "logging" and attr.path[:1] == ("configuration",):
                return self._tf(path, attr.line, block, "logging", None, None)
        return self._tf(path, block.start_line, block, "resource", None, None)

    def _tf(self, path, line, block, what, call, argument, entry=None) -> Location:
        return Location(self._relative(path), line, "tf", block.end_line, what, call, argument, entry=entry)

    def _find(self, directory: str, key: BlockKey) -> tuple[str, Block] | None:
        """The block in the first file declaring it, preferring one with a `logging = "NONE"` line
        (an ``_override.tf`` file may set it)."""
        first = None
        for path in self._tf_files(directory):
            block = self._index(path).get(key)
            if block is None:
                continue
            if block.logging_none_line is not None:
                return path, block
            if first is None:
                first = (path, block)
        return first

    # -- where the value is set ------------------------------------------------

    def _origin(self, parsed: ResourceAddress, configs: list[dict], dirs: list[str]) -> tuple[int, str | None, bool]:
        """(module level, argument, each_value): the level whose sources set the logging value.

        Level k (the resource's own module) means the resource block; a lower
        level j means argument ``argument`` of module call ``steps[j]``, and
        ``each_value`` that the argument reads the instance's for_each entry.
        """
        steps = parsed.module_names
        k = len(steps)
        resource = _resource_config(configs[k], parsed)
        expr = _dig(resource, "expressions", "configuration", 0, "execute_command_configuration", 0, "logging")
        var = _first_var(expr)
        if var is None and not expr and len(dirs) > k:
            # a dynamic block has no expressions in the plan: read the source
            found = self._find(dirs[k], (parsed.block_kind, parsed.type, parsed.name))
            if found is not None:
                for attr in found[1].attrs:
                    if attr.path[:1] == ("configuration",) and attr.refs:
                        var = attr.refs[0]
                        break
        level, argument = k, None
        seen = 0
        while var is not None and level > 0 and seen < 64:
            seen += 1
            call = _dict(_dict(configs[level - 1].get("module_calls")).get(steps[level - 1]))
            arg_expr = _dict(call.get("expressions")).get(var)
            if not isinstance(arg_expr, dict):
                return level, argument, False  # the variable's default, in the module itself
            level, argument = level - 1, var
            if "constant_value" in arg_expr:
                break
            if "for_each_expression" in call and _reads_each_value(arg_expr):
                return level, argument, True  # the value is the instance's entry of for_each
            if len(dirs) > level:
                found = self._find(dirs[level], ("module", steps[level], ""))
                attr = found[1].attr((var,)) if found else None
                if attr is not None and attr.none:
                    break  # the argument's own expression writes "NONE"
            var = _first_var(arg_expr)
        return level, argument, False

    def _for_each_entry(self, path: str, block: Block, key) -> int | None:
        """The line of entry ``key`` of the block's ``for_each`` map, when the
        map is written there and holds "NONE" (else None: the argument is the place)."""
        attr = block.attr(("for_each",))
        if attr is None or not attr.none or not isinstance(key, str) or not key:
            return None
        cache_key = (path, attr.line)
        entries = self._for_each_keys.get(cache_key)
        if entries is None:
            later = [a.line for a in block.attrs if len(a.path) == 1 and a.line > attr.line]
            last = min(later) - 1 if later else block.end_line
            entries = self._for_each_keys[cache_key] = _map_keys(self._lines(path), attr.line, last)
        return entries.get(key)

    def _lines(self, path: str) -> list[str]:
        lines = self._file_lines.get(path)
        if lines is None:
            lines = self._file_lines[path] = _text(self._read_bytes(path)).split("\n")
        return lines

    # -- modules ------------------------------------------------------------

    def _module_configs(self, steps: tuple[str, ...]) -> list[dict]:
        config = _get(self._plan, "configuration", "root_module")
        out = [config]
        for name in steps:
            config = _get(config, "module_calls", name, "module")
            out.append(config)
        return out

    def _module_dirs(self, steps: tuple[str, ...], configs: list[dict]) -> list[str]:
        """The directories of the leading module levels whose sources are in the workspace."""
        dirs = [self._root_dir]
        directory = self._root_dir
        for i, name in enumerate(steps):
            call = _get(configs[i], "module_calls", name)
            source = call.get("source")
            nxt = None
            if isinstance(source, str) and source:
                if _LOCAL_SOURCE.match(source):
                    nxt = self._dir(os.path.join(directory, source.replace("\\", "/")))
            else:
                key = ".".join(steps[: i + 1])
                rel = self._manifest_dirs().get(key)
                if rel is not None and ".terraform" not in rel.replace("\\", "/").split("/"):
                    nxt = self._dir(os.path.join(self._root_dir, rel))
            if nxt is None:
                break
            dirs.append(nxt)
            directory = nxt
        return dirs

    def _dir(self, path: str) -> str | None:
        real = self._inside(os.path.normpath(path))
        return real if real is not None and os.path.isdir(real) else None

    def _manifest_dirs(self) -> dict[str, str]:
        """``.terraform/modules/modules.json``: module key -> directory, relative to the root module."""
        if self._manifest is None:
            self._manifest = {}
            data = self._read_bytes(os.path.join(self._root_dir, ".terraform", "modules", "modules.json"))
            try:
                doc = json.loads(data) if data else {}
            except ValueError:
                doc = {}
            for entry in _dict(doc).get("Modules") or ():
                if isinstance(entry, dict) and isinstance(entry.get("Key"), str) and isinstance(entry.get("Dir"), str):
                    self._manifest[entry["Key"]] = entry["Dir"]
        return self._manifest

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
                if not name.endswith(".tf") or len(files) >= MAX_DIR_FILES:
                    continue
                path = os.path.join(directory, name)
                try:
                    mode = os.lstat(path).st_mode
                except OSError:
                    continue
                # a link or a special file is never read (nor opened: a FIFO would block)
                if stat.S_ISREG(mode) and self._inside(path) == path:
                    files.append(path)
            self._dir_files[directory] = files
        return files

    def _index(self, path: str) -> dict[BlockKey, Block]:
        index = self._file_index.get(path)
        if index is None:
            text = _text(self._read_bytes(path))
            try:
                index = index_blocks(text, self._budget.start()) if text else {}
            except OutOfTime:
                raise
            except Exception:
                index = {}
            self._file_index[path] = index
        return index

    # -- payload ------------------------------------------------------------

    def _in_payload(self, address: str, note: str) -> Location | None:
        if self._payload_path is None:
            return None
        if self._payload_lines is None:
            self._payload_lines = self._index_payload()
        if not self._payload_readable:
            return None
        line = self._payload_lines.get(address) if self._multiline else None
        return Location(self._relative(self._payload_path), line, "payload", None, "payload", note=note)

    def _index_payload(self) -> dict[str, int]:
        """Line of each "address" value of the plan JSON, preferring the one under planned_values."""
        data = self._payload_bytes
        if data is not None:
            return self._index_lines(data)
        mapped = self._map_payload()
        if mapped is None:  # not a file that can be mapped: read it
            data = self._read_bytes(self._payload_path, "payload", limit=256 * 1024 * 1024)
            return self._index_lines(data)
        with mapped:
            return self._index_lines(mapped)

    def _map_payload(self):
        """The payload file mapped read-only (checked like any read), or None.

        ``terraform show -json`` writes one line: that is found without
        copying the file into memory."""
        import mmap

        opened = self._open(self._payload_path, "payload")
        if opened is None:
            return None
        fd, size = opened
        try:
            if size <= 0 or size > 256 * 1024 * 1024:
                return None
            return mmap.mmap(fd, size, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return None
        finally:
            os.close(fd)

    def _index_lines(self, data) -> dict[str, int]:
        if not isinstance(data, (bytes, bytearray)) and not hasattr(data, "find"):
            return {}
        self._payload_readable = True
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                data = bytes(data).decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                return {}
        # a line break before the last byte, and not only blanks
        self._multiline = data.find(b"\n", 0, len(data) - 1) >= 0 and _NOT_BLANK.search(data) is not None
        if not self._multiline:
            return {}
        planned = data.find(b'"planned_values"')
        first: dict[str, int] = {}
        preferred: dict[str, int] = {}
        line = 1
        counted = 0
        ranged = isinstance(data, (bytes, bytearray))  # a mapped file has no ranged count
        for m in _ADDRESS_KEY.finditer(data):
            start = m.start()
            line += data.count(b"\n", counted, start) if ranged else data[counted:start].count(b"\n")
            counted = start
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

    def _open(self, path: str | None, what: str) -> tuple[int, int] | None:
        """(descriptor, size) of a regular file inside the workspace, checked; None when refused."""
        if not path:
            return None
        try:
            with confined(self._workspace):
                return open_checked(path, what, walked=True)
        except (LoadError, OSError, ValueError):
            return None

    def _read_bytes(self, path: str | None, what: str = "Terraform source", limit: int = MAX_FILE_BYTES) -> bytes | None:
        """A regular file's bytes (checked, inside the workspace), or None when refused, unreadable or over ``limit``."""
        opened = self._open(path, what)
        if opened is None:
            return None
        fd, size = opened
        try:
            if size > limit:
                return None
            chunks, total = [], 0
            while total <= limit:
                chunk = os.read(fd, min(limit + 1 - total, 1024 * 1024))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        except OSError:
            return None
        finally:
            os.close(fd)
        return b"".join(chunks) if total <= limit else None

    def _relative(self, path: str) -> str:
        return os.path.relpath(path, self._workspace).replace(os.sep, "/")


def _call(steps: tuple[str, ...], level: int) -> str:
    """The module call ``steps[level]`` as written in its caller: module.NAME."""
    return f"module.{steps[level]}"


def _resource_config(module: dict, parsed: ResourceAddress) -> dict:
    local = f"{'data.' if parsed.mode == 'data' else ''}{parsed.type}.{parsed.name}"
    for r in module.get("resources") or ():
        if isinstance(r, dict) and r.get("address") == local:
            return r
    return {}


_MAP_KEY = re.compile(r'(?:^|(?<=[{,\s]))(?:"((?:[^"\\\n]|\\.)*)"|([A-Za-z_][A-Za-z0-9_-]*))[ \t]*[=:](?![=>])')


def _map_keys(lines: list[str], first: int, last: int) -> dict[str, int]:
    """Line of the first ``key =`` (or ``"key" =``, ``key:``) of each key in
    lines ``first``..``last`` (1-based), comments left out: in one pass."""
    found: dict[str, int] = {}
    for number in range(max(first, 1), min(last, len(lines)) + 1):
        line = lines[number - 1]
        for marker in ("#", "//"):
            cut = line.find(marker)
            if cut >= 0:
                line = line[:cut]
        for m in _MAP_KEY.finditer(line):
            if m.group(1) is not None:
                try:
                    key = json.loads(f'"{m.group(1)}"')
                except ValueError:
                    continue
            else:
                key = m.group(2)
            found.setdefault(key, number)
    return found


def _reads_each_value(expr: Any) -> bool:
    """Does the expression read ``each.value`` (or a part of it)?"""
    return any(
        isinstance(ref, str) and (ref == "each.value" or ref.startswith(("each.value.", "each.value[")))
        for ref in _dict(expr).get("references") or ()
    )


def _first_var(expr: Any) -> str | None:
    for ref in _dict(expr).get("references") or ():
        if isinstance(ref, str) and ref.startswith("var."):
            name = ref[4:].split(".", 1)[0].split("[", 1)[0]
            if name:
                return name
    return None


def _dig(value: Any, *keys) -> Any:
    for key in keys:
        if isinstance(key, int):
            value = value[key] if isinstance(value, list) and len(value) > key else None
        else:
            value = value.get(key) if isinstance(value, dict) else None
    return value


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _get(value: Any, *keys: str) -> dict:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def _text(data: bytes | None) -> str:
    """File text for indexing, or "" for files that are unreadable, too large or binary."""
    if data is None or b"\x00" in data:
        return ""
    return data.decode("utf-8-sig", errors="replace")
