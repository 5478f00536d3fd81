"""Semantic versions and ranges with the rules of ``github.com/blang/semver/v4``."""

from __future__ import annotations

from collections.abc import Callable

_NUMBERS = set("0123456789")
_ALPHANUM = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789")


class SemverError(ValueError):
    pass


Version = tuple  # (major, minor, patch, prerelease tuple)


def _contains_only(s: str, allowed: set) -> bool:
    return all(ch in allowed for ch in s)


def _leading_zero(s: str) -> bool:
    return len(s) > 1 and s[0] == "0"


def _uint(s: str, what: str) -> int:
    if not _contains_only(s, _NUMBERS):
        raise SemverError(f"Invalid character(s) found in {what} number {s!r}")
    if _leading_zero(s):
        raise SemverError(f"{what.capitalize()} number must not contain leading zeroes {s!r}")
    if s == "" or int(s) >= 1 << 64:
        raise SemverError(f'strconv.ParseUint: parsing "{s}": invalid syntax')
    return int(s)


def parse_version(s: str) -> Version:
    if not s:
        raise SemverError("Version string empty")
    parts = s.split(".", 2)
    if len(parts) != 3:
        raise SemverError("No Major.Minor.Patch elements found")
    major = _uint(parts[0], "major")
    minor = _uint(parts[1], "minor")
    patch_str = parts[2]
    build: list[str] = []
    pre: list[str] = []
    if "+" in patch_str:
        patch_str, _, build_str = patch_str.partition("+")
        build = build_str.split(".")
    if "-" in patch_str:
        patch_str, _, pre_str = patch_str.partition("-")
        pre = pre_str.split(".")
    patch = _uint(patch_str, "patch")
    prerelease = []
    for p in pre:
        if not p:
            raise SemverError("Prerelease is empty")
        if _contains_only(p, _NUMBERS):
            if _leading_zero(p):
                raise SemverError(f"Numeric PreRelease version must not contain leading zeroes {p!r}")
            prerelease.append((0, int(p), ""))
        elif _contains_only(p, _ALPHANUM):
            prerelease.append((1, 0, p))
        else:
            raise SemverError(f"Invalid character(s) found in prerelease {p!r}")
    for b in build:
        if not b:
            raise SemverError("Build meta data is empty")
        if not _contains_only(b, _ALPHANUM):
            raise SemverError(f"Invalid character(s) found in build meta data {b!r}")
    return (major, minor, patch, tuple(prerelease))


def compare(v: Version, o: Version) -> int:
    for a, b in zip(v[:3], o[:3]):
        if a != b:
            return 1 if a > b else -1
    vp, op = v[3], o[3]
    if not vp and not op:
        return 0
    if not vp:
        return 1
    if not op:
        return -1
    for a, b in zip(vp, op):
        if a != b:
            # numeric identifiers sort before alphanumeric ones
            return 1 if a > b else -1
    if len(vp) == len(op):
        return 0
    return -1 if len(vp) < len(op) else 1


_COMPARATORS: dict[str, Callable[[int], bool]] = {
    "": lambda c: c == 0,
    "=": lambda c: c == 0,
    "==": lambda c: c == 0,
    "!": lambda c: c != 0,
    "!=": lambda c: c != 0,
    ">": lambda c: c == 1,
    ">=": lambda c: c >= 0,
    "<": lambda c: c == -1,
    "<=": lambda c: c <= 0,
}


def _split_and_trim(s: str) -> list[str]:
    result = []
    last = 0
    last_char = ""
    for i, ch in enumerate(s):
        if ch == " " and last_char not in (">", "<", "="):
            if last < i - 1:
                result.append(s[last:i])
            last = i + 1
        elif ch != " ":
            last_char = ch
    if last < len(s) - 1:
        result.append(s[last:])
    return [r.replace(" ", "") for r in result]


def _split_comparator_version(s: str) -> tuple[str, str]:
    for i, ch in enumerate(s):
        if ch.isdigit():
            return s[:i].strip(), s[i:]
    raise SemverError(f"Could not get version from string: {s!r}")


def _wildcard_type(v: str) -> int:
    parts = v.split(".")
    if parts[-1] == "x" and 1 <= len(parts) <= 3:
        return len(parts)
    return 0


def _flat_version(v: str) -> str:
    v2 = v.replace(".x.x", ".x", 1).replace(".x", ".0", 1)
    if len(v2.split(".")) == 2:
        return v2 + ".0"
    return v2


def _increment(v: str, index: int) -> str:
    parts = v.split(".")
    try:
        parts[index] = str(int(parts[index]) + 1)
    except (ValueError, IndexError):
        return ""
    return ".".join(parts)


def _expand_wildcards(or_parts: list[list[str]]) -> list[list[str]]:
    expanded = []
    for part in or_parts:
        new_parts: list[str] = []
        for ap in part:
            if "x" in ap:
                op, v = _split_comparator_version(ap)
                kind = _wildcard_type(v)
                flat = _flat_version(v)
                increment = False
                result_op = ""
                if op == ">":
                    result_op, increment = ">=", True
                elif op == ">=":
                    result_op = ">="
                elif op == "<":
                    result_op = "<"
                elif op == "<=":
                    result_op, increment = "<", True
                elif op in ("", "=", "=="):
                    new_parts.append(">=" + flat)
                    result_op, increment = "<", True
                elif op in ("!=", "!"):
                    new_parts.append("<" + flat)
                    result_op, increment = ">=", True
                result_version = ""
                if increment:
                    if kind == 3:
                        result_version = _increment(flat, 1)
                    elif kind == 2:
                        result_version = _increment(flat, 0)
                else:
                    result_version = flat
                ap = result_op + result_version
            new_parts.append(ap)
        expanded.append(new_parts)
    return expanded


def parse_range(s: str) -> Callable[[Version], bool]:
    parts = _split_and_trim(s)
    or_parts: list[list[str]] = []
    last = 0
    for i, p in enumerate(parts):
        if p == "||":
            if i == 0:
                raise SemverError("First element in range is '||'")
            or_parts.append(parts[last:i])
            last = i + 1
    if last == len(parts):
        raise SemverError("Last element in range is '||'")
    or_parts.append(parts[last:])
    alternatives = []
    for part in _expand_wildcards(or_parts):
        checks = []
        for ap in part:
            op, v = _split_comparator_version(ap)
            comparator = _COMPARATORS.get(op)
            if comparator is None:
                raise SemverError(f"Could not parse Range {ap!r}: Could not parse comparator {op!r} in {ap!r}")
            try:
                version = parse_version(v)
            except SemverError as exc:
                raise SemverError(f"Could not parse Range {ap!r}: Could not parse version {v!r} in {ap!r}: {exc}") from None
            checks.append((comparator, version))
        alternatives.append(checks)

    def matches(version: Version) -> bool:
        return any(all(cmp(compare(version, v)) for cmp, v in checks) for checks in alternatives)

    return matches
