"""The bundled CEL version of the ECS check agrees with the default policy."""

import json

import pytest
from conftest import REPO
from test_bundled_policy import _nested, _without_resource_changes, cluster, plan

from ecs_exec_guard.cli import main
from ecs_exec_guard.engine.policy import load_policies

CEL_POLICY = REPO / "policies" / "cel" / "check-ecs-exec-logging.yaml"


def _plans():
    deep = "module.a.module.b.module.c"
    deeper = "module.a.module.b.module.c.module.d.module.e.module.f"
    module_none = plan(modules=[("module.x", cluster("module.x.aws_ecs_cluster.c", "NONE"))])
    no_clusters = plan()
    no_clusters["planned_values"]["root_module"]["resources"] = [
        {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "mode": "managed", "values": {}}
    ]
    nested_only = {
        "format_version": "1.2",
        "planned_values": {"root_module": {
            "resources": [cluster("aws_ecs_cluster.root", "DEFAULT")],
            "child_modules": [
                _nested("module.x", cluster("module.x.aws_ecs_cluster.fine", "OVERRIDE")),
                _nested(deep, cluster(f"{deep}.aws_ecs_cluster.quiet", "NONE")),
            ],
        }},
    }
    nested_deeper = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"child_modules": [_nested(deeper, cluster(f"{deeper}.aws_ecs_cluster.q", "NONE"))]}},
    }
    destroyed = plan(modules=[("module.x", cluster("module.x.aws_ecs_cluster.c", "NONE"))])
    destroyed["resource_changes"][0]["change"]["after"] = None
    destroyed["planned_values"]["root_module"] = {}
    return {
        "root none": plan(root=[cluster("aws_ecs_cluster.test", "NONE")]),
        "root passing": plan(root=[
            cluster("aws_ecs_cluster.a", "DEFAULT"),
            cluster("aws_ecs_cluster.b", "OVERRIDE"),
            cluster("aws_ecs_cluster.c", None),
        ]),
        "module at depth two": plan(
            root=[cluster("aws_ecs_cluster.ok", "DEFAULT")],
            modules=[
                ("module.app", cluster("module.app.aws_ecs_cluster.fine", "OVERRIDE")),
                ("module.app.module.inner", cluster("module.app.module.inner.aws_ecs_cluster.quiet", "NONE")),
            ],
        ),
        "module only": module_none,
        "module only without resource_changes": _without_resource_changes(module_none),
        "no clusters": no_clusters,
        "nested planned_values only": nested_only,
        "six levels deep": nested_deeper,
        "module cluster destroyed": destroyed,
        "not a plan": {"hello": "world"},
    }


PLANS = _plans()
PLAN_FILES = sorted(
    str(p.relative_to(REPO))
    for pattern in ("tests/data/**/plan*.json", "examples/**/plan.json")
    for p in REPO.glob(pattern)
)


def verdicts(tmp_path, capsys, payload_path):
    capsys.readouterr()
    kj = main(["scan", "--payload", payload_path])
    capsys.readouterr()
    cel_apply = main(["apply", str(CEL_POLICY), "--json", payload_path])
    out = capsys.readouterr().out
    cel_scan = main(["scan", "--policy", str(CEL_POLICY), "--payload", payload_path])
    capsys.readouterr()
    return kj, cel_apply, cel_scan, out


@pytest.mark.parametrize("name", sorted(PLANS))
def test_agrees_on_generated_plans(tmp_path, capsys, name):
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(PLANS[name]))
    kj, cel_apply, cel_scan, _ = verdicts(tmp_path, capsys, str(f))
    if name == "not a plan":
        # the default policy reads plans through the cluster analyzer: anything else is an input error
        assert kj == 2
        return
    assert kj in (0, 1)
    assert cel_apply == kj
    assert cel_scan == kj


@pytest.mark.parametrize("path", PLAN_FILES)
def test_agrees_on_the_repository_plans(tmp_path, capsys, path):
    kj, cel_apply, cel_scan, _ = verdicts(tmp_path, capsys, str(REPO / path))
    assert (cel_apply, cel_scan) == (kj, kj)


def cluster_verdicts(path: str, policies: list[str]) -> dict[str, str]:
    """Each cluster's verdict as the Action reports it: fail, pass, unknown, not judged or error."""
    from ecs_exec_guard.action.findings import collect
    from ecs_exec_guard.scan import Scanner, ScanRequest

    scanner = Scanner(ScanRequest(payload=path, policies=policies))
    outcome = scanner.run()
    result = collect(path, "plan.json", outcome, lambda doc: None, list(scanner.analyses))
    return {row.cluster.address: row.status for row in result.clusters}


def _default_policy() -> str:
    from ecs_exec_guard.defaults import default_policy

    return default_policy()


def _failed_in_apply(out: str) -> set[str]:
    prefix, suffix = "policy check-ecs-exec-logging -> resource ", " failed:"
    return {line[len(prefix):-len(suffix)] for line in out.splitlines() if line.startswith(prefix)}


@pytest.mark.parametrize("path", PLAN_FILES + [f"generated:{name}" for name in sorted(PLANS) if name != "not a plan"])
def test_agrees_cluster_by_cluster(tmp_path, capsys, path):
    if path.startswith("generated:"):
        f = tmp_path / "plan.json"
        f.write_text(json.dumps(PLANS[path.split(":", 1)[1]]))
        path = str(f)
    else:
        path = str(REPO / path)
    kj = cluster_verdicts(path, [_default_policy()])
    cel = cluster_verdicts(path, [str(CEL_POLICY)])
    assert cel == kj
    assert "error" not in kj.values()
    capsys.readouterr()
    main(["apply", str(CEL_POLICY), "--json", path])
    assert _failed_in_apply(capsys.readouterr().out) == {a for a, v in kj.items() if v == "fail"}


def test_every_kind_of_verdict_is_compared():
    seen = set()
    for path in PLAN_FILES:
        seen.update(cluster_verdicts(str(REPO / path), [str(CEL_POLICY)]).values())
    assert {"fail", "pass", "unknown", "not judged"} <= seen


def test_the_log_names_each_cluster(tmp_path, capsys):
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(PLANS["module at depth two"]))
    capsys.readouterr()
    assert main(["scan", "--policy", str(CEL_POLICY), "--payload", str(f)]) == 1
    out = capsys.readouterr().out
    assert "- check-ecs-exec-logging /  / module.app.module.inner.aws_ecs_cluster.quiet FAILED\n" in out
    assert "- check-ecs-exec-logging /  / aws_ecs_cluster.ok PASSED\n" in out


def test_failure_names_the_clusters(tmp_path, capsys):
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(PLANS["module at depth two"]))
    _, code, _, out = verdicts(tmp_path, capsys, str(f))
    assert code == 1
    assert "1 -  ECS Exec must have logging enabled: module.app.module.inner.aws_ecs_cluster.quiet\n" in out


def test_not_loaded_by_default():
    from ecs_exec_guard.defaults import default_policy

    assert [getattr(p, "language", "kyverno-json") for p in load_policies([default_policy()])] == ["kyverno-json"]
    assert [p.name for p in load_policies([str(CEL_POLICY)])] == ["check-ecs-exec-logging"]
