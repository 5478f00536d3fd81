"""The bundled ECS Exec logging policy, as `scan --payload plan.json` runs it."""

import json

from conftest import REPO

from ecs_exec_guard.cli import main


def cluster(address, logging, module=None):
    cfg = [] if logging is None else [{
        "execute_command_configuration": [{"kms_key_id": None, "log_configuration": [], "logging": logging}],
        "managed_storage_configuration": [],
    }]
    name = address.rsplit(".", 1)[-1]
    r = {
        "address": address, "mode": "managed", "type": "aws_ecs_cluster", "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
        "values": {"name": name, "configuration": cfg, "setting": [], "tags": None},
    }
    return r


def plan(root=(), modules=()):
    """root: clusters in the root module; modules: (module_address, cluster) pairs."""
    children = {}
    for mod, res in modules:
        children.setdefault(mod, []).append(res)
    child_modules = [{"address": m, "resources": rs} for m, rs in children.items()]
    changes = []
    for res in list(root) + [r for _, r in modules]:
        mod = next((m for m, r in modules if r is res), None)
        ch = {
            "address": res["address"], "mode": "managed", "type": res["type"], "name": res["name"],
            "change": {"actions": ["create"], "before": None, "after": res["values"], "after_unknown": {}},
        }
        if mod:
            ch["module_address"] = mod
        changes.append(ch)
    root_module = {}
    if root:
        root_module["resources"] = list(root)
    if child_modules:
        root_module["child_modules"] = child_modules
    return {
        "format_version": "1.2", "terraform_version": "1.9.5",
        "planned_values": {"root_module": root_module},
        "resource_changes": changes,
        "configuration": {"root_module": {}},
    }


def run(tmp_path, capsys, payload):
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(payload))
    capsys.readouterr()
    code = main(["scan", "--payload", str(f)])
    return code, capsys.readouterr().out


def header(clusters: int) -> list[str]:
    noun = "resource" if clusters == 1 else "resources"
    return [
        "Loading policies ...",
        "Loading bindings ...",
        "- analyzer -> map[resource:map[type:terraform-plan]]",
        "Loading payload ...",
        "Pre processing ...",
        f"- terraform plan (format 1.2, terraform 1.9.5): {clusters} ECS {'cluster' if clusters == 1 else 'clusters'}",
        f"Running ( evaluating {clusters} {noun} against 1 policy ) ...",
    ]


RULE = "- check-ecs-exec-logging / check-ecs-exec-logging / "
FIELD = " -> all[0].check.values.~.(configuration[].execute_command_configuration[] || `[]`)[0].(logging != 'NONE')"


def test_root_cluster_with_logging_none_fails_named_by_its_address(tmp_path, capsys):
    code, out = run(tmp_path, capsys, plan(root=[cluster("aws_ecs_cluster.test", "NONE")]))
    assert code == 1
    assert out.splitlines() == header(1) + [
        RULE + "aws_ecs_cluster.test FAILED",
        "-> ECS Exec must have logging enabled",
        FIELD + ": Invalid value: false: Expected value: true",
        "Done",
    ]


def test_default_override_and_absent_configuration_pass(tmp_path, capsys):
    p = plan(root=[
        cluster("aws_ecs_cluster.a", "DEFAULT"),
        cluster("aws_ecs_cluster.b", "OVERRIDE"),
        cluster("aws_ecs_cluster.c", None),
    ])
    del p["resource_changes"][2]["change"]["after"]["configuration"]  # a provider older than 3.46
    code, out = run(tmp_path, capsys, p)
    assert code == 0
    assert out.splitlines() == header(3) + [RULE + f"aws_ecs_cluster.{n} PASSED" for n in "abc"] + ["Done"]


