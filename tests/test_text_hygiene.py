"""Untrusted text in the log, the annotations, standard error and the job summary.

Control characters (ESC sequences that move the cursor or erase lines,
BEL, NUL, C1 controls, bidirectional overrides) never reach a terminal or
the job log raw; one huge value cannot flood the log or an annotation;
nothing in the job summary becomes a live link, a mention or a reference
once GitHub renders it (checked with cmark-gfm, GitHub's Markdown parser).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ecs_exec_guard.action.commands import Annotation, render_annotations
from ecs_exec_guard.action.summary import md
from ecs_exec_guard.cli import main
from ecs_exec_guard.safetext import MAX_ANNOTATION, MAX_FILE, MAX_LINE, clip, log_line

try:
    from test_action_harness import DATA, cluster_plan, run_action
except ImportError:  # tests collected as a package
    from tests.test_action_harness import DATA, cluster_plan, run_action

cmarkgfm = pytest.importorskip("cmarkgfm")

# ESC sequences: cursor up, erase line, OSC 8 hyperlink, CSI as one C1 character
CONTROLS = "\x1b[1A\x1b[2K\x1b]8;;https://evil.example\x07link\x1b]8;;\x07\x00\x07\x9b31m\u202eevil\u2066\u200f\x7f"
LIVE = "see https://evil.example www.evil.example ops@evil.example mailto:x@evil.example @octocat @org/team #12 GH-34 org/repo#56"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MENTION_OR_REF = re.compile(r"(?<![\w@])@[A-Za-z0-9]|#\d|\bGH-\d", re.I)


def render_gfm(text: str) -> str:
    """The job summary as GitHub renders it (cmark-gfm with GitHub's extensions, raw HTML kept)."""
    from cmarkgfm.cmark import Options

    return cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)


def assert_nothing_live(summary: str) -> None:
    rendered = render_gfm(summary)
    assert "<a " not in rendered, rendered[:2000]
    # GitHub links mentions and references found in the text (entities decoded), outside code
    text = html.unescape(re.sub(r"<[^>]+>", " ", rendered))
    assert not MENTION_OR_REF.search(text), MENTION_OR_REF.search(text)


def _workspace(tmp_path: Path, name: str) -> Path:
    ws = tmp_path / "workspace"
    ws.mkdir()
    plan = cluster_plan([{"tf": "evil", "name": name, "logging": "NONE"}, {"tf": "ok", "logging": "DEFAULT"}])
    (ws / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    shutil.copy(DATA / "policies" / "hostile.yaml", ws / "hostile.yaml")
    return ws


def test_control_characters_and_links_from_a_plan(tmp_path: Path):
    ws = _workspace(tmp_path, f"{CONTROLS} {LIVE}")
    run = run_action(ws, {"payload": "plan.json", "policy": "hostile.yaml"})
    assert run.code == 1, run.stdout + run.stderr
    assert not RAW_CONTROL.search(run.stdout), repr(RAW_CONTROL.search(run.stdout))
    assert "\\x1b[1A\\x1b[2K" in run.stdout  # shown, as text
    assert "\\u202eevil" in run.stdout
    assert run.stray_commands() == []
    # the message carries the name: in the log and in the annotation
    (annotation,) = run.errors
    assert "\\x07" in annotation and "\\x00" in annotation
    assert not RAW_CONTROL.search(run.summary)
    assert "evil" in run.summary
    assert_nothing_live(run.summary)


def test_a_huge_name_is_cut_everywhere(tmp_path: Path):
    huge = "A" * 5_000_000
    ws = _workspace(tmp_path, huge)
    run = run_action(ws, {"payload": "plan.json", "policy": "hostile.yaml"})
    assert run.code == 1, run.stderr[-2000:]
    assert len(run.stdout) < 50_000, len(run.stdout)
    longest = max(len(line) for line in run.stdout.splitlines())
    assert longest <= MAX_LINE + 200, longest
    (annotation,) = run.errors
    message = annotation.split("::", 2)[2]
    assert len(message) <= MAX_ANNOTATION + 100
    assert "more characters)" in message
    assert any("more characters)" in line for line in run.stdout.splitlines() if not line.startswith("::"))
    assert len(run.summary) < 50_000
    assert "…" in run.summary


def test_summary_of_hostile_policy_text_has_nothing_live(tmp_path: Path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    plan = cluster_plan([{"tf": "c", "name": "c", "logging": "NONE"}])
    (ws / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    policy = (DATA / "policies" / "hostile.yaml").read_text(encoding="utf-8")
    policy = policy.replace("Fix it", f"Fix it {LIVE}").replace("line one", f"line one {LIVE}")
    policy = policy.replace("has ECS Exec logging off", f"has ECS Exec logging off {LIVE}")
    (ws / "hostile.yaml").write_text(policy, encoding="utf-8")
    run = run_action(ws, {"payload": "plan.json", "policy": "hostile.yaml"})
    assert run.code == 1, run.stdout + run.stderr
    assert "octocat" in run.summary and "evil" in run.summary
    assert_nothing_live(run.summary)


def test_a_live_summary_would_be_caught():
    """The check above can fail: GitHub's renderer links what md() did not touch."""
    with pytest.raises(AssertionError):
        assert_nothing_live("<code>https://evil.example</code>")
    with pytest.raises(AssertionError):
        assert_nothing_live("&#64;octocat")
    assert_nothing_live(str(md(LIVE)))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["https://", "http://", "HTTP://", "ftp://", "www.", "WWW.", "mailto:", "xmpp:", "@", "#", "GH-", "gh-",
             "a", "b.c", "1", "2", ".", "/", ":", "-", "_", "*", "~", " ", "(", ")", "<", ">", "[", "]", "`", "\\",
             "&", ";", "\u2060", "\n", "evil.example", "user", "org/repo"]
        ),
        max_size=30,
    ).map("".join)
)
@example("www.@-b.c")  # an e-mail address whose domain starts with "-"
def test_md_output_is_never_live(text):
    for where in ("{}", "<code>{}</code>", "| {} | x |\n| --- | --- |\n| {} | y |", "- **Fix:** {}", "> {}"):
        assert_nothing_live(where.replace("{}", str(md(text))))


