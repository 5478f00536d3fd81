"""The JSON schema of a ValidatingPolicy, used to explain shape errors.

Well-formed policies are checked by the compiler's own structural pass;
only when that pass finds a problem is the schema library loaded, to add
its standard description of what is wrong (and where).
"""

from __future__ import annotations

import functools
import json
from importlib import resources


@functools.cache
def policy_schema() -> dict:
    text = resources.files("ecs_exec_guard").joinpath("schemas/validating-policy.schema.json").read_text()
    return json.loads(text)


def first_error(doc) -> str | None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(policy_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is None:
        return None
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    return f"{where or '(document)'}: {error.message}"[:300]
