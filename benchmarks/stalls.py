"""Inputs that once stalled the tool, timed through the real command line.

Each case writes its files into a fresh temporary folder, runs one
``ecs-exec-guard`` command there as a child process (``jp query`` or
``scan``) and reports the wall time, the exit status and whether it
finished within the budget (5 s by default).  A case that has not finished
after --timeout seconds is killed and reported as such.

    python benchmarks/stalls.py                  # every case
    python benchmarks/stalls.py regex quantity   # cases whose name contains a word
    python benchmarks/stalls.py --list

To add a case, append a ``Case`` to ``CASES``: a name, what it checks, the
files to write (name -> text or bytes) and the command-line arguments after
``ecs-exec-guard``. Optional ``setup(folder)`` makes what text cannot
(symbolic links, FIFOs); with ``action`` (the action's inputs, e.g.
``{"payload": "plan.json"}``) the command runs as a runner runs the
container: ``action`` in the folder as workspace, with ``INPUT_*``,
``GITHUB_WORKSPACE``, ``GITHUB_STEP_SUMMARY`` and ``GITHUB_OUTPUT`` set.  Optional ``expect``: text the output (stdout + stderr)
must contain, so that a case that "finishes" by failing early is noticed.
The exit status is printed, not judged: a refusal with a clear error is an
acceptable answer to a hostile input.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Case:
    name: str
    what: str
    files: dict[str, str | bytes]
    args: list[str]
    expect: str = ""
    extra: dict = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    action: dict[str, str] | None = None


def _jp(expression: str, data: dict, expect: str = "") -> tuple[dict, list[str], str]:
    return {"input.json": json.dumps(data)}, ["jp", "query", "--compact", "-i", "input.json", expression], expect


def jp_case(name: str, what: str, expression: str, data: dict, expect: str = "") -> Case:
    files, args, expect = _jp(expression, data, expect)
    return Case(name, what, files, args, expect)


def _policy(rules: str) -> str:
    return (
        "apiVersion: json.kyverno.io/v1alpha1\n"
        "kind: ValidatingPolicy\n"
        "metadata:\n  name: stalls\n"
        "spec:\n  rules:\n" + rules
    )


def _alias_bomb(fanout: int, levels: int) -> str:
    items = ",".join(['"lol"'] * fanout)
    lines = [f"a0: &a0 [{items}]"]
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * fanout)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def _oid_certificate() -> str:
    # a certificate whose signature algorithm OID is 1 MB of continuation bytes
    oid = b"\x06\x83\x0f\x42\x40" + b"\x81" * 999_999 + b"\x01"
    alg = b"\x30\x83" + len(oid).to_bytes(3, "big") + oid
    body = b"\x30\x03\x02\x01\x01" + alg
    der = b"\x30\x83" + len(body).to_bytes(3, "big") + body
    return "-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der).decode() + "-----END CERTIFICATE-----\n"


NAME_PATTERN = "^([a-z0-9]+-?)*[a-z0-9]+$"

CASES: list[Case] = [
    Case(
        "regex-name-30-chars",
        "naming-convention pattern on a 30-character cluster name (scan)",
        {
            "policy.yaml": _policy(
                "  - name: naming\n"
                "    assert:\n"
                "      all:\n"
                "      - message: bad name\n"
                "        check:\n"
                f"          (regex_match('{NAME_PATTERN}', name)): true\n"
            ),
            "payload.json": json.dumps({"name": "a" * 29 + "!"}),
        },
        ["scan", "--policy", "policy.yaml", "--payload", "payload.json"],
        expect="FAILED",
    ),
    jp_case("regex-trailing-space-100k", "regex_match('\\s+$') on 100 kB of spaces then a letter",
            "regex_match('\\s+$', s)", {"s": " " * 100_000 + "x"}, expect="false"),
    jp_case("regex-dev-prod-100k", "regex_match('.*-(dev|prod)-.*') on 100 kB of dashes",
            "regex_match('.*-(dev|prod)-.*', s)", {"s": "-" * 100_000}, expect="false"),
    jp_case("regex-replace-empty-200k", "regex_replace_all('x*') on 200 kB (200,000 empty matches)",
            "length(regex_replace_all('x*', s, '-'))", {"s": "ab" * 100_000}, expect="400001"),
    jp_case("regex-unicode-class", "regex_match('^\\pL+$') on 100 kB of letters (\\pL was refused)",
            "regex_match('^\\pL+$', s)", {"s": "é" * 100_000}, expect="true"),
    jp_case("wildcard-100k", "wildcard('*a?a?...b*') (5,000 characters) on a 100 kB name",
            "wildcard(p, s)", {"p": "*" + "a?" * 2500 + "b*", "s": "a" * 100_000}, expect="false"),
    jp_case("quantity-exponent", "add('1e2147483647', '1')",
            "add('1e2147483647', '1')", {}, expect="quantity out of range"),
    jp_case("quantity-negative-exponent", "add('1.5e-2147483647', '1') (rounds up to 1n)",
            "add('1.5e-2147483647', '1')", {}, expect="1000000001e-9"),
    jp_case("quantity-digits-1m", "add() on a quantity of a million digits",
            "add(q, '1')", {"q": "1" * 1_000_000}, expect="quantity out of range"),
    jp_case("parse-yaml-alias-bomb", "parse_yaml of a 600-byte alias bomb",
            "parse_yaml(y)", {"y": _alias_bomb(9, 12)}, expect="excessive aliasing"),
    jp_case("parse-yaml-huge-integer", "parse_yaml of a million-digit integer",
            "length(parse_yaml(y))", {"y": "9" * 1_000_000}, expect="1000000"),
    jp_case("duration-1mb", "a 1 MB Go duration (500,000 units)",
            "add(d, '1s')", {"d": "1s" * 500_000}, expect="138h53m21s"),
    jp_case("duration-digits-1mb", "a duration with a million fraction digits",
            "add(d, '1s')", {"d": "1." + "1" * 1_000_000 + "s"}, expect="2.111111111s"),
    jp_case("x509-oid-1mb", "x509_decode of a certificate with a 1 MB OID",
            "x509_decode(pem)", {"pem": _oid_certificate()}, expect="malformed certificate"),
    jp_case("x509-pem-begins", "x509_decode of 30,000 BEGIN lines and one END",
            "x509_decode(pem)",
            {"pem": "-----BEGIN CERTIFICATE-----\nAAAA\n" * 30_000 + "-----END CERTIFICATE-----\n"},
            expect="failed to decode PEM block"),
    Case(
        "message-template-2.5mb",
        "message placeholders whose values hold placeholders, 2.5 MB payload (scan)",
        {
            "policy.yaml": _policy(
                "  - name: message\n"
                "    assert:\n"
                "      all:\n"
                "      - message: \"{{ a }} {{ b }} {{ c }} {{ d }}\"\n"
                "        check:\n"
                "          ok: true\n"
            ),
            "payload.json": json.dumps({
                "ok": False,
                "a": "{{ b }}" * 120_000,
                "b": "{{ c }}" * 120_000,
                "c": "{{ d }}" * 120_000,
                "d": "x",
            }),
        },
        ["scan", "--policy", "policy.yaml", "--payload", "payload.json"],
        expect="message truncated",
    ),
    Case(
        "message-placeholder-openings",
        "a message of 1 MB of unclosed {{ (scan)",
        {
            "policy.yaml": _policy(
                "  - name: message\n"
                "    assert:\n"
                "      all:\n"
                f"      - message: \"{'{{' * 500_000}\"\n"
                "        check:\n"
                "          ok: true\n"
            ),
            "payload.json": json.dumps({"ok": False}),
        },
        ["scan", "--policy", "policy.yaml", "--payload", "payload.json"],
        expect="FAILED",
    ),
]


def _runner_env(workspace: str, runner: str, inputs: dict[str, str]) -> dict[str, str]:
    """What a runner gives the action's container (every input of action.yml set)."""
    import yaml

    spec = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    values = {name: str(item.get("default", "")) for name, item in spec["inputs"].items()}
    values.update(inputs)
    env = {f"INPUT_{name.upper()}": value for name, value in values.items()}
    for name in ("summary", "output"):
        Path(runner, name).write_text("", encoding="utf-8")
    env.update(
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=workspace,
        GITHUB_STEP_SUMMARY=str(Path(runner, "summary")),
        GITHUB_OUTPUT=str(Path(runner, "output")),
        RUNNER_TEMP=runner,
    )
    return env



