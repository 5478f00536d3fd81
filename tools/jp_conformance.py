#!/usr/bin/env python3
"""Run a jp-functions conformance file through ``ecs_exec_guard.jp``.

Usage: python tools/jp_conformance.py CASES.yaml [-v]

Each case has an ``expression``, ``data`` (the current node) and optional
``bindings`` (variables, referenced as ``$name``), and either ``result`` (the
expected JSON value; numbers compare by value) or ``error: true`` with an
optional ``error_contains`` substring.  Failures are printed; the last line is
``jp-functions: P/T passed``.  The exit status is 0 only if every case passed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ecs_exec_guard.jp import JPError, compile_expression  # noqa: E402
from ecs_exec_guard.jp.values import deep_equal  # noqa: E402


def _show(value) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)
    return text if len(text) <= 300 else text[:297] + "..."


def run_case(case: dict) -> str | None:
    """None when the case passes, else a one-line reason."""
    expression = case["expression"]
    data = case.get("data")
    bindings = case.get("bindings") or {}
    try:
        result = compile_expression(expression).search(data, bindings)
    except JPError as exc:
        if case.get("error"):
            wanted = case.get("error_contains")
            if wanted and wanted not in str(exc):
                return f"error {str(exc)!r} does not contain {wanted!r}"
            return None
        return f"unexpected error: {exc}"
    except Exception as exc:  # a raw exception escaping is a failure too
        return f"raw {type(exc).__name__} escaped: {exc}"
    if case.get("error"):
        return f"expected an error, got {_show(result)}"
    if not deep_equal(result, case.get("result")):
        return f"expected {_show(case.get('result'))}, got {_show(result)}"
    return None


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [a for a in argv if a != "-v"]
    if not paths:
        print("usage: python tools/jp_conformance.py CASES.yaml [-v]", file=sys.stderr)
        return 2
    path = Path(paths[0])
    with open(path, encoding="utf-8") as fh:
        document = yaml.safe_load(fh)
    cases = document["cases"] if isinstance(document, dict) else document
    passed = 0
    for case in cases:
        reason = run_case(case)
        name = case.get("name", case.get("expression"))
        if reason is None:
            passed += 1
            if verbose:
                print(f"ok   {name}")
        else:
            print(f"FAIL {name}: {reason}")
    print(f"jp-functions: {passed}/{len(cases)} passed")
    return 0 if passed == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
