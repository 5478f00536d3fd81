import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_exec_guard.terraform import Cluster, plan_clusters

PLAN = Path(__file__).parent / "data" / "terraform" / "workspace" / "infra" / "plan.json"


def load_plan():
    return json.loads(PLAN.read_text())


def exec_config(*settings):
    return {"configuration": [{"execute_command_configuration": [{"logging": s} for s in settings]}]}


def resource(address, values, mode="managed", rtype="aws_ecs_cluster"):
    return {"address": address, "mode": mode, "type": rtype, "name": address.rsplit(".", 1)[-1], "values": values}


def root_plan(*resources, child_modules=(), changes=()):
    return {
        "planned_values": {"root_module": {"resources": list(resources), "child_modules": list(child_modules)}},
        "resource_changes": list(changes),
    }


def test_fixture_plan_lists_every_cluster_root_first_then_modules_in_address_order():
    assert [c.address for c in plan_clusters(load_plan())] == [
        "aws_ecs_cluster.failing",
        "aws_ecs_cluster.legacy",
        "aws_ecs_cluster.passing",
        "aws_ecs_cluster.tricky",
        "module.app.aws_ecs_cluster.app",
        "module.app.module.inner[0].aws_ecs_cluster.deep[0]",
        "module.app.module.inner[0].aws_ecs_cluster.deep[1]",
        "module.app.module.inner[1].aws_ecs_cluster.deep[0]",
        "module.app.module.inner[1].aws_ecs_cluster.deep[1]",
        "module.platform.aws_ecs_cluster.this",
        'module.regional["eu"].aws_ecs_cluster.regional["blue"]',
        'module.regional["eu"].aws_ecs_cluster.regional["green"]',
        'module.regional["us"].aws_ecs_cluster.regional["blue"]',
        'module.regional["us"].aws_ecs_cluster.regional["green"]',
    ]


def test_fixture_plan_cluster_fields():
    clusters = {c.address: c for c in plan_clusters(load_plan())}
    failing = clusters["aws_ecs_cluster.failing"]
    assert (failing.module_address, failing.name, failing.logging) == (None, "orders", "NONE")
    assert failing.values["name"] == "orders"
    passing = clusters["aws_ecs_cluster.passing"]
    assert (passing.name, passing.logging) == ("payments", "OVERRIDE")
    deep = clusters["module.app.module.inner[1].aws_ecs_cluster.deep[0]"]
    assert (deep.module_address, deep.name, deep.logging) == ("module.app.module.inner[1]", "deep-0", "DEFAULT")
    blue = clusters['module.regional["us"].aws_ecs_cluster.regional["blue"]']
    assert (blue.module_address, blue.name, blue.logging) == ('module.regional["us"]', "us-blue", "NONE")


def test_fixture_plan_skips_deleted_clusters_data_sources_and_other_types():
    addresses = {c.address for c in plan_clusters(load_plan())}
    assert "aws_ecs_cluster.retired" not in addresses
    assert "data.aws_ecs_cluster.existing" not in addresses
    assert "aws_cloudwatch_log_group.exec" not in addresses


def test_cluster_only_in_resource_changes_uses_change_after():
    plan = root_plan(
        changes=[
            {
                "address": "module.late.aws_ecs_cluster.x",
                "module_address": "module.late",
                "mode": "managed",
                "type": "aws_ecs_cluster",
                "name": "x",
                "change": {"actions": ["update"], "after": {"name": "late", **exec_config("NONE")}},
            }
        ]
    )
    assert plan_clusters(plan) == [
        Cluster(
            address="module.late.aws_ecs_cluster.x",
            module_address="module.late",
            name="late",
            logging="NONE",
            values={"name": "late", **exec_config("NONE")},
        )
    ]


def test_planned_values_win_over_resource_changes_for_the_same_address():
    plan = root_plan(
        resource("aws_ecs_cluster.a", {"name": "planned", **exec_config("DEFAULT")}),
        changes=[
            {
                "address": "aws_ecs_cluster.a",
                "mode": "managed",
                "type": "aws_ecs_cluster",
                "change": {"actions": ["create"], "after": {"name": "changed"}},
            }
        ],
    )
    [cluster] = plan_clusters(plan)
    assert (cluster.name, cluster.logging) == ("planned", "DEFAULT")


@pytest.mark.parametrize(
    ("actions", "after", "kept"),
    [
        (["delete"], None, False),
        (["delete"], {"name": "x"}, False),
        (["delete", "create"], {"name": "x"}, True),
        (["create", "delete"], {"name": "x"}, True),
        (["no-op"], {"name": "x"}, True),
        (["update"], None, True),
        (None, {"name": "x"}, True),
    ],
)
def test_resource_changes_deletions_are_skipped(actions, after, kept):
    entry = {"address": "aws_ecs_cluster.x", "mode": "managed", "type": "aws_ecs_cluster"}
    entry["change"] = {"actions": actions, "after": after}
    clusters = plan_clusters(root_plan(changes=[entry]))
    assert [c.address for c in clusters] == (["aws_ecs_cluster.x"] if kept else [])


def test_deposed_objects_and_data_sources_are_not_clusters():
    changes = [
        {
            "address": "aws_ecs_cluster.x",
            "mode": "managed",
            "type": "aws_ecs_cluster",
            "deposed": "00000001",
            "change": {"actions": ["delete"], "after": None},
        },
        {
            "address": "data.aws_ecs_cluster.y",
            "mode": "data",
            "type": "aws_ecs_cluster",
            "change": {"actions": ["read"], "after": {"cluster_name": "y"}},
        },
    ]
    plan = root_plan(resource("data.aws_ecs_cluster.z", {}, mode="data"), changes=changes)
    assert plan_clusters(plan) == []


