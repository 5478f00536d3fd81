"""Load ``ValidatingPolicy`` documents and compile them once.

A policy file may hold several YAML documents; a folder is searched
recursively for ``.yaml`` / ``.yml`` files. Each document is checked for
shape (clear messages naming the file, the document and the path inside
it) and every assertion tree, expression and message template is
compiled here, so evaluation never parses anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..jp.values import type_name as _type_name
from .assertion import CompileError, Node, compile_tree
from .documents import decode_text, parse_yaml_documents, read_bytes
from .errors import LoadError
from .expr import Expr, ExpressionSyntaxError
from .fielderr import child, index, render
from .keys import COMPILERS, ENGINE_JP, parse_key
from .message import Message

API_VERSION = "json.kyverno.io/v1alpha1"
KIND = "ValidatingPolicy"


@dataclass
class ContextEntry:
    name: str
    expr: Expr | None  # evaluated lazily on the resource
    value: object = None  # literal value when ``expr`` is None
    # why the reference cannot compile the entry: the rule is then an ERROR
    # on every resource, whether or not the variable is used
    error: str = ""
    source: str = ""  # the variable as written, for that error


@dataclass
class Check:
    index: int
    kind: str  # "any" or "all"
    node: Node
    message: Message | None


@dataclass
class Rule:
    name: str
    raw: dict
    index: int
    context: list[ContextEntry]
    match: tuple | None  # (any_nodes, all_nodes)
    exclude: tuple | None
    identifier: Expr | None
    any_checks: list[Check]
    all_checks: list[Check]


@dataclass
class Policy:
    name: str
    raw: dict
    source: str
    document: int
    rules: list[Rule]
    labels: dict = field(default_factory=dict)
    annotations: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.annotations.get("policies.kyverno.io/title") or self.name)


_RULE_FIELDS = {"name", "engine", "compiler", "context", "match", "exclude", "identifier", "feedback", "assert"}
_TOP_FIELDS = {"apiVersion", "kind", "metadata", "spec"}
_SPEC_FIELDS = {"engine", "compiler", "rules"}
_META_FIELDS = {
    "name", "namespace", "labels", "annotations", "generateName", "uid",
    "resourceVersion", "generation", "creationTimestamp", "ownerReferences",
    "finalizers", "managedFields", "selfLink", "deletionTimestamp",
    "deletionGracePeriodSeconds",
}


class _Shape(Exception):
    def __init__(self, where: str, why: str):
        self.where = where
        self.why = why


def _want(value, kind: type, where: str, what: str):
    ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
    if not ok:
        raise _Shape(where, f"must be {what}, got {_type_name(value)}")


def _unknown(obj: dict, allowed: set, where: str):
    extra = sorted(set(obj) - allowed)
    if extra:
        raise _Shape(where, "unknown field " + ", ".join(repr(k) for k in extra))


def _check_compiler(obj: dict, where: str) -> None:
    value = obj.get("compiler")
    if value is not None and value not in COMPILERS:
        raise _Shape(f"{where}.compiler" if where else "compiler", f"must be 'jp' or 'cel', got {value!r}")


def _compiler(obj, default: str) -> str:
    value = obj.get("compiler") if isinstance(obj, dict) else None
    return value if value in COMPILERS else default


def _check_shape(doc: dict) -> None:
    """Structural rules of a ValidatingPolicy (raises _Shape)."""
    _unknown(doc, _TOP_FIELDS, "")
    meta = doc.get("metadata")
    _want(meta, dict, "metadata", "an object")
    _unknown(meta, _META_FIELDS, "metadata")
    name = meta.get("name")
    if not name:
        raise _Shape("metadata.name", "is required")
    _want(name, str, "metadata.name", "a string")
    for k in ("labels", "annotations"):
        if k in meta and meta[k] is not None:
            _want(meta[k], dict, f"metadata.{k}", "an object")
    spec = doc.get("spec")
    _want(spec, dict, "spec", "an object")
    _unknown(spec, _SPEC_FIELDS, "spec")
    _check_compiler(spec, "spec")
    rules = spec.get("rules")
    # an empty list is allowed: such a policy loads and yields no result
    _want(rules, list, "spec.rules", "a list")
    seen = set()
    for i, rule in enumerate(rules):
        w = f"spec.rules[{i}]"
        _want(rule, dict, w, "an object")
        _unknown(rule, _RULE_FIELDS, w)
        _check_compiler(rule, w)
        rname = rule.get("name")
        if rname is None or rname == "":
            raise _Shape(f"{w}.name", "is required")
        _want(rname, str, f"{w}.name", "a string")
        if rname in seen:
            raise _Shape(f"{w}.name", f"duplicate rule name {rname!r}")
        seen.add(rname)
        if "identifier" in rule and rule["identifier"] is not None:
            _want(rule["identifier"], str, f"{w}.identifier", "a string")
        ctx = rule.get("context")
        if ctx is not None:
            _want(ctx, list, f"{w}.context", "a list")
            for j, entry in enumerate(ctx):
                cw = f"{w}.context[{j}]"
                _want(entry, dict, cw, "an object")
                _unknown(entry, {"name", "variable", "compiler"}, cw)
                _check_compiler(entry, cw)
                if not entry.get("name"):
                    raise _Shape(f"{cw}.name", "is required")
                _want(entry["name"], str, f"{cw}.name", "a string")
        for part in ("match", "exclude"):
            m = rule.get(part)
            if m is None:
                continue
            _want(m, dict, f"{w}.{part}", "an object")
            _unknown(m, {"any", "all", "compiler"}, f"{w}.{part}")
            _check_compiler(m, f"{w}.{part}")
            for k in ("any", "all"):
                if m.get(k) is not None:
                    _want(m[k], list, f"{w}.{part}.{k}", "a list")
            if not m.get("any") and not m.get("all"):
                raise _Shape(f"{w}.{part}", "needs at least one entry in 'any' or 'all'")
        a = rule.get("assert")
        if a is None:
            raise _Shape(f"{w}.assert", "is required")
        _want(a, dict, f"{w}.assert", "an object")
        _unknown(a, {"any", "all", "compiler"}, f"{w}.assert")
        _check_compiler(a, f"{w}.assert")
        for k in ("any", "all"):
            if a.get(k) is not None:
                _want(a[k], list, f"{w}.assert.{k}", "a list")
                for j, item in enumerate(a[k]):
                    iw = f"{w}.assert.{k}[{j}]"
                    _want(item, dict, iw, "an object with 'check' (and optional 'message')")
                    _unknown(item, {"message", "check", "compiler"}, iw)
                    _check_compiler(item, iw)
                    if "check" not in item:
                        raise _Shape(f"{iw}.check", "is required")
                    if item.get("message") is not None:
                        _want(item["message"], str, f"{iw}.message", "a string")
        if not a.get("any") and not a.get("all"):
            raise _Shape(f"{w}.assert", "an empty assert is not valid: add checks under 'any' or 'all'")
        fb = rule.get("feedback")
        if fb is not None:
            _want(fb, list, f"{w}.feedback", "a list")
            for j, entry in enumerate(fb):
                if isinstance(entry, dict):
                    _check_compiler(entry, f"{w}.feedback[{j}]")


def _compile_rule(i: int, rule: dict, compiler: str = ENGINE_JP) -> Rule:
    """``compiler``: the policy's default; the rule and its parts may change it."""
    compiler = _compiler(rule, compiler)
    base = child(child(None, "spec"), "rules")
    rpath = index(base, i)
    context = []
    for j, entry in enumerate(rule.get("context") or []):
        var = entry.get("variable")
        cpath = child(index(child(rpath, "context"), j), "variable")
        if isinstance(var, str):
            syn = parse_key(var)
            if syn.foreach:
                context.append(ContextEntry(
                    entry["name"], None, None, "foreach is not supported in scalar projections", var))
                continue
            if syn.binding:
                context.append(ContextEntry(
                    entry["name"], None, None, "binding is not supported in scalar projections", var))
                continue
            if syn.engine:
                try:
                    context.append(ContextEntry(entry["name"], Expr(syn.statement, syn.engine, _compiler(entry, compiler))))
                except ExpressionSyntaxError as exc:
                    raise CompileError(render(cpath), str(exc)) from None
                continue
            context.append(ContextEntry(entry["name"], None, syn.statement))
        else:
            context.append(ContextEntry(entry["name"], None, var))

    def trees(part: str):
        m = rule.get(part)
        if m is None:
            return None
        mpath = child(rpath, part)
        mc = _compiler(m, compiler)
        any_nodes = [compile_tree(t, index(child(mpath, "any"), k), mc) for k, t in enumerate(m.get("any") or [])]
        all_nodes = [compile_tree(t, index(child(mpath, "all"), k), mc) for k, t in enumerate(m.get("all") or [])]
        return any_nodes, all_nodes

    match = trees("match")
    exclude = trees("exclude")
    identifier = None
    if rule.get("identifier"):
        try:
            identifier = Expr(rule["identifier"])
        except ExpressionSyntaxError as exc:
            raise CompileError(render(child(rpath, "identifier")), str(exc)) from None

    def checks(kind: str):
        out = []
        ac = _compiler(rule.get("assert"), compiler)
        for k, item in enumerate((rule.get("assert") or {}).get(kind) or []):
            ipath = index(child(child(rpath, "assert"), kind), k)
            node = compile_tree(item.get("check"), child(ipath, "check"), _compiler(item, ac))
            msg = None
            if item.get("message") is not None:
                try:
                    msg = Message(item["message"])
                except ExpressionSyntaxError as exc:
                    raise CompileError(render(child(ipath, "message")), str(exc)) from None
            out.append(Check(k, kind, node, msg))
        return out

    return Rule(
        name=rule["name"],
        raw=rule,
        index=i,
        context=context,
        match=match,
        exclude=exclude,
        identifier=identifier,
        any_checks=checks("any"),
        all_checks=checks("all"),
    )