# -- the escaping functions ------------------------------------------------------


def test_log_line_escapes_and_cuts():
    assert log_line("a\x1b[2Kb\x07\x00\u202e") == "a\\x1b[2Kb\\x07\\x00\\u202e"
    assert log_line("tab\tkept") == "tab\tkept"
    assert log_line("x" * 10, limit=4) == "xxxx… (6 more characters)"
    assert clip("short", 10) == "short"


@given(st.text(), st.text())
def test_annotations_hold_no_control_character(message, title):
    text = render_annotations([Annotation("error", message, file="a.tf", line=1, title=title or None)])
    assert not RAW_CONTROL.search(text[:-1])
    assert len(text) <= 3 * (MAX_ANNOTATION + 200) + 3 * 400


def test_an_annotation_path_over_the_cap_is_dropped_not_cut():
    at_cap = "d/" * ((MAX_FILE - 5) // 2) + "x.tf"
    at_cap += "y" * (MAX_FILE - len(at_cap))
    assert len(at_cap) == MAX_FILE
    text = render_annotations([Annotation("error", "m", file=at_cap, line=3)])
    assert text == f"::error file={at_cap},line=3::m\n"
    longer = "d/" * MAX_FILE + "main.tf"
    text = render_annotations([Annotation("error", "m", file=longer, line=3, title="t")])
    assert text == "::error title=t::m\n"


def test_a_long_workspace_path_drops_file_in_the_action(tmp_path: Path):
    try:
        from test_action_harness import copy_tree, run_action
    except ImportError:  # tests collected as a package
        from tests.test_action_harness import copy_tree, run_action

    ws = tmp_path / "workspace"
    deep = ws
    for _ in range(MAX_FILE // 200 + 1):
        deep = deep / ("d" * 200)
    deep.mkdir(parents=True)
    copy_tree("failing", deep)
    rel = deep.relative_to(ws).as_posix()
    assert len(rel) > MAX_FILE
    run = run_action(ws, {"payload": f"{rel}/plan.json"})
    assert run.code == 1, run.stdout + run.stderr
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == 2
    assert all(line.startswith("::error title=") and "file=" not in line for line in errors)


def test_cli_errors_and_text_log(tmp_path: Path, capsys):
    bad = tmp_path / ("x\x1b[2K" + "y" * 5000 + ".json")
    capsys.readouterr()
    assert main(["scan", "--payload", str(bad)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and not RAW_CONTROL.search(err)
    assert "\\x1b[2K" in err and "more characters)" in err and len(err) < MAX_LINE + 200

    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(cluster_plan([{"tf": "c", "name": "c", "logging": "NONE"}])), encoding="utf-8")
    # YAML escapes in a double-quoted message: ESC, BEL, NUL
    policy = (DATA / "policies" / "hostile.yaml").read_text(encoding="utf-8")
    policy = policy.replace('"cluster {{', '"cluster \\e[1A\\a\\0 {{')
    (tmp_path / "p.yaml").write_text(policy, encoding="utf-8")
    assert main(["scan", "--payload", str(plan), "--policy", str(tmp_path / "p.yaml")]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and not RAW_CONTROL.search(out)
    assert "\\x1b[1A\\x07\\x00" in out
