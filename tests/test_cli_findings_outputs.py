"""`scan --output sarif|markdown|github`, `--payload -`, bindings for copied
catalog policies, `--labels` that selects nothing, and the report size cap."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ecs_exec_guard import outputs
from ecs_exec_guard.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples/ecs-cluster/plan.json"
POLICY = REPO / "policies/check-ecs-exec-logging.yaml"


def run(capsys, *argv):
    capsys.readouterr()
    code = main(["scan", *argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.fixture
def in_examples(monkeypatch):
    monkeypatch.chdir(REPO / "examples")


def test_github_output_is_the_actions_annotations(capsys, in_examples):
    code, out, err = run(capsys, "--payload", "ecs-cluster/plan.json", "--output", "github")
    assert code == 1, err
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::error file=ecs-cluster/main.tf,line=50,title=ECS Exec logging must not be disabled::aws_ecs_cluster.batch: ")
    assert lines[1].startswith("::error file=ecs-cluster/modules/ecs/main.tf,line=14,")


def test_markdown_output_is_the_job_summary(capsys, in_examples):
    code, out, _ = run(capsys, "--payload", "ecs-cluster/plan.json", "--output", "markdown")
    assert code == 1
    assert out.startswith("## ❌ ECS Exec Guard: fail\n")
    assert "| <code>aws_ecs_cluster.payments</code> | payments | create | OVERRIDE | ✅ pass | ecs-cluster/main.tf:30 |" in out


def test_sarif_output(capsys, in_examples):
    code, out, _ = run(capsys, "--payload", "ecs-cluster/plan.json", "--output", "sarif")
    assert code == 1
    doc = json.loads(out)
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"])
    assert uris == ["ecs-cluster/main.tf", "ecs-cluster/modules/ecs/main.tf"]


def test_payload_from_stdin_gives_the_same_log():
    exe = [sys.executable, "-m", "ecs_exec_guard", "scan"]
    by_file = subprocess.run([*exe, "--payload", str(EXAMPLE)], capture_output=True, text=True, timeout=60)
    by_stdin = subprocess.run([*exe, "--payload", "-"], input=EXAMPLE.read_text(), capture_output=True, text=True, timeout=60)
    assert by_stdin.returncode == by_file.returncode == 1
    assert by_stdin.stdout == by_file.stdout
    policy = REPO / "tests/data/cli/format-version.yaml"
    yaml_in = subprocess.run([*exe, "--payload", "-", "--output", "json", "--policy", str(policy)],
                             input="format_version: '1.2'\n", capture_output=True, text=True, timeout=60)
    assert yaml_in.returncode == 0, yaml_in.stderr
    assert json.loads(yaml_in.stdout)[0]["resource"] == {"format_version": "1.2"}


def test_annotations_of_a_payload_from_stdin_name_no_file():
    exe = [sys.executable, "-m", "ecs_exec_guard", "scan", "--payload", "-", "--output", "github"]
    done = subprocess.run(exe, input=EXAMPLE.read_text(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("::error title=ECS Exec logging must not be disabled::") for line in lines)


def test_copied_catalog_policy_gets_the_terraform_binding(capsys, tmp_path):
    # the catalog policy reads $analyzer; given with --policy and no --bindings
    # on a Terraform plan, the bundled binding is loaded, and the log says so
    policy = tmp_path / "copied.yaml"
    policy.write_bytes(POLICY.read_bytes())
    code, out, err = run(capsys, "--payload", str(EXAMPLE), "--policy", str(policy))
    assert code == 1, err
    assert out.splitlines()[:3] == [
        "Loading policies ...", "Loading bindings ...", "- analyzer -> map[resource:map[type:terraform-plan]]",
    ]
    assert "ERROR" not in out
    # the policy reads plans through the cluster analyzer: anything else is refused
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}')
    code, out, err = run(capsys, "--payload", str(other), "--policy", str(policy))
    assert code == 2 and "is not a Terraform plan or state" in err
    # a policy that does not read $analyzer gets no bindings
    plain = tmp_path / "plain.yaml"
    plain.write_text(
        "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: p\n"
        "spec:\n  rules:\n  - name: r\n    assert:\n      all:\n      - check:\n          format_version: '1.2'\n"
    )
    code, out, _ = run(capsys, "--payload", str(EXAMPLE), "--policy", str(plain))
    assert "Loading bindings" not in out and code == 0


def test_labels_selecting_nothing_warns_and_exits_2(capsys):
    code, out, err = run(capsys, "--payload", str(EXAMPLE), "--labels", "team=nobody", "--output", "json")
    assert code == 2 and out == ""
    assert "warning" in err and "nothing was checked" in err


def test_alias_bomb_report_is_refused_before_it_is_written(capsys, tmp_path):
    # a million references to one 700-character string: under the loader's
    # node cap, but 700 MB once written out
    lines = ["a0: &a0 " + "x" * 700]
    for i in range(1, 7):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    assert bomb.stat().st_size < 2000
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: p\n"
        "spec:\n  rules:\n  - name: r\n    assert:\n      all:\n      - check:\n          a0: []\n"
    )
    code, out, err = run(capsys, "--payload", str(bomb), "--policy", str(policy), "--output", "json")
    assert code == 2 and out == ""
    assert "JSON report" in err and "MiB" in err


def test_stream_writer_matches_go_indent_and_chunks(tmp_path):
    from ecs_exec_guard.engine.gofmt import go_json_indent

    big = {"b": [{"k": i, "s": "x" * 50, "n": [1, 2, {"<": ">"}]} for i in range(20000)], "a": {}, "c": []}
    entries = [big, {"x": 1}]
    path = tmp_path / "r.json"
    outputs.write_report_file(str(path), iter(entries))
    assert path.read_text() == go_json_indent(entries, normalized=True) + "\n"
    with pytest.raises(outputs.ReportTooLarge):
        outputs.write_report_file(str(tmp_path / "small.json"), iter(entries), limit=100_000)
    assert not (tmp_path / "small.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


PLANS = sorted(
    str(p.relative_to(REPO))
    for p in [*(REPO / "examples").rglob("*.json"), *(REPO / "tests/data").rglob("*.json")]
    if p.read_bytes()[:200].lstrip().startswith(b'{"format_version"') or b'"format_version"' in p.read_bytes()[:200]
)


def test_there_are_plans_to_compare():
    assert len(PLANS) >= 3


@pytest.mark.parametrize("plan", PLANS)
def test_reading_part_of_the_plan_changes_no_finding(plan):
    """The Action reads only what the policies and the Terraform outputs see; same summary and SARIF as reading it all."""
    from ecs_exec_guard.scan import BINDINGS_BUNDLED, ScanRequest

    path = str(REPO / plan)
    request = ScanRequest(payload=path, default_bindings=BINDINGS_BUNDLED)
    runs = [
        outputs.check_payloads([path], request, workspace=str(REPO), prune=prune, display=lambda p: plan)
        for prune in (True, False)
    ]
    pruned, whole = runs
    assert outputs.markdown(pruned) == outputs.markdown(whole)
    assert outputs.sarif_bytes(pruned) == outputs.sarif_bytes(whole)
    assert outputs.workflow_commands(pruned) == outputs.workflow_commands(whole)


def test_streamed_json_report_is_the_engines_report_byte_for_byte(monkeypatch):
    """The streamed writer (used by scan --output json and report-file) and the
    engine's one-piece json_report agree, big subtrees written part by part."""
    import io

    from ecs_exec_guard.engine.evaluate import evaluate
    from ecs_exec_guard.engine.policy import load_policies
    from ecs_exec_guard.engine.report import json_report

    policies = load_policies([str(POLICY)])
    plan = json.loads(EXAMPLE.read_text())
    plan["extra"] = {"floats": [1.0, 2.5, -0.0, 1e21, 123456789.125], "big": 2**70, "text": "<a&b> \u2028 é",
                     "nested": [[{"k": [1, {"x": None}]}] * 3]}
    docs = [plan, {"planned_values": {"root_module": {}}}]
    results = list(evaluate(policies, docs, {"analyzer": {"resource": {"type": "terraform-plan"}}}))
    expected = json_report(results, policies) + "\n"
    for chunk in (256 * 1024, 64):
        monkeypatch.setattr(outputs, "_CHUNK", chunk)
        sink = io.BytesIO()
        outputs.write_json_report(outputs.result_entries((("p", r, policies) for r in results), resources=True), sink)
        assert sink.getvalue().decode("utf-8") == expected