def _doc_label(doc, n: int) -> str:
    name = ""
    if isinstance(doc, dict) and isinstance(doc.get("metadata"), dict):
        name = doc["metadata"].get("name") or ""
    return f"document {n}" + (f" ({name})" if isinstance(name, str) and name else "")


def _schema_message(doc) -> str | None:
    """The JSON-schema view of a shape problem, when the schema finds one."""
    try:
        from .schema import first_error
    except ImportError:  # pragma: no cover - schema support is optional at run time
        return None
    return first_error(doc)


def compile_policy(doc, source: str, n: int) -> Policy:
    """One policy document: kyverno-json's, or Kyverno's CEL ValidatingPolicy."""
    label = _doc_label(doc, n)
    if not isinstance(doc, dict):
        raise LoadError(source, f"{label}: expected a {KIND} object, got {_type_name(doc)}")
    from ..celpolicy.model import is_cel_document

    if is_cel_document(doc):
        from ..celpolicy.compile import compile_document

        return compile_document(doc, source, n)
    api, kind = doc.get("apiVersion"), doc.get("kind")
    if api != API_VERSION or kind != KIND:
        raise LoadError(
            source,
            f"{label}: not a kyverno-json policy (apiVersion {api!r}, kind {kind!r}); "
            f"expected apiVersion {API_VERSION!r} and kind {KIND!r}, "
            "or a CEL policy: apiVersion 'policies.kyverno.io/v1alpha1', kind 'ValidatingPolicy'",
        )
    try:
        _check_shape(doc)
    except _Shape as exc:
        detail = _schema_message(doc)
        where = f" {exc.where}" if exc.where else ""
        msg = f"{label}:{where} {exc.why}"
        if detail and detail not in msg:
            msg += f" (schema: {detail})"
        raise LoadError(source, msg) from None
    rules = []
    try:
        compiler = _compiler(doc["spec"], ENGINE_JP)
        for i, rule in enumerate(doc["spec"]["rules"]):
            rules.append(_compile_rule(i, rule, compiler))
    except CompileError as exc:
        raise LoadError(source, f"{label}: {exc.where}: {exc.why}") from None
    except RecursionError:
        raise LoadError(source, f"{label}: the policy is nested too deeply") from None
    meta = doc["metadata"]
    return Policy(
        name=meta["name"],
        raw=doc,
        source=source,
        document=n,
        rules=rules,
        labels=dict(meta.get("labels") or {}),
        annotations=dict(meta.get("annotations") or {}),
    )


