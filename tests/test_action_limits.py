"""GitHub's limits: 10 error annotations per step, 1 MiB of job summary."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ecs_exec_guard.action.summary import SUMMARY_CAP

try:
    from test_action_harness import cluster_plan, cluster_tf, run_action
except ImportError:  # tests collected as a package
    from tests.test_action_harness import cluster_plan, cluster_tf, run_action


def write_stack(ws: Path, clusters: list[dict], tf_name: str = "main.tf") -> None:
    (ws / "plan.json").write_text(json.dumps(cluster_plan(clusters)), encoding="utf-8")
    (ws / tf_name).write_text(cluster_tf(clusters), encoding="utf-8")


def test_more_than_ten_failing_clusters(tmp_path: Path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    clusters = [{"tf": f"c{i:02d}", "logging": "NONE"} for i in range(13)] + [{"tf": "ok", "logging": "DEFAULT"}]
    write_stack(ws, clusters)
    run = run_action(ws, {"payload": "plan.json"})
    assert run.code == 1
    assert run.stray_commands() == []
    assert len(run.errors) == 10
    assert all(line.startswith("::error file=main.tf,line=") for line in run.errors)
    # report order
    assert [re.search(r"::(aws_ecs_cluster\.c\d+): ", line).group(1) for line in run.errors] == [
        f"aws_ecs_cluster.c{i:02d}" for i in range(10)
    ]
    assert len(run.notices) == 1
    assert run.notices[0] == "::notice::3 more annotations were left out (GitHub shows 10 per step): see the job summary."
    assert run.outputs["violations"] == "13"
    for i in range(13):
        assert f"aws_ecs_cluster.c{i:02d}" in run.summary


def test_summary_stays_under_the_cap(tmp_path: Path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    long = "n" * 590
    clusters = [{"tf": f"c{i:04d}", "name": f"{long}{i:04d}", "logging": "NONE" if i % 2 else "DEFAULT"} for i in range(2400)]
    write_stack(ws, clusters)
    run = run_action(ws, {"payload": "plan.json"})
    assert run.code == 1
    assert run.outputs["violations"] == "1200"
    size = len(run.summary.encode("utf-8"))
    assert size <= SUMMARY_CAP
    assert re.search(r"^… and \d+ more clusters \(", run.summary, re.M)
    assert re.search(r"^… and \d+ more failing resources \(", run.summary, re.M)
    rows = [line for line in run.summary.splitlines() if line.startswith("| <code>")]
    assert 0 < len(rows) < 2400
    assert all(line.endswith(" |") for line in rows)
    assert run.summary.endswith("\n") and "{{" not in run.summary


def test_summary_appends_to_existing_content(tmp_path: Path):
    from ecs_exec_guard.action.summary import Limits, SummaryData, render

    data = SummaryData(result="pass")
    text = render(data, budget=10_000, limits=Limits())
    assert text.startswith("## ✅ ECS Exec Guard: pass")


def test_summary_with_many_policies(tmp_path: Path):
    ws = tmp_path / "workspace"
    (ws / "policies").mkdir(parents=True)
    write_stack(ws, [{"tf": "a", "logging": "NONE"}])
    for i in range(25):
        (ws / "policies" / f"p{i:02d}.yaml").write_text(
            "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\n"
            f"metadata:\n  name: p{i:02d}\n  annotations:\n    policies.kyverno.io/description: {'d' * 200}\n"
            "spec:\n  rules:\n  - name: r\n    assert:\n      all:\n      - check:\n          format_version: '1.2'\n",
            encoding="utf-8",
        )
    run = run_action(ws, {"payload": "plan.json", "policy": "policies"})
    assert run.code == 0, run.stdout
    assert "p19" in run.summary and "p20" not in run.summary
    assert "… and 5 more policies." in run.summary
