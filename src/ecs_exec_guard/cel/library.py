"""Function declarations: overloads with static signatures and run-time
implementations, grouped in named libraries."""

from __future__ import annotations

from collections.abc import Callable

from . import types as T
from .errors import CelEvalError
from .values import kind


class Overload:
    __slots__ = ("name", "params", "result", "impl", "member", "kinds", "exact")

    def __init__(self, name: str, params: tuple, result: T.T, impl: Callable, member: bool) -> None:
        self.name = name
        self.params = params
        self.result = result
        self.impl = impl
        self.member = member
        # The run-time kind each argument must have (None: any).
        self.kinds = tuple(_runtime_kind(p) for p in params)


def _runtime_kind(t: T.T):
    if t.name in ("dyn", "param", "@num"):
        return None
    return t.name


class Library:
    """A set of overloads keyed by (function name, member style)."""

    def __init__(self) -> None:
        self.overloads: dict[tuple[str, bool], list[Overload]] = {}
        self.unsupported: dict[str, str] = {}

    def add(self, name: str, params, result, impl: Callable, style: str = "global") -> None:
        params = tuple(T.parse_type(p) for p in params)
        result = T.parse_type(result)
        styles = {"global": (False,), "member": (True,), "both": (False, True)}[style]
        for member in styles:
            self.overloads.setdefault((name, member), []).append(Overload(name, params, result, impl, member))

    def mark_unsupported(self, name: str, why: str) -> None:
        self.unsupported[name] = why

    def extend(self, other: Library) -> None:
        for key, ovs in other.overloads.items():
            self.overloads.setdefault(key, []).extend(ovs)
        self.unsupported.update(other.unsupported)

    def has_function(self, name: str) -> bool:
        return (name, False) in self.overloads or (name, True) in self.overloads


def no_overload(name: str, args) -> CelEvalError:
    return CelEvalError(
        f"no matching overload for '{name}' applied to '({', '.join(_kind_or_err(a) for a in args)})'"
    )


def _kind_or_err(v) -> str:
    try:
        return kind(v)
    except CelEvalError:
        return type(v).__name__


def make_dispatcher(name: str, candidates: list) -> Callable:
    """A callable choosing among ``candidates`` by the run-time kinds of the
    arguments (cached per kinds tuple)."""
    cache: dict = {}

    def dispatch(*args):
        key = tuple(map(kind, args))
        impl = cache.get(key)
        if impl is None:
            for ov in candidates:
                ok = True
                for want, have in zip(ov.kinds, key):
                    if want is not None and want != have:
                        ok = False
                        break
                if ok:
                    impl = ov.impl
                    break
            else:
                raise no_overload(name, args)
            cache[key] = impl
        return impl(*args)

    return dispatch