def _policy_files(path: str) -> list[tuple[str, bool]]:
    """(file, found by walking a folder) for a policy path."""
    if os.path.isdir(path):
        from .fileaccess import walk_files

        found = walk_files(path, (".yaml", ".yml"), "policy")
        if not found:
            raise LoadError(path, "no .yaml or .yml policy files in this folder")
        return [(f, True) for f in found]
    if not os.path.lexists(path):
        raise LoadError(path, "policy file not found")
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".yaml", ".yml", ".json"):
        raise LoadError(path, f"unsupported policy file type ({ext or 'no extension'}); expected .yaml, .yml or .json")
    return [(path, False)]


def _identity(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, id(path))
    return (st.st_dev, st.st_ino)


def policy_documents(paths: list[str]):
    """(document, file, number in the file) of every non-empty policy document."""
    seen: set[tuple[int, int]] = set()
    for p in paths:
        for f, walked in _policy_files(p):
            identity = _identity(f)
            if identity in seen:
                continue  # the same file named again, or reached through another folder
            seen.add(identity)
            text = decode_text(read_bytes(f, "policy", walked=walked), f)
            docs = parse_yaml_documents(text, f)
            n = 0
            for doc in docs:
                n += 1
                if doc is None:
                    continue
                yield doc, f, n


def load_policies(paths: list[str]) -> list[Policy]:
    return [compile_policy(doc, f, n) for doc, f, n in policy_documents(paths)]
