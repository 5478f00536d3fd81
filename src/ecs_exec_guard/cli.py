"""Command line: ``scan``, ``apply``, ``jp query``, ``jp functions`` and ``action``.

Exit status: 0 every rule passed, 1 at least one rule failed, 2 something
could not be evaluated (bad input, a load error, a rule ERROR).
"""

from __future__ import annotations

import argparse
import csv
import sys

from . import __version__
from .engine.errors import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, GuardError

PROG = "ecs-exec-guard"


def _split_list(values: list[str] | None) -> list[str]:
    """Comma-separated, repeatable flags (like kyverno-json's string slices)."""
    out: list[str] = []
    for v in values or []:
        try:
            row = next(csv.reader([v], skipinitialspace=False))
        except (csv.Error, StopIteration):
            row = [v]
        out.extend(x for x in row if x != "")
    return out


def _one_line(text: str) -> str:
    """Untrusted text on one terminal line: cut to 2,000 characters (with a visible
    mark), control and separator characters escaped."""
    from .safetext import MAX_LINE, clip

    text = clip(text, MAX_LINE)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Check Terraform plans (and any JSON/YAML) against kyverno-json ValidatingPolicy policies.",
    )
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    p.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser(
        "scan",
        help="apply policies to a payload (kyverno-json compatible)",
        description=(
            "Apply policies to a JSON/YAML payload. Without --policy and --bindings the bundled "
            "ECS Exec logging policy and terraform-plan binding are used, so "
            "`ecs-exec-guard scan --payload plan.json` checks a `terraform show -json` plan."
        ),
    )
    s.add_argument("--payload", required=True, help="path to the payload (.json, .yaml or .yml); - reads standard input")
    s.add_argument(
        "--policy",
        action="append",
        metavar="PATH",
        help="policy file or folder (repeatable, comma-separated); default: the bundled ECS Exec logging policy",
    )
    s.add_argument("--bindings", metavar="PATH", help="YAML/JSON map; each key K is visible as $K")
    s.add_argument(
        "--pre-process",
        action="append",
        metavar="EXPR",
        dest="pre_process",
        help="JMESPath expression applied to the payload before the scan (repeatable, in order)",
    )
    s.add_argument("--labels", action="append", metavar="SELECTOR", help="policy label selector, e.g. 'team=ecs,!draft'")
    s.add_argument(
        "--output",
        choices=("text", "json", "sarif", "markdown", "github"),
        default="text",
        help=(
            "text and json: kyverno-json's log and report; sarif: SARIF 2.1.0; markdown: the Action's "
            "job summary; github: the Action's workflow commands (annotations). Default: text"
        ),
    )
    s.add_argument("--exit-zero", action="store_true", help="always exit 0 once the scan ran, like kyverno-json")
    s.add_argument(
        "--no-prune",
        action="store_true",
        help="read the whole JSON payload even when the policies only look at part of it",
    )
    s.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    ap = sub.add_parser(
        "apply",
        help="apply CEL ValidatingPolicy policies to JSON payloads (Kyverno CLI compatible)",
        description=(
            "Apply Kyverno CEL ValidatingPolicy policies (policies.kyverno.io, spec.evaluation.mode: JSON) "
            "to JSON/YAML payloads and print what `kyverno apply POLICY --json PAYLOAD` prints. "
            "Exit status: 0 nothing failed, 1 a payload failed a policy, 2 an error "
            "(Kyverno exits 1 for both)."
        ),
    )
    ap.add_argument("policies", nargs="+", metavar="POLICY", help="policy file or folder")
    ap.add_argument(
        "--json",
        action="append",
        metavar="PATH",
        help="payload file, .json or .yaml (repeatable, comma-separated); each is one resource",
    )
    ap.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    jp = sub.add_parser("jp", help="JMESPath tools in the policy dialect")
    jsub = jp.add_subparsers(dest="jp_command", metavar="JP_COMMAND")
    q = jsub.add_parser("query", help="evaluate an expression and print its JSON result")
    q.add_argument("expression", nargs="?", help="the expression (or use --query-file)")
    q.add_argument("-i", "--input", metavar="FILE", help="JSON/YAML input (default: standard input)")
    q.add_argument("-q", "--query-file", metavar="FILE", help="read the expression from a file")
    q.add_argument("--compact", action="store_true", help="print compact JSON")
    q.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    f = jsub.add_parser("functions", help="list the functions of the dialect")
    f.add_argument("name", nargs="?", help="show only this function")

    a = sub.add_parser(
        "action",
        help="GitHub Action entrypoint (reads INPUT_* and GITHUB_* variables)",
        description="Run as the container action: inputs come from INPUT_* environment variables.",
    )
    a.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return p


def entry() -> int:
    """Console-script entry: room for deep (but bounded) documents."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4000))
    return main()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    try:
        if args.command == "scan":
            from .scan import run_scan

            return run_scan(args)
        if args.command == "apply":
            from .applycli import run_apply

            return run_apply(args)
        if args.command == "jp":
            from .jpcli import run_jp

            return run_jp(args, parser)
        if args.command == "action":
            from .action.cancel import run_cancellable
            from .action.main import run_action

            return run_cancellable(run_action)
        parser.print_help()
        return EXIT_ERROR
    except GuardError as exc:
        _flush_stdout()
        print(f"{PROG}: error: {_one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, no traceback
        if debug:
            raise
        _flush_stdout()
        print(
            f"{PROG}: internal error: {_one_line(type(exc).__name__ + ': ' + str(exc))} (run with --debug for a traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _flush_stdout():
    try:
        sys.stdout.flush()
    except Exception:  # noqa: BLE001
        pass


__all__ = ["main", "EXIT_PASS", "EXIT_FAIL", "EXIT_ERROR"]
