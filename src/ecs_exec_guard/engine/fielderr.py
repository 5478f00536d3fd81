"""Field paths and field errors, printed like Kubernetes' ``field.Error``."""

from __future__ import annotations

from typing import Any, NamedTuple

from .gofmt import go_field_value

INVALID = "FieldValueInvalid"
REQUIRED = "FieldValueRequired"
TYPE_INVALID = "FieldValueTypeInvalid"
INTERNAL = "InternalError"

_TYPE_TEXT = {
    INVALID: "Invalid value",
    REQUIRED: "Required value",
    TYPE_INVALID: "Invalid value",
    INTERNAL: "Internal error",
}

# A path is a linked list built while descending: (parent, name, index).
# ``name`` is set for a child; otherwise ``index`` holds "[i]" / "[key]".
Path = tuple


def child(path: Path | None, name: str) -> Path:
    return (path, name, None)


def index(path: Path | None, i) -> Path:
    return (path, None, str(i))


def render(path: Path | None) -> str:
    """``field.Path.String()``."""
    elems = []
    while path is not None:
        elems.append(path)
        path = path[0]
    out = []
    for p in reversed(elems):
        parent, name, idx = p
        if name:
            if parent is not None:
                out.append(".")
            out.append(name)
        else:
            out.append(f"[{idx if idx is not None else ''}]")
    return "".join(out)


class FieldError(NamedTuple):
    type: str
    path: Any  # relative to the check tree; see ``render``
    value: Any
    detail: str
    # values the foreach keys iterated over on the way down (outermost first);
    # lets a reporter point at the payload element that failed
    subjects: tuple = ()
    has_value: bool = True

    def body(self) -> str:
        head = _TYPE_TEXT[self.type]
        if self.type in (REQUIRED, INTERNAL):
            s = head
        else:
            s = f"{head}: {go_field_value(self.value)}"
        if self.detail:
            s += f": {self.detail}"
        return s

    def text(self, prefix: str = "") -> str:
        rel = render(self.path)
        if prefix:
            full = prefix + ("." + rel if rel and not rel.startswith("[") else rel)
        else:
            full = rel
        return f"{full}: {self.body()}"


class _Mismatch(FieldError):
    """A value that is not the expected one. The detail ``Expected value:
    <expected>`` is spelled only when the error is shown: match and exclude
    blocks make such an error for most resources and only test whether any
    was made."""

    __slots__ = ()

    @property
    def detail(self) -> str:
        expected = tuple.__getitem__(self, 3)
        return "Expected value: " + ("<nil>" if expected is None else go_field_value(expected))


def mismatch(path, value, expected, subjects=()) -> FieldError:
    return _Mismatch(INVALID, path, value, expected, subjects)


def invalid(path, value, detail, subjects=()) -> FieldError:
    return FieldError(INVALID, path, value, detail, subjects)


def required(path, detail, subjects=()) -> FieldError:
    return FieldError(REQUIRED, path, "", detail, subjects)
