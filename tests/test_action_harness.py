"""Runs the action's entrypoint the way the container does, for the test_action_* files.

A runner starts the container with the workspace as working directory,
GITHUB_* variables pointing at files it created, and every input of
action.yml as an INPUT_<NAME> variable (name upper-cased, dashes kept),
holding its default unless the workflow sets it. The defaults are read
from action.yml here, so the tests follow it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "action"
ACTION_YML = ROOT / "action.yml"
# The only workflow commands the action may print.
OUR_COMMANDS = ("::error ", "::error::", "::notice", "::stop-commands::")


def action_defaults() -> dict[str, str]:
    spec = yaml.safe_load(ACTION_YML.read_text(encoding="utf-8"))
    return {name: str(item.get("default", "")) for name, item in spec["inputs"].items()}


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT as the runner reads it: name=value lines and name<<DELIMITER heredocs."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            while lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            i += 1
            assert name not in out, f"output {name} written twice"
            out[name] = "\n".join(value)
        else:
            name, value = line.split("=", 1)
            out[name] = value
    return out


@dataclass
class ActionRun:
    code: int
    stdout: str
    stderr: str
    summary: str
    outputs: dict[str, str]
    workspace: Path
    runner_temp: Path

    @property
    def command_lines(self) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.startswith("::")]

    @property
    def errors(self) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.startswith("::error")]

    @property
    def notices(self) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.startswith("::notice")]

    def annotation(self, address: str) -> str:
        found = [line for line in self.errors if f"::{address}: " in line]
        assert len(found) == 1, (address, self.errors)
        return found[0]

    def stray_commands(self) -> list[str]:
        """Lines that look like a workflow command the action did not mean to print.

        Strict: lines inside a ``::stop-commands::`` block count too, and any
        character Python takes as a line break splits a line.
        """
        stray = []
        active = None
        for line in self.stdout.splitlines():
            if active is not None and line == f"::{active}::":
                active = None
                continue
            if active is None and line.startswith("::stop-commands::"):
                active = line[len("::stop-commands::"):]
                continue
            if line.lstrip().startswith("::") and not line.startswith(OUR_COMMANDS):
                stray.append(line)
            elif active is not None and line.startswith("::"):
                stray.append(line)  # even our own commands are not expected inside a quoted block
        assert active is None, "stop-commands block left open"
        return stray


def copy_tree(name: str, workspace: Path, dest: str = ".") -> Path:
    target = workspace / dest
    shutil.copytree(DATA / name, target, dirs_exist_ok=True)
    return target


def run_action(
    workspace: Path,
    inputs: dict[str, str] | None = None,
    *,
    event: dict | None = None,
    command: list[str] | None = None,
    extra_env: dict[str, str] | None = None,
) -> ActionRun:
    runner = workspace.parent / (workspace.name + "-runner")
    temp = runner / "temp"
    commands = runner / "file_commands"
    temp.mkdir(parents=True, exist_ok=True)
    commands.mkdir(parents=True, exist_ok=True)
    summary = commands / "step_summary"
    output = commands / "set_output"
    summary.write_text("", encoding="utf-8")
    output.write_text("", encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(runner),
        "LANG": "C.UTF-8",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "RUNNER_TEMP": str(temp),
    }
    if event is not None:
        event_path = runner / "event.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        env["GITHUB_EVENT_PATH"] = str(event_path)
    values = action_defaults()
    values.update(inputs or {})
    for name, value in values.items():
        env[f"INPUT_{name.upper()}"] = value
    env.update(extra_env or {})
    proc = subprocess.run(
        command or [sys.executable, "-m", "ecs_exec_guard", "action"],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return ActionRun(
        code=proc.returncode,
        stdout=proc.stdout,
        stderr=proc.stderr,
        summary=summary.read_text(encoding="utf-8"),
        outputs=parse_outputs(output.read_text(encoding="utf-8")),
        workspace=workspace,
        runner_temp=temp,
    )


def cluster_plan(clusters: list[dict]) -> dict:
    """A small plan with root-module clusters: [{"tf": name, "name": ..., "logging": ...}]."""
    resources = []
    changes = []
    for c in clusters:
        address = c.get("address") or f"aws_ecs_cluster.{c['tf']}"
        configuration = []
        if c.get("logging") is not None:
            configuration = [
                {
                    "execute_command_configuration": [
                        {"kms_key_id": None, "log_configuration": [], "logging": c["logging"]}
                    ],
                    "managed_storage_configuration": [],
                }
            ]
        values = {"name": c.get("name", c["tf"]), "configuration": configuration, "tags": None}
        resources.append(
            {
                "address": address,
                "mode": "managed",
                "type": "aws_ecs_cluster",
                "name": c["tf"],
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "schema_version": 0,
                "values": values,
            }
        )
        changes.append(
            {
                "address": address,
                "mode": "managed",
                "type": "aws_ecs_cluster",
                "name": c["tf"],
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": None, "after": values, "after_unknown": {"id": True}},
            }
        )
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": changes,
        "configuration": {"root_module": {}},
    }


def cluster_tf(clusters: list[dict]) -> str:
    blocks = []
    for c in clusters:
        body = f'  name = "{c.get("name", c["tf"])}"\n'
        if c.get("logging") is not None:
            body += (
                "  configuration {\n    execute_command_configuration {\n"
                f'      logging = "{c["logging"]}"\n    }}\n  }}\n'
            )
        blocks.append(f'resource "aws_ecs_cluster" "{c["tf"]}" {{\n{body}}}\n')
    return "\n".join(blocks)


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """1-based line of the first ``needle`` (after the first ``after``, when given)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1
