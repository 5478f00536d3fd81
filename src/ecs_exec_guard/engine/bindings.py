"""Variable bindings (``$name``) seen by expressions.

Bindings are immutable: registering a name returns a new mapping. A
``key->name`` binding is visible below its key and, as in kyverno-json,
to the sibling keys written after it (kyverno-json visits sibling keys
in random order; we visit them in the order written). Context entries
are lazy: evaluated the first time an expression that mentions them runs.
"""

from __future__ import annotations

import re

from .errors import RuleError

_VAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class Lazy:
    __slots__ = ("_compute", "_done", "_value", "_error")

    def __init__(self, compute):
        self._compute = compute
        self._done = False
        self._value = None
        self._error = None

    def get(self):
        if not self._done:
            try:
                self._value = self._compute()
            except RuleError as exc:
                self._error = exc
            self._done = True
        if self._error is not None:
            raise self._error
        return self._value


class Bindings(dict):
    """name (without ``$``) -> value or :class:`Lazy`."""

    __slots__ = ("has_lazy",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_lazy = any(isinstance(v, Lazy) for v in self.values())

    def register(self, name: str, value) -> Bindings:
        new = Bindings.__new__(Bindings)
        dict.__init__(new, self)
        dict.__setitem__(new, name, value)
        new.has_lazy = self.has_lazy or isinstance(value, Lazy)
        return new

    def for_expression(self, names: frozenset) -> dict:
        """A plain dict for an expression that mentions ``names``."""
        if not self.has_lazy:
            return self
        out = {}
        for k, v in self.items():
            if isinstance(v, Lazy):
                if k in names:
                    out[k] = v.get()
            else:
                out[k] = v
        return out


def referenced_names(text: str) -> frozenset:
    return frozenset(_VAR.findall(text))
