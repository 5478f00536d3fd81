"""Compile a CEL ValidatingPolicy once, as Kyverno's JSON-mode compiler does.

Every ``matchConditions[].expression`` and ``validations[].expression``
must type-check to ``bool`` and every ``messageExpression`` to
``string``. ``variables`` are compiled in order: a variable may use only
the ones declared before it (``variables.NAME``), validations may use
all of them, match conditions none. Any problem is a :class:`CelPolicyError`
naming the field path and carrying the CEL error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import MODE_JSON, CelPolicySpec, ShapeError, read_spec

# What Kyverno declares for a JSON-mode evaluation. ``object`` is the
# payload; the admission-only names exist (so expressions using them
# compile, as in Kyverno) and are null for a JSON payload.
DECLARATIONS = {
    "object": "dyn",
    "oldObject": "dyn",
    "request": "dyn",
    "namespaceObject": "dyn",
    "variables": "map(string, dyn)",
}

_ENV = None


def environment():
    """The CEL environment of policy expressions (built once per process)."""
    global _ENV
    if _ENV is None:
        from ..cel import Environment

        _ENV = Environment(variables=dict(DECLARATIONS))
    return _ENV


class CelPolicyError(Exception):
    """A compile problem: ``where`` is the field path, ``why`` the reason."""

    def __init__(self, where: str, why: str):
        super().__init__(f"{where}: {why}" if where else why)
        self.where = where
        self.why = why


@dataclass
class CompiledValidation:
    index: int
    program: object
    message: str
    message_program: object | None


@dataclass
class CelRule:
    """The one (unnamed) rule a CEL policy reports under, as Kyverno does."""

    name: str = ""
    index: int = 0
    raw: dict = field(default_factory=dict)


@dataclass
class CelPolicy:
    """A compiled CEL ValidatingPolicy; ``rules`` lets reports treat it like
    a kyverno-json policy with a single rule whose name is empty."""

    name: str
    raw: dict
    source: str
    document: int
    spec: CelPolicySpec
    match_conditions: list = field(default_factory=list)
    variables: list = field(default_factory=list)  # [(name, program)] in order
    validations: list[CompiledValidation] = field(default_factory=list)
    labels: dict = field(default_factory=dict)
    annotations: dict = field(default_factory=dict)
    rules: list = field(default_factory=lambda: [CelRule()])

    language = "cel"

    @property
    def title(self) -> str:
        return str(self.annotations.get("policies.kyverno.io/title") or self.name)

    @property
    def json_mode(self) -> bool:
        """Kyverno applies only JSON-mode policies to JSON payloads."""
        return self.spec.mode == MODE_JSON

    @property
    def failure_policy(self) -> str:
        return self.spec.failure_policy


# --- references to ``variables.NAME`` -----------------------------------


def _skip_string(text: str, i: int, raw: bool = False) -> int:
    """Index just past the string literal starting at ``text[i]`` (a quote)."""
    q = text[i]
    triple = text.startswith(q * 3, i)
    end = q * 3 if triple else q
    j = i + (3 if triple else 1)
    n = len(text)
    while j < n:
        if not raw and text[j] == "\\":
            j += 2
            continue
        if text.startswith(end, j):
            return j + len(end)
        if not triple and text[j] == "\n":
            return j
        j += 1
    return n


def referenced_variables(text: str) -> list[str]:
    """Names used as ``variables.NAME`` (or ``variables.?NAME``) in an expression.

    String literals and comments are skipped; ``x.variables.y`` (a field
    named ``variables``) is not a reference.
    """
    out: list[str] = []
    i, n = 0, len(text)
    prev = ""  # last significant character before the current token
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _skip_string(text, i)
            prev = "s"
            continue
        if c == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c.isalpha() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            word = text[i:j]
            if j < n and text[j] in "\"'" and word.lower() in ("r", "b", "rb", "br"):
                i = _skip_string(text, j, raw="r" in word.lower())
                prev = "s"
                continue
            if word == "variables" and prev != ".":
                k = j
                while k < n and text[k].isspace():
                    k += 1
                if k < n and text[k] == ".":
                    k += 1
                    while k < n and text[k].isspace():
                        k += 1
                    if k < n and text[k] == "?":
                        k += 1
                    m = k
                    while m < n and (text[m].isalnum() or text[m] == "_"):
                        m += 1
                    if m > k:
                        out.append(text[k:m])
            prev = "w"
            i = j
            continue
        if not c.isspace():
            prev = c
        i += 1
    return out


def _compile(env, text: str, where: str, visible: set, want: str | None):
    from ..cel import CelCompileError

    for name in referenced_variables(text):
        if name not in visible:
            raise CelPolicyError(where, f"undefined field '{name}' (variables.{name} is not declared before this expression)")
    try:
        program = env.compile(text)
    except CelCompileError as exc:
        text = getattr(exc, "message", None) or str(exc)
        # one line: the caret display of a syntax error stays out of it
        raise CelPolicyError(where, (text.strip().splitlines() or ["invalid expression"])[0]) from None
    except RecursionError:
        raise CelPolicyError(where, "the expression is nested too deeply") from None
    if want is not None:
        got = program.output_type
        # Variables are declared as dyn values: an expression whose type
        # comes from them is checked when it runs.
        if got != want and not (got == "dyn" and referenced_variables(text)):
            raise CelPolicyError(where, f"output is expected to be of type {want}, got {got}")
    return program


def compile_spec(spec: CelPolicySpec, raw: dict, source: str, document: int) -> CelPolicy:
    env = environment()
    policy = CelPolicy(
        name=spec.name,
        raw=raw,
        source=source,
        document=document,
        spec=spec,
        labels=spec.labels,
        annotations=spec.annotations,
    )
    for cond in spec.match_conditions:
        policy.match_conditions.append(_compile(env, cond.expression, cond.path, set(), "bool"))
    visible: set = set()
    for var in spec.variables:
        policy.variables.append((var.name, _compile(env, var.expression, var.path, visible, None)))
        visible.add(var.name)
    for v in spec.validations:
        program = _compile(env, v.expression, f"{v.path}.expression", visible, "bool")
        message_program = None
        if v.message_expression:
            message_program = _compile(env, v.message_expression, f"{v.path}.messageExpression", visible, "string")
        policy.validations.append(CompiledValidation(v.index, program, v.message, message_program))
    return policy


def doc_label(doc, n: int) -> str:
    name = ""
    if isinstance(doc, dict) and isinstance(doc.get("metadata"), dict):
        name = doc["metadata"].get("name") or ""
    return f"document {n}" + (f" ({name})" if isinstance(name, str) and name else "")


def check_document(doc: dict, source: str, n: int) -> CelPolicySpec:
    """Shape of one CEL policy document, or a LoadError naming file, policy and field."""
    from ..engine.errors import LoadError

    try:
        return read_spec(doc)
    except ShapeError as exc:
        raise LoadError(source, f"{doc_label(doc, n)}: {exc}") from None


def compile_document(doc: dict, source: str, n: int, spec: CelPolicySpec | None = None) -> CelPolicy:
    """Shape-check and compile one document; errors name file, policy, field path and CEL error."""
    from ..engine.errors import LoadError

    if spec is None:
        spec = check_document(doc, source, n)
    try:
        return compile_spec(spec, doc, source, n)
    except CelPolicyError as exc:
        raise LoadError(source, f"{doc_label(doc, n)}: {exc}") from None