# -- workspace files: links, FIFOs, special files, huge text -------------------------


def _plan(name: str = "c") -> str:
    cluster = {
        "address": f"aws_ecs_cluster.{name}", "mode": "managed", "type": "aws_ecs_cluster", "name": name,
        "values": {"name": name, "configuration": [{"execute_command_configuration": [{"logging": "NONE"}]}]},
    }
    return json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": [cluster]}}})


def _links_to_workspace(count: int) -> Callable[[Path], None]:
    def setup(ws: Path) -> None:
        (ws / "stacks").mkdir()
        (ws / "stacks" / "plan.json").write_text(_plan(), encoding="utf-8")
        for i in range(count):
            (ws / f"link{i}").symlink_to(".")
            (ws / "stacks" / f"up{i}").symlink_to("..")

    return setup


def _policy_folder_with(make: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(ws: Path) -> None:
        (ws / "policies").mkdir()
        (ws / "policies" / "ok.yaml").write_text(_policy(
            "  - name: r\n    assert:\n      all:\n      - check:\n          format_version: '1.2'\n"), encoding="utf-8")
        make(ws / "policies" / "zz.yaml")

    return setup


FILE_CASES: list[Case] = [
    Case("glob-two-links-to-workspace", "`**/plan.json` with two links to . and two to .. (action)",
         {}, ["action"], expect="Checking stacks/plan.json: 1 document",
         setup=_links_to_workspace(2), action={"payload": "**/plan.json"}),
    Case("glob-ten-links-to-workspace", "`**/*.json` with ten links to . and ten to .. (action)",
         {}, ["action"], expect="Checking stacks/plan.json: 1 document",
         setup=_links_to_workspace(10), action={"payload": "**/*.json"}),
    Case("policy-folder-link-dev-zero", "a policy folder holding a link to /dev/zero (action)",
         {"plan.json": _plan()}, ["action"], expect="symbolic link",
         setup=_policy_folder_with(lambda p: p.symlink_to("/dev/zero")),
         action={"payload": "plan.json", "policy": "policies"}),
    Case("policy-folder-fifo", "a policy folder holding a FIFO (action)",
         {"plan.json": _plan()}, ["action"], expect="FIFO",
         setup=_policy_folder_with(os.mkfifo), action={"payload": "plan.json", "policy": "policies"}),
    Case("policy-folder-link-stdout", "a policy folder holding a link to /proc/self/fd/1 (action)",
         {"plan.json": _plan()}, ["action"], expect="symbolic link",
         setup=_policy_folder_with(lambda p: p.symlink_to("/proc/self/fd/1")),
         action={"payload": "plan.json", "policy": "policies"}),
    Case("payload-fifo", "the payload named by the action's input is a FIFO (action)",
         {}, ["action"], expect="special file",
         setup=lambda ws: os.mkfifo(ws / "plan.json"), action={"payload": "plan.json"}),
    Case("scan-payload-fifo", "scan --payload on a FIFO",
         {}, ["scan", "--payload", "plan.json"], expect="FIFO", setup=lambda ws: os.mkfifo(ws / "plan.json")),
    Case("scan-policy-link-dev-zero", "scan --policy naming a link to /dev/zero",
         {"plan.json": _plan()}, ["scan", "--payload", "plan.json", "--policy", "p.yaml"],
         expect="character device", setup=lambda ws: (ws / "p.yaml").symlink_to("/dev/zero")),
    Case("huge-cluster-name-5mb", "a cluster named with 5 MB: log lines, annotation and summary cut (action)",
         {"plan.json": _plan("n" * 5_000_000)}, ["action"], expect="more characters)",
         action={"payload": "plan.json"}),
]
CASES.extend(FILE_CASES)


def _command(cli: str | None) -> list[str]:
    if cli:
        return [cli]
    found = shutil.which("ecs-exec-guard", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "ecs_exec_guard"]


def run_case(case: Case, command: list[str], timeout: float) -> tuple[float, str, str]:
    """(seconds, exit status or TIMEOUT, combined output)."""
    with tempfile.TemporaryDirectory(prefix="stall-") as tmp:
        for name, content in case.files.items():
            path = Path(tmp, name)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        if case.setup is not None:
            case.setup(Path(tmp))
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        runner = tempfile.mkdtemp(prefix="stall-runner-")
        if case.action is not None:
            env.update(_runner_env(tmp, runner, case.action))
        start = time.perf_counter()
        try:
            proc = subprocess.run(command + case.args, cwd=tmp, env=env, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return time.perf_counter() - start, "TIMEOUT", ""
        finally:
            shutil.rmtree(runner, ignore_errors=True)
        elapsed = time.perf_counter() - start
        output = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
        return elapsed, str(proc.returncode), output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("words", nargs="*", help="run only cases whose name contains one of these")
    parser.add_argument("--cli", help="the ecs-exec-guard executable (default: the one next to this Python)")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds a case may take (default 5)")
    parser.add_argument("--timeout", type=float, default=60.0, help="kill a case after this many seconds")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    args = parser.parse_args(argv)

    cases = [c for c in CASES if not args.words or any(w in c.name for w in args.words)]
    if args.list:
        for case in cases:
            print(f"{case.name:30} {case.what}")
        return 0
    command = _command(args.cli)
    print(f"| case | seconds | exit | within {args.budget:g} s | output as expected |")
    print("|---|---:|---:|---|---|")
    slow = 0
    for case in cases:
        elapsed, status, output = run_case(case, command, args.timeout)
        within = status != "TIMEOUT" and elapsed <= args.budget
        expected = "yes" if (not case.expect or case.expect in output) else "NO"
        slow += not within or expected == "NO"
        print(f"| {case.name} | {elapsed:.2f} | {status} | {'yes' if within else 'NO'} | {expected} |", flush=True)
    print(f"\n{len(cases) - slow}/{len(cases)} cases within {args.budget:g} s with the expected output")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