@pytest.mark.parametrize(
    "head, expected",
    [
        (b'{"format_version":"1.2","terraform_version":"1.11.0","planned_values":{', True),
        (b'\xef\xbb\xbf{\n  "format_version": "1.0",\n', True),
        ('{"format_version":"1.2","terraform_version":"1.11.0"}'.encode("utf-16"), True),
        ('{"format_version":"1.2","terraform_version":"1.11.0"}'.encode("utf-32"), True),
        (b'{"terraform_version":"1.5.7","format_version":"1.2"}', True),
        (b'{"planned_values": {}}', False),
        (b"format_version: '1.2'\n", False),
        (b"", False),
    ],
)
def test_terraform_documents_are_recognised_by_their_head(head, expected):
    from ecs_exec_guard.engine.inputs import looks_like_terraform

    assert looks_like_terraform(head) is expected


def test_text_lines_of_passing_and_erroring_rules_are_the_templates():
    """The text report writes rules that did not fail without the template: same text."""
    from ecs_exec_guard.engine.evaluate import evaluate
    from ecs_exec_guard.engine.policy import load_policies
    from ecs_exec_guard.engine.report import TextReport

    policies = load_policies([str(POLICY), str(REPO / "tests/data/cli/format-version.yaml")])
    docs = [json.loads(EXAMPLE.read_text()), {"format_version": "1.2"}, {"planned_values": 3}, []]
    report = TextReport()
    seen = set()
    for bindings in ({"analyzer": {"resource": {"type": "terraform-plan"}}}, {}):
        for result in evaluate(policies, docs, bindings):
            seen.update(r.status for r in result.rules)
            assert report.render(result) == report.render_template(result)
    assert {"PASSED", "FAILED", "ERROR"} <= seen
