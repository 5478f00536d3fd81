"""Untrusted text (plan values, policy text, file names) never becomes a command, HTML or Markdown."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ecs_exec_guard.action.commands import Annotation, escape_data, escape_property, output_text, render_annotations
from ecs_exec_guard.action.summary import md
from ecs_exec_guard.safetext import escape_controls

try:
    from test_action_harness import DATA, cluster_plan, parse_outputs, run_action
except ImportError:  # tests collected as a package
    from tests.test_action_harness import DATA, cluster_plan, parse_outputs, run_action

HOSTILE_NAME = (
    "evil\n::warning::injected%0A::error::again\r::set-output name=result::pass "
    "<img src=x onerror=alert(1)> | `tick` [link](https://example.invalid) *star* _under_ # hash {{ t }} {% x %}"
)
HOSTILE_ADDRESS = "aws_ecs_cluster.x\n::warning file=a.tf::from an address <img src=y>\u2028::notice::sep"
TABLE_ROW = re.compile(r"^\| <code>")


def hostile_workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace"
    ws.mkdir()
    plan = cluster_plan(
        [
            {"tf": "evil", "name": HOSTILE_NAME, "logging": "NONE"},
            {"tf": "x", "address": HOSTILE_ADDRESS, "name": "ok\n|broken|", "logging": "NONE"},
            {"tf": "fine", "name": "fine", "logging": "DEFAULT"},
        ]
    )
    (ws / "plan.json").write_text(json.dumps(plan, indent=2), encoding="utf-8")
    (ws / "main.tf").write_text('resource "aws_ecs_cluster" "evil" {\n  configuration {\n    execute_command_configuration {\n      logging = "NONE"\n    }\n  }\n}\n', encoding="utf-8")
    shutil.copy(DATA / "policies" / "hostile.yaml", ws / "hostile.yaml")
    return ws


def assert_inert_summary(summary: str):
    assert "<img" not in summary and "<script" not in summary and "<b>" not in summary
    assert "&lt;img src=x onerror=alert(1)&gt;" in summary
    assert "{{" not in summary and "{%" not in summary
    for line in summary.splitlines():
        if TABLE_ROW.match(line):
            # 6 columns: 7 unescaped pipes
            assert len(re.findall(r"(?<!\\)\|", line)) == 7, line
        # no line of untrusted text starts a heading or a command
        assert not line.startswith(("::", "# heading")), line


def test_hostile_plan_and_policy(tmp_path: Path):
    ws = hostile_workspace(tmp_path)
    run = run_action(ws, {"payload": "plan.json", "policy": "hostile.yaml", "sarif-file": "out.sarif"})
    assert run.code == 1, run.stdout + run.stderr
    assert run.stray_commands() == []
    for line in run.stdout.splitlines():
        if line.startswith("::"):
            assert line.startswith(("::error ", "::notice", "::stop-commands::")) or re.fullmatch(
                r"::ecs-exec-guard-[0-9a-f]{32}::", line
            ), line
    assert len(run.errors) == 2
    for line in run.errors:
        assert "\r" not in line
        properties = line.split("::")[1]
        assert properties.count("title=") == 1
        assert "title=Exec logging%2C please%3A %3A%3Awarning%3A%3Atitle %250A <b>bold</b>" in properties
    evil = next(line for line in run.errors if "file=main.tf" in line)
    assert evil.startswith("::error file=main.tf,line=4,title=")
    assert "%0A::warning::injected%250A::error::again%0D::set-output" in evil
    odd = next(line for line in run.errors if "file=plan.json" in line)
    assert "aws_ecs_cluster.x%0A::warning file=a.tf::from an address" in odd

    assert run.outputs["result"] == "fail" and run.outputs["violations"] == "2"
    assert_inert_summary(run.summary)
    assert "aws_ecs_cluster.evil" in run.summary and "aws_ecs_cluster.fine" in run.summary
    sarif = json.loads((ws / "out.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == 2


def test_hostile_file_names(tmp_path: Path):
    ws = tmp_path / "workspace"
    name = "plan ::warning::x, y%0A <img src=z>.json"
    (ws / "dir").mkdir(parents=True)
    shutil.copy(DATA / "failing" / "plan.json", ws / "dir" / name)
    run = run_action(ws, {"payload": "dir/*.json"})
    assert run.code == 1
    assert run.stray_commands() == []
    assert_inert_summary(run.summary.replace("&lt;img src=z&gt;", "&lt;img src=x onerror=alert(1)&gt;"))
    for line in run.errors:
        assert "file=dir/plan %3A%3Awarning%3A%3Ax%2C y%250A <img src=z>.json" in line


# -- the escaping functions ----------------------------------------------------


def test_escape_rules():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


@given(st.text())
def test_escaping_agrees_with_the_toolkit(text):
    from actions_toolkit.command import escape_data as toolkit_data
    from actions_toolkit.command import escape_property as toolkit_property

    # the same rules, except that other control characters become visible
    # escapes and other line separators spaces
    plain = "".join(ch if ch in "\r\n" else escape_controls(ch) for ch in text)
    plain = re.sub("[\u2028\u2029]", " ", plain)
    assert escape_data(text) == toolkit_data(plain)
    assert escape_property(text) == toolkit_property(plain)
    assert len(escape_data(text).splitlines()) <= 1


@given(st.text(), st.text(), st.one_of(st.none(), st.integers(min_value=-3, max_value=10**6)), st.text())
def test_annotation_is_one_line(message, file, line, title):
    text = render_annotations([Annotation("error", message, file=file or None, line=line, title=title or None)])
    assert text.endswith("\n") and text.count("\n") == 1 and "\r" not in text
    head, sep, _ = text[2:].partition("::")
    assert sep
    props = head.split(" ", 1)[1].split(",") if " " in head else []
    for prop in props:
        key, _, value = prop.partition("=")
        assert key in ("file", "line", "title") and value != ""


def test_empty_properties_are_left_out():
    # actions_toolkit writes "line=" (and "title=", "endLine=", ...) for properties without a value
    assert render_annotations([Annotation("error", "m", file="plan.json", line=None, title="")]) == "::error file=plan.json::m\n"
    assert render_annotations([Annotation("notice", "3 more")]) == "::notice::3 more\n"


@given(st.dictionaries(st.sampled_from(["result", "violations", "report", "sarif"]), st.text()))
def test_outputs_round_trip(values):
    values = {k: v.replace("\r", "") for k, v in values.items()}
    assert parse_outputs(output_text(values)) == values


def test_output_delimiter_not_in_value():
    value = "ghadelimiter_ecs-exec-guard-\nfail\n"
    text = output_text({"result": value})
    delimiter = text.split("<<", 1)[1].split("\n", 1)[0]
    assert delimiter not in value
    assert parse_outputs(text) == {"result": value}


def test_md_filter():
    assert md("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert md("aws_ecs_cluster.this") == "aws_ecs_cluster.this"
    assert md("_a_ *b* `c` [d](e) #f |g| ~h~ $i$ \\j") == r"\_a\_ \*b\* \`c\` \[d\](e) \#f \|g\| \~h\~ \$i\$ \\j"
    assert md("{{ x }}") == "&#123;&#123; x &#125;&#125;"
    assert md("a\nb\r\nc") == "a b c"
    assert md("a\nb", "<br>") == "a<br>b"
    assert md("x" * 1000, limit=10) == "x" * 10 + "…"
    assert md(None) == ""