def test_clusters_in_child_modules_at_any_depth_are_caught(tmp_path, capsys):
    p = plan(
        root=[cluster("aws_ecs_cluster.ok", "DEFAULT")],
        modules=[
            ("module.app", cluster("module.app.aws_ecs_cluster.fine", "OVERRIDE")),
            ("module.app.module.inner", cluster("module.app.module.inner.aws_ecs_cluster.quiet", "NONE")),
        ],
    )
    code, out = run(tmp_path, capsys, p)
    assert code == 1
    lines = out.splitlines()
    assert RULE + "aws_ecs_cluster.ok PASSED" in lines
    assert RULE + "module.app.aws_ecs_cluster.fine PASSED" in lines
    assert RULE + "module.app.module.inner.aws_ecs_cluster.quiet FAILED" in lines
    assert [line for line in lines if line.startswith(" -> ")] == [FIELD + ": Invalid value: false: Expected value: true"]


def test_module_only_plan_has_no_error(tmp_path, capsys):
    p = plan(modules=[("module.x", cluster("module.x.aws_ecs_cluster.c", "NONE"))])
    code, out = run(tmp_path, capsys, p)
    assert code == 1
    assert "ERROR" not in out
    assert RULE + "module.x.aws_ecs_cluster.c FAILED" in out


def test_plan_without_clusters_yields_no_rule_lines(tmp_path, capsys):
    p = plan()
    p["planned_values"]["root_module"]["resources"] = [
        {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "mode": "managed", "values": {}}
    ]
    code, out = run(tmp_path, capsys, p)
    assert code == 0
    assert out.splitlines() == header(0) + ["Done"]


def test_bundled_files_are_where_the_layout_says():
    assert (REPO / "policies" / "check-ecs-exec-logging.yaml").is_file()
    assert (REPO / "policies" / "terraform-plan.bindings.json").is_file()


def test_bundled_policy_is_valid_against_the_shipped_schema():
    import yaml

    from ecs_exec_guard.engine.schema import first_error

    doc = yaml.safe_load((REPO / "policies" / "check-ecs-exec-logging.yaml").read_text())
    assert first_error(doc) is None
    doc["spec"]["rules"][0]["asert"] = {}
    assert first_error(doc) == "spec.rules[0]: Additional properties are not allowed ('asert' was unexpected)"


def _without_resource_changes(p):
    p = dict(p)
    p.pop("resource_changes")
    return p


def _nested(module_path, res):
    """planned_values child_modules nesting for one resource."""
    parts = module_path.split(".")
    mods = [".".join(parts[: i + 2]) for i in range(0, len(parts), 2)]
    node = {"address": mods[-1], "resources": [res]}
    for addr in reversed(mods[:-1]):
        node = {"address": addr, "child_modules": [node]}
    return node


def test_module_clusters_are_caught_from_planned_values_when_resource_changes_is_absent(tmp_path, capsys):
    deep = "module.a.module.b.module.c"
    p = {
        "format_version": "1.2",
        "planned_values": {"root_module": {
            "resources": [cluster("aws_ecs_cluster.root", "DEFAULT")],
            "child_modules": [
                _nested("module.x", cluster("module.x.aws_ecs_cluster.fine", "OVERRIDE")),
                _nested(deep, cluster(f"{deep}.aws_ecs_cluster.quiet", "NONE")),
            ],
        }},
    }
    code, out = run(tmp_path, capsys, p)
    assert code == 1
    lines = out.splitlines()
    assert RULE + "aws_ecs_cluster.root PASSED" in lines
    assert RULE + "module.x.aws_ecs_cluster.fine PASSED" in lines
    assert RULE + f"{deep}.aws_ecs_cluster.quiet FAILED" in lines


def test_a_module_cluster_is_reported_once_when_both_sources_have_it(tmp_path, capsys):
    p = plan(modules=[("module.x", cluster("module.x.aws_ecs_cluster.c", "NONE"))])
    for payload in (p, _without_resource_changes(p)):
        code, out = run(tmp_path, capsys, payload)
        assert code == 1
        assert out.count("module.x.aws_ecs_cluster.c FAILED") == 1
