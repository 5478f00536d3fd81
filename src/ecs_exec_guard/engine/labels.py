"""Kubernetes-style label selectors for ``--labels``.

``k=v`` / ``k==v``, ``k!=v``, ``k in (a,b)``, ``k notin (a,b)``, ``k``
(exists), ``!k`` (does not exist), ``k>n`` / ``k<n``; requirements are
separated by commas and all must hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_REQ = re.compile(
    r"""\s*(?:
        (?P<not>!)\s*(?P<nkey>[^\s=!<>(),]+) |
        (?P<key>[^\s=!<>(),]+)\s*(?:
            (?P<op>==|=|!=|<|>)\s*(?P<val>[^\s,()]*) |
            (?P<setop>in|notin)\s*\((?P<set>[^()]*)\)
        )?
    )\s*\Z""",
    re.VERBOSE,
)


class SelectorError(ValueError):
    pass


def _split(text: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def parse_selector(text: str) -> Callable[[dict], bool]:
    reqs = []
    for part in _split(text):
        if not part.strip():
            raise SelectorError(f"invalid label selector {text!r}: empty requirement")
        m = _REQ.match(part)
        if not m:
            raise SelectorError(f"invalid label selector {text!r}: cannot parse {part.strip()!r}")
        if m.group("not"):
            k = m.group("nkey")
            reqs.append(lambda labels, k=k: k not in labels)
            continue
        k = m.group("key")
        op = m.group("op")
        if op:
            v = m.group("val")
            if op in ("=", "=="):
                reqs.append(lambda labels, k=k, v=v: labels.get(k) == v)
            elif op == "!=":
                reqs.append(lambda labels, k=k, v=v: labels.get(k) != v)
            else:
                try:
                    n = int(v)
                except ValueError:
                    raise SelectorError(f"invalid label selector {text!r}: {v!r} is not an integer") from None

                def cmp(labels, k=k, n=n, op=op):
                    try:
                        x = int(labels[k])
                    except (KeyError, ValueError, TypeError):
                        return False
                    return x > n if op == ">" else x < n

                reqs.append(cmp)
        elif m.group("setop"):
            values = {s.strip() for s in m.group("set").split(",") if s.strip()}
            if m.group("setop") == "in":
                reqs.append(lambda labels, k=k, vs=values: k in labels and labels[k] in vs)
            else:
                reqs.append(lambda labels, k=k, vs=values: labels.get(k) not in vs)
        else:
            reqs.append(lambda labels, k=k: k in labels)

    def matches(labels: dict) -> bool:
        labels = {str(k): str(v) for k, v in (labels or {}).items()}
        return all(r(labels) for r in reqs)

    return matches
