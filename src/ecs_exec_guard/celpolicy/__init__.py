"""Kyverno's CEL ``ValidatingPolicy`` (``policies.kyverno.io``) in JSON mode.

Documents are recognised in :mod:`.model`, compiled once in
:mod:`.compile` (every expression type-checked, variables in order) and
evaluated per payload in :mod:`.evaluate` the way Kyverno evaluates a
JSON payload: ``object`` is the payload, match conditions decide between
``skip`` and evaluation, then the validations give ``pass``, ``fail`` or
``error``.
"""

from __future__ import annotations

from .model import CEL_API_GROUP, CEL_KIND, is_cel_document

__all__ = ["CEL_API_GROUP", "CEL_KIND", "is_cel_document"]
