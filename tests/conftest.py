import json
import textwrap
from pathlib import Path

import pytest

from ecs_exec_guard.cli import main

REPO = Path(__file__).resolve().parent.parent


class Run:
    def __init__(self, code, out, err):
        self.code = code
        self.out = out
        self.err = err

    @property
    def rule_lines(self):
        """The lines between "Running ..." and "Done"."""
        lines = self.out.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Running ("))
        return lines[start + 1 : lines.index("Done")]


@pytest.fixture
def scan(tmp_path, capsys):
    """Run ``scan`` in-process on policy/payload text written to tmp files."""

    def run(policy, payload, *extra, bindings=None, payload_name="payload.json"):
        args = ["scan"]
        if policy is not None:
            pfile = tmp_path / "policy.yaml"
            pfile.write_text(textwrap.dedent(policy) if isinstance(policy, str) else policy)
            args += ["--policy", str(pfile)]
        dfile = tmp_path / payload_name
        if isinstance(payload, (bytes, str)):
            dfile.write_bytes(payload if isinstance(payload, bytes) else payload.encode())
        else:
            dfile.write_text(json.dumps(payload))
        args += ["--payload", str(dfile)]
        if bindings is not None:
            bfile = tmp_path / "bindings.yaml"
            bfile.write_text(textwrap.dedent(bindings))
            args += ["--bindings", str(bfile)]
        args += list(extra)
        capsys.readouterr()
        code = main(args)
        cap = capsys.readouterr()
        return Run(code, cap.out, cap.err)

    return run


def policy(rules: str, name: str = "test") -> str:
    """A ValidatingPolicy around an indented ``rules:`` body."""
    body = textwrap.indent(textwrap.dedent(rules).strip("\n"), "    ")
    return (
        "apiVersion: json.kyverno.io/v1alpha1\n"
        "kind: ValidatingPolicy\n"
        f"metadata:\n  name: {name}\n"
        "spec:\n  rules:\n" + body + "\n"
    )
