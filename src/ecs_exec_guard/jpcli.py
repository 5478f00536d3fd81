"""``jp query`` and ``jp functions``."""

from __future__ import annotations

import sys

from .engine.documents import decode_text, parse_json, parse_yaml_documents, read_bytes
from .engine.errors import EXIT_ERROR, EXIT_PASS, LoadError
from .engine.gofmt import go_json_indent, sorted_keys
from .jp.values import go_json_dumps


def _read_input(path: str | None):
    if path is None or path == "-":
        data = sys.stdin.buffer.read()
        where = "<stdin>"
    else:
        data = read_bytes(path, "input")
        where = path
    if not data.strip():
        return None
    stripped = data.lstrip()
    if path and path.lower().endswith((".yaml", ".yml")) or stripped[:1] not in (b"{", b"[", b'"') and not stripped[:1].isdigit():
        docs = parse_yaml_documents(decode_text(data, where), where)
        if len(docs) == 1:
            return docs[0]
        return docs or None
    return parse_json(data, where)


def run_jp(args, parser) -> int:
    from .jp import JPError, JPSyntaxError, compile_expression, function_names

    if args.jp_command == "functions":
        rows = function_names()
        if args.name:
            rows = [r for r in rows if r[0] == args.name]
            if not rows:
                raise LoadError("jp functions", f"unknown function {args.name!r}")
        for name, signature, description in rows:
            line = f"{signature}" if signature.startswith(name) else f"{name}({signature})"
            print(f"{line}  {description}".rstrip())
        return EXIT_PASS
    if args.jp_command != "query":
        parser.parse_args(["jp", "--help"])
        return EXIT_ERROR
    if args.query_file:
        text = decode_text(read_bytes(args.query_file, "query"), args.query_file).strip()
    elif args.expression is not None:
        text = args.expression
    else:
        raise LoadError("jp query", "no expression given (pass it as an argument or with --query-file)")
    try:
        expr = compile_expression(text)
    except JPSyntaxError as exc:
        raise LoadError("expression", str(exc)) from None
    value = _read_input(args.input)
    try:
        result = expr.search(value, {})
    except JPError as exc:
        raise LoadError("expression", f"evaluation failed: {exc}") from None
    # encoding/json, as the reference prints: sorted keys, Go's numbers
    try:
        compact = go_json_dumps(result)  # also refuses NaN and infinities, as Go does
        print(compact if args.compact else go_json_indent(sorted_keys(result)))
    except JPError as exc:
        raise LoadError("expression", f"error marshalling result to JSON: {exc}") from None
    return EXIT_PASS

