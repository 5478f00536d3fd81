"""Function table: argument specifications, arity and type checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .errors import JPRuntimeError
from .values import NUMBER_TYPES, ExpRef, go_sprint_v

# argument / return type names, as the reference spells them
NUMBER = "number"
STRING = "string"
ARRAY = "array"
OBJECT = "object"
ARRAY_ARRAY = "array[array]"
ARRAY_NUMBER = "array[number]"
ARRAY_STRING = "array[string]"
EXPREF = "expref"
ANY = "any"
BOOL = "bool"


def _is_number(a: Any) -> bool:
    return type(a) in NUMBER_TYPES


def _is_array_number(a: Any) -> bool:
    if not isinstance(a, list):
        return False
    for x in a:
        if type(x) not in NUMBER_TYPES:
            return False
    return True


def _is_array_string(a: Any) -> bool:
    if not isinstance(a, list):
        return False
    for x in a:
        if not isinstance(x, str):
            return False
    return True


_CHECKS: dict[str, Callable[[Any], bool]] = {
    NUMBER: _is_number,
    STRING: lambda a: isinstance(a, str),
    ARRAY: lambda a: isinstance(a, list),
    OBJECT: lambda a: isinstance(a, dict),
    ARRAY_ARRAY: lambda a: isinstance(a, list) and all(isinstance(x, list) for x in a),
    ARRAY_NUMBER: _is_array_number,
    ARRAY_STRING: _is_array_string,
    EXPREF: lambda a: type(a) is ExpRef,
    ANY: lambda a: True,
}


class Arg:
    """One argument: the accepted types, optional / variadic flags."""

    __slots__ = ("types", "optional", "variadic", "_checks", "_repr")

    def __init__(self, *types: str, optional: bool = False, variadic: bool = False) -> None:
        self.types = types
        self.optional = optional
        self.variadic = variadic
        self._checks = tuple(_CHECKS[t] for t in types)
        self._repr = "[]functions.JpType{" + ", ".join(f'"{t}"' for t in types) + "}"

    def check(self, value: Any) -> None:
        for check in self._checks:
            if check(value):
                return
        raise JPRuntimeError(f"invalid type for: {go_sprint_v(value)}, expected: {self._repr}")

    def text(self) -> str:
        text = "|".join(self.types)
        if self.variadic:
            text += "..."
        if self.optional:
            text = "[" + text + "]"
        return text


class Function:
    """A function of the table, callable with already evaluated arguments."""

    __slots__ = (
        "name", "args", "handler", "description", "returns", "_min", "_max", "_variadic", "_float",
    )

    def __init__(
        self,
        name: str,
        args: Sequence[Arg],
        handler: Callable[[list], Any],
        description: str = "",
        returns: Sequence[str] = (),
    ) -> None:
        self.name = name
        self.args = tuple(args)
        self.handler = handler
        self.description = description
        self.returns = tuple(returns)
        self._variadic = any(a.variadic for a in self.args)
        self._min = sum(1 for a in self.args if not a.optional)
        self._max = None if self._variadic else len(self.args)
        # a function that computes a number returns a float64 in the reference
        self._float = NUMBER in self.returns

    def __call__(self, arguments: list) -> Any:
        specs = self.args
        if specs:
            count = len(arguments)
            if count < self._min:
                raise JPRuntimeError(self._not_enough(count))
            if self._max is not None and count > self._max:
                raise JPRuntimeError(
                    f"invalid arity, the function '{self.name}' expects at most "
                    f"{self._max} arguments but {count} were supplied"
                )
            for i, spec in enumerate(specs):
                if i < count:
                    spec.check(arguments[i])
            if self._variadic:
                last = specs[-1]
                for value in arguments[len(specs):]:
                    last.check(value)
        result = self.handler(arguments)
        if self._float and type(result) is int:
            return float(result)
        return result

    def _not_enough(self, count: int) -> str:
        more = "or more " if self._variadic else ""
        only = "only " if self._variadic else ""
        report = f"{only}{count} " if count else "none "
        plural = "s" if self._min > 1 else ""
        return (
            f"invalid arity, the function '{self.name}' expects {self._min} "
            f"argument{plural} {more}but {report}were supplied"
        )

    def signature(self) -> str:
        text = f"{self.name}({', '.join(a.text() for a in self.args)})"
        if self.returns:
            text += " " + ",".join(self.returns)
        return text
