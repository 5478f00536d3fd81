"""Odd plans: the pruned read and the whole read give the same clusters.

The pruned read keeps only the clusters of a plan, and leaves those of
``planned_values`` on simdjson's tape until the analyzer has looked at
their address (see engine/lazyjson.py). Plans of random shape, with the
keys a plan has and values of every JSON kind where a plan has one
kind, must be judged alike either way, and never crash.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ecs_exec_guard.engine.lazyjson import NOT_HANDLED, load_pruned
from ecs_exec_guard.terraform.analyzer import NotTerraform, analyze, payload_need

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "NONE", "DEFAULT", "x"]),
)
odd = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "logging"]), inner, max_size=2), max_leaves=6)

addresses = st.sampled_from([
    "aws_ecs_cluster.a", "aws_ecs_cluster.b[0]", 'aws_ecs_cluster.c["k"]', "module.m.aws_ecs_cluster.a",
    "module.m[1].module.n.aws_ecs_cluster.a", "data.aws_ecs_cluster.d", "aws_ecs_cluster.a[", "",
])
types = st.sampled_from(["aws_ecs_cluster", "aws_ecs_cluster", "aws_s3_bucket"])
logging = st.sampled_from(["NONE", "DEFAULT", "OVERRIDE", None])
cluster_values = st.one_of(
    st.builds(lambda lg: {"configuration": [{"execute_command_configuration": [{"logging": lg}]}]}, logging),
    st.just({}),
    odd,
)


def _maybe(strategy, other=odd):
    """Mostly ``strategy``, sometimes a value of another kind (or nothing)."""
    return st.integers(0, 19).flatmap(lambda n: strategy if n < 17 else other if n < 19 else st.just(KeyError))


def _item(strategy):
    """A list element: mostly ``strategy``, sometimes a value of another kind."""
    return st.integers(0, 9).flatmap(lambda n: strategy if n < 9 else odd)


def _entry(fields: dict) -> st.SearchStrategy:
    return st.fixed_dictionaries({k: _maybe(v) for k, v in fields.items()}).map(
        lambda d: {k: v for k, v in d.items() if v is not KeyError}
    )


resources = _entry({
    "address": addresses, "type": types, "mode": st.sampled_from(["managed", "data"]), "name": st.just("a"),
    "index": st.one_of(st.none(), st.integers(0, 2), st.just("k")), "values": cluster_values,
    "deposed_key": st.sampled_from([None, None, None, "00000001"]),
})
changes = _entry({
    "address": addresses, "type": types, "mode": st.sampled_from(["managed", "data"]), "name": st.just("a"),
    "module_address": st.sampled_from(["module.m", None]), "deposed": st.sampled_from([None, None, None, "00000001"]),
    "previous_address": addresses,
    "change": _entry({
        "actions": st.lists(st.sampled_from(["create", "delete", "update", "no-op", "read", "forget"]), max_size=2),
        "after": cluster_values,
        "after_unknown": st.one_of(st.just({}), st.just(True), st.just({"configuration": True}), odd),
    }),
})
modules = st.recursive(
    _entry({"address": st.sampled_from(["module.m", "module.m[1].module.n", ""]), "resources": st.lists(_item(resources), max_size=4)}),
    lambda inner: _entry({
        "address": st.sampled_from(["module.m", "module.m[1].module.n"]),
        "resources": st.lists(_item(resources), max_size=3),
        "child_modules": st.lists(_item(inner), max_size=2),
    }),
    max_leaves=4,
)
plans = _entry({
    "format_version": st.sampled_from(["1.2", "0.1"]),
    "planned_values": _entry({"root_module": modules}),
    "resource_changes": st.lists(_item(changes), max_size=5),
    "values": _entry({"root_module": modules}),
    "configuration": st.just({"root_module": {}}),
})


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(plan=plans)
def test_pruned_and_whole_reads_judge_odd_plans_alike(tmp_path, plan):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    pruned_doc = load_pruned(str(path), payload_need())
    assert pruned_doc is not NOT_HANDLED
    try:
        whole = analyze(json.loads(path.read_text(encoding="utf-8")))
    except NotTerraform as exc:
        try:
            analyze(pruned_doc)
        except NotTerraform as again:
            assert str(again) == str(exc)
        else:
            raise AssertionError("the pruned read took a non-plan for a plan")
        return
    pruned = analyze(pruned_doc)
    event(f"{len(whole.resources)} clusters, {sum(r['action'] in ('planned', 'read') for r in whole.resources)} from planned_values")
    assert (pruned.kind, pruned.format_version) == (whole.kind, whole.format_version)
    assert pruned.resources == whole.resources
