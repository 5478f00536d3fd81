"""Broken and hostile input: exit 2, one clear line on stderr, no traceback."""

import os
import subprocess
import sys

import pytest

POLICY_HEAD = "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: p}\nspec:\n  rules:\n"


def _check(body: str) -> str:
    return POLICY_HEAD + "  - name: r\n    assert:\n      all:\n      - check:\n" + body


def _bomb() -> str:
    text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    prev = "a"
    for c in "bcdefghi":
        text += f"{c}: &{c} [" + ",".join(["*" + prev] * 9) + "]\n"
        prev = c
    return text


GOOD_PAYLOAD = ("ok.json", b'{"a": 5}')
GOOD_POLICY = ("good.yaml", _check("          a: 5\n"))

# name: (files to write, argv template, expected stderr fragment)
CASES = {
    "missing payload": ([], ["--payload", "{d}/nope.json"], "nope.json: payload file not found"),
    "missing policy": ([GOOD_PAYLOAD], ["--policy", "{d}/nope.yaml", "--payload", "{d}/ok.json"], "nope.yaml: policy file not found"),
    "truncated json": ([("t.json", b'{"a": [1, 2')], ["--payload", "{d}/t.json"], "t.json: invalid JSON at line 1"),
    "random bytes": ([("r.json", bytes(range(256)) * 4)], ["--payload", "{d}/r.json"], "r.json: invalid"),
    "empty json": ([("e.json", b"")], ["--payload", "{d}/e.json"], "e.json: invalid JSON: the file is empty"),
    "null payload": ([("n.json", b"null")], ["--payload", "{d}/n.json"], "n.json: payload is `null`"),
    "txt payload": ([("p.txt", b"{}")], ["--payload", "{d}/p.txt"], "p.txt: unsupported payload file type (.txt)"),
    "malformed yaml": ([("m.yaml", b"a: [1, 2\nb: }")], ["--payload", "{d}/m.yaml"], "m.yaml: invalid YAML at line"),
    "deployment as policy": (
        [GOOD_PAYLOAD, ("d.yaml", b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n")],
        ["--policy", "{d}/d.yaml", "--payload", "{d}/ok.json"],
        "d.yaml: document 1 (web): not a kyverno-json policy",
    ),
    "rule without assert": (
        [GOOD_PAYLOAD, ("na.yaml", POLICY_HEAD + "  - name: r\n")],
        ["--policy", "{d}/na.yaml", "--payload", "{d}/ok.json"],
        "na.yaml: document 1 (p): spec.rules[0].assert is required",
    ),
    "rule without name": (
        [GOOD_PAYLOAD, ("nn.yaml", POLICY_HEAD + "  - assert: {all: [{check: {a: 1}}]}\n")],
        ["--policy", "{d}/nn.yaml", "--payload", "{d}/ok.json"],
        "nn.yaml: document 1 (p): spec.rules[0].name is required",
    ),
    "unknown rule field": (
        [GOOD_PAYLOAD, ("uf.yaml", POLICY_HEAD + "  - name: r\n    asert: {}\n    assert: {all: [{check: {a: 1}}]}\n")],
        ["--policy", "{d}/uf.yaml", "--payload", "{d}/ok.json"],
        "spec.rules[0] unknown field 'asert'",
    ),
    "invalid jmespath": (
        [GOOD_PAYLOAD, ("bx.yaml", _check("          (foo[?): 1\n"))],
        ["--policy", "{d}/bx.yaml", "--payload", "{d}/ok.json"],
        "bx.yaml: document 1 (p): spec.rules[0].assert.all[0].check.(foo[?): invalid JMESPath expression",
    ),
    "unknown function": (
        [GOOD_PAYLOAD, ("uk.yaml", _check("          (no_such_function(@)): 1\n"))],
        ["--policy", "{d}/uk.yaml", "--payload", "{d}/ok.json"],
        "uk.yaml: document 1 (p): spec.rules[0].assert.all[0].check.(no_such_function(@)): ",
    ),
    "list as bindings": (
        [GOOD_PAYLOAD, ("b.yaml", b"- a\n- b\n")],
        ["--bindings", "{d}/b.yaml", "--payload", "{d}/ok.json"],
        "b.yaml: bindings must be a map",
    ),
    "yaml alias bomb": ([("bomb.yaml", _bomb())], ["--payload", "{d}/bomb.yaml"], "bomb.yaml: invalid YAML: document contains excessive aliasing"),
    "json nested 200000 deep": (
        [("deep.json", "[" * 200_000 + "]" * 200_000)],
        ["--payload", "{d}/deep.json"],
        "deep.json: invalid JSON: nesting is too deep",
    ),
    "invalid utf-8": ([("u.json", b'{"a": "\xff\xfe"}')], ["--payload", "{d}/u.json"], "u.json: invalid UTF-8 at byte 7"),
    "payload is a folder": ([], ["--payload", "{d}"], "payload path is a directory"),
    "bad label selector": (
        [GOOD_PAYLOAD, GOOD_POLICY],
        ["--policy", "{d}/good.yaml", "--payload", "{d}/ok.json", "--labels", "a in (b"],
        "--labels: invalid label selector",
    ),
    "pre-process to null": (
        [GOOD_PAYLOAD, GOOD_POLICY],
        ["--policy", "{d}/good.yaml", "--payload", "{d}/ok.json", "--pre-process", "nothing"],
        "prepocessor resulted in `null` payload (nothing)",
    ),
}


def _run(argv, cwd):
    env = dict(os.environ)
    env.pop("PYTHONWARNINGS", None)
    return subprocess.run(
        [sys.executable, "-m", "ecs_exec_guard", "scan", *argv],
        cwd=cwd, capture_output=True, text=True, timeout=60, env=env,
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_input_gives_one_clear_line_and_exit_2(name, tmp_path):
    files, argv, expected = CASES[name]
    for fname, content in files:
        data = content.encode() if isinstance(content, str) else content
        (tmp_path / fname).write_bytes(data)
    argv = [a.replace("{d}", str(tmp_path)) for a in argv]
    p = _run(argv, tmp_path)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("ecs-exec-guard: error: ")
    assert expected in lines[0], lines[0]


def test_runtime_type_error_is_the_rules_error_status(tmp_path):
    (tmp_path / "p.yaml").write_text(_check("          (length(a)): 1\n"))
    (tmp_path / "ok.json").write_text('{"a": 5}')
    p = _run(["--policy", str(tmp_path / "p.yaml"), "--payload", str(tmp_path / "ok.json")], tmp_path)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert "- p / r /  ERROR: all[0].check.(length(a)): Internal error: " in p.stdout