@pytest.mark.parametrize(
    ("values", "logging"),
    [
        (exec_config("NONE"), "NONE"),
        (exec_config("DEFAULT"), "DEFAULT"),
        (exec_config("OVERRIDE"), "OVERRIDE"),
        (exec_config("DEFAULT", "NONE"), "NONE"),
        ({"configuration": [{"execute_command_configuration": []}]}, None),
        ({"configuration": [{}]}, None),
        ({"configuration": []}, None),
        ({"configuration": None}, None),
        ({}, None),
        (exec_config(None), None),
        (exec_config(7), None),
        ({"configuration": [{"execute_command_configuration": {"logging": "NONE"}}]}, "NONE"),
        ({"configuration": "NONE"}, None),
    ],
)
def test_logging_setting(values, logging):
    [cluster] = plan_clusters(root_plan(resource("aws_ecs_cluster.c", values)))
    assert cluster.logging == logging


def test_unknown_name_is_none():
    [cluster] = plan_clusters(root_plan(resource("aws_ecs_cluster.c", {"name": None})))
    assert cluster.name is None
    [cluster] = plan_clusters(root_plan(resource("aws_ecs_cluster.c", {})))
    assert cluster.name is None


def test_modules_are_ordered_by_address_with_numeric_indices():
    def module(address, *children):
        name = f"{address}.aws_ecs_cluster.c"
        return {"address": address, "resources": [resource(name, {})], "child_modules": list(children)}

    plan = root_plan(
        resource("aws_ecs_cluster.z[10]", {}),
        resource("aws_ecs_cluster.z[2]", {}),
        child_modules=[
            module("module.b[10]"),
            module("module.b[2]"),
            module('module.a["y"]', module('module.a["y"].module.n')),
            module('module.a["x"]'),
        ],
    )
    plan["planned_values"]["root_module"]["resources"].append(resource("aws_ecs_cluster.a", {}))
    assert [c.address for c in plan_clusters(plan)] == [
        "aws_ecs_cluster.a",
        "aws_ecs_cluster.z[2]",
        "aws_ecs_cluster.z[10]",
        'module.a["x"].aws_ecs_cluster.c',
        'module.a["y"].aws_ecs_cluster.c',
        'module.a["y"].module.n.aws_ecs_cluster.c',
        "module.b[2].aws_ecs_cluster.c",
        "module.b[10].aws_ecs_cluster.c",
    ]


def test_deeply_nested_modules_are_found():
    child = {"address": "module.m0", "resources": [resource("module.m0.aws_ecs_cluster.c", {})]}
    address = "module.m0"
    for depth in range(1, 30):
        address = f"{address}.module.m{depth}"
        child = {
            "address": address,
            "resources": [resource(f"{address}.aws_ecs_cluster.c", {})],
            "child_modules": [child],
        }
    clusters = plan_clusters(root_plan(child_modules=[child]))
    assert len(clusters) == 30
    assert clusters[0].module_address == "module.m0"
    assert clusters[-1].module_address == address


def test_missing_address_is_rebuilt_from_type_name_and_index():
    plan = root_plan(
        child_modules=[
            {
                "address": 'module.m["k"]',
                "resources": [{"mode": "managed", "type": "aws_ecs_cluster", "name": "c", "index": 3, "values": {}}],
            }
        ]
    )
    [cluster] = plan_clusters(plan)
    assert cluster.address == 'module.m["k"].aws_ecs_cluster.c[3]'
    assert cluster.module_address == 'module.m["k"]'


@pytest.mark.parametrize(
    "plan",
    [
        None,
        [],
        "plan",
        {},
        {"planned_values": None, "resource_changes": None},
        {"planned_values": {"root_module": None}},
        {"planned_values": {"root_module": {"resources": "x", "child_modules": {"a": 1}}}},
        {"planned_values": {"root_module": {"resources": [None, 1, "x", {"type": "aws_ecs_cluster"}]}}},
        {"planned_values": {"root_module": {"child_modules": [None, 1, {"resources": [{"type": "aws_ecs_cluster"}]}]}}},
        {"planned_values": {"root_module": {"resources": [{"type": "aws_ecs_cluster", "address": 5, "values": []}]}}},
        {"resource_changes": [None, {"type": "aws_ecs_cluster", "mode": "managed"}]},
        {
            "resource_changes": [
                {"type": "aws_ecs_cluster", "mode": "managed", "address": "aws_ecs_cluster.a", "change": []}
            ]
        },
        {"resource_changes": {"type": "aws_ecs_cluster"}},
    ],
)
def test_malformed_plans_never_raise(plan):
    assert isinstance(plan_clusters(plan), list)


def test_values_of_wrong_type_become_empty_dict():
    plan = root_plan(resource("aws_ecs_cluster.c", ["not", "a", "dict"]))
    [cluster] = plan_clusters(plan)
    assert (cluster.values, cluster.name, cluster.logging) == ({}, None, None)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(["aws_ecs_cluster", "managed", "NONE", "delete", "x"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "planned_values",
                    "root_module",
                    "resources",
                    "child_modules",
                    "resource_changes",
                    "change",
                    "actions",
                    "after",
                    "type",
                    "mode",
                    "address",
                    "values",
                    "configuration",
                    "execute_command_configuration",
                    "logging",
                    "name",
                    "index",
                    "module_address",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_arbitrary_json_never_raises(plan):
    for cluster in plan_clusters(plan):
        assert isinstance(cluster.address, str)
        assert isinstance(cluster.values, dict)
