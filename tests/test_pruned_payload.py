"""Reading only what the policies observe gives the same results as reading all."""

import importlib.util
import json

import pytest
import yaml
from conftest import REPO, policy

from ecs_exec_guard.cli import main
from ecs_exec_guard.defaults import default_policy
from ecs_exec_guard.engine.access import FULL, payload_need
from ecs_exec_guard.engine.policy import compile_policy, load_policies


def _generator():
    spec = importlib.util.spec_from_file_location("generate_plan", REPO / "benchmarks" / "generate_plan.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _scan(capsys, *args):
    capsys.readouterr()
    code = main(["scan", *args])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("resources,clusters,failing,seed", [
    (60, 12, 0, 1), (200, 40, 7, 2), (400, 80, 80, 3), (150, 0, 0, 4),
])
def test_pruned_and_plain_scans_agree_on_generated_plans(tmp_path, capsys, resources, clusters, failing, seed):
    plan = _generator().generate(resources, clusters, failing, seed=seed)
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(plan))
    fast = _scan(capsys, "--payload", str(f))
    plain = _scan(capsys, "--payload", str(f), "--no-prune")
    assert fast == plain
    assert fast[0] == (1 if failing else 0)
    assert sum(line.startswith(" -> ") for line in fast[1].splitlines()) == failing


def test_default_policy_needs_only_cluster_entries():
    # the bundled policy reads the plan through the cluster analyzer, which keeps
    # only the clusters of the resource lists (and the configuration, for the sources)
    from ecs_exec_guard.scan import wanted_analyzer
    from ecs_exec_guard.terraform.analyzer import payload_need as analyzer_need

    assert wanted_analyzer(load_policies([default_policy()])) == "terraform-ecs-clusters"
    need = analyzer_need()
    resources = need.fields["planned_values"].fields["root_module"].fields["resources"]
    assert resources.types == {"aws_ecs_cluster"}
    assert need.fields["resource_changes"].types == {"aws_ecs_cluster"}


def _need(rules: str):
    return payload_need([compile_policy(yaml.safe_load(policy(rules)), "p.yaml", 1)])


@pytest.mark.parametrize("check", [
    "(@): {}",               # the whole resource
    "($payload.a): 1",       # the payload through a variable
    "(length($)): 1",        # the root
    "(let $x = a in $x): 1",
])
def test_whole_payload_is_read_when_a_policy_can_see_it(check):
    assert _need(f"""
        - name: r
          assert:
            all:
            - check:
                {check}
    """) is None


def test_plain_keys_and_unfiltered_arrays_are_kept_whole():
    need = _need("""
        - name: r
          identifier: meta.name
          assert:
            all:
            - message: "{{ meta.owner }}"
              check:
                spec:
                  size: 1
                (length(items[?kind == 'x'])): 1
                (items[?type == 'a'] | length(@)): 1
    """)
    assert need.fields["spec"] is FULL
    assert need.fields["meta"].fields == {"name": FULL, "owner": FULL}
    # `items` is also filtered by `kind`: it cannot be pruned by type
    assert need.fields["items"] is FULL


def test_pruned_scan_matches_plain_on_a_tricky_payload(tmp_path, capsys):
    pol = tmp_path / "p.yaml"
    pol.write_text(policy("""
        - name: r
          assert:
            all:
            - check:
                ~.(things[?type == 'x']):
                  (v): 1
                (length(other || `[]`)): 0
    """))
    payload = {
        "things": [{"type": "x", "v": 1}, 3, {"type": "y", "v": 2}, {"v": 9}, {"type": "x", "v": 2}, None],
        "noise": {"big": list(range(100))},
    }
    f = tmp_path / "d.json"
    f.write_text(json.dumps(payload))
    fast = _scan(capsys, "--policy", str(pol), "--payload", str(f))
    plain = _scan(capsys, "--policy", str(pol), "--payload", str(f), "--no-prune")
    assert fast == plain
    assert "~.(things[?type == 'x'])[1].(v): Invalid value: 2: Expected value: 1" in fast[1]


def test_pruned_and_plain_agree_without_resource_changes(tmp_path, capsys):
    plan = _generator().generate(300, 60, 9, seed=5)
    plan.pop("resource_changes")
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(plan))
    fast = _scan(capsys, "--payload", str(f))
    plain = _scan(capsys, "--payload", str(f), "--no-prune")
    assert fast == plain
    assert fast[0] == 1
    assert sum(line.startswith(" -> ") for line in fast[1].splitlines()) == 9


def test_flatten_projections_keep_only_what_each_item_needs():
    need = _need("""
        - name: r
          assert:
            all:
            - check:
                (length(mods[].mods[].items[?type == 'x'][])): 1
                (mods[].name): [a]
    """)
    mods = need.fields["mods"]
    assert mods.types is None
    assert mods.items.fields["name"] is FULL
    assert mods.items.fields["mods"].items.fields["items"].types == {"x"}


def test_pruned_and_plain_agree_on_go_number_types(tmp_path, capsys):
    pol = tmp_path / "p.yaml"
    pol.write_text(policy("""
        - name: r
          assert:
            all:
            - check:
                ~.(items[?type == 'n']):
                  v: abc
            - check:
                ~.(items[?type == 'n']):
                  (v + `0`): 1
    """))
    text = (
        '{"items": [{"type": "n", "v": 18446744073709551615}, {"type": "n", "v": 2147483647},'
        ' {"type": "n", "v": 1e21}, {"type": "m", "v": 1}, {"type": "n", "v": -0.0}]}'
    )
    f = tmp_path / "d.json"
    f.write_text(text)
    fast = _scan(capsys, "--policy", str(pol), "--payload", str(f))
    plain = _scan(capsys, "--policy", str(pol), "--payload", str(f), "--no-prune")
    assert fast == plain
    assert "types are not comparable, string - float64" in fast[1]
    pol.write_text(pol.read_text().replace("v: abc", "v: 1"))
    fast = _scan(capsys, "--policy", str(pol), "--payload", str(f))
    plain = _scan(capsys, "--policy", str(pol), "--payload", str(f), "--no-prune")
    assert fast == plain
    lines = [line for line in fast[1].splitlines() if line.startswith(" -> ")]
    assert lines[:4] == [
        " -> all[0].check.~.(items[?type == 'n'])[0].v: Invalid value: 1.8446744073709552e+19: Expected value: 1",
        " -> all[0].check.~.(items[?type == 'n'])[1].v: Invalid value: 2147483647: Expected value: 1",
        " -> all[0].check.~.(items[?type == 'n'])[2].v: Invalid value: 1e+21: Expected value: 1",
        " -> all[0].check.~.(items[?type == 'n'])[3].v: Invalid value: -0: Expected value: 1",
    ]
    assert " -> all[1].check.~.(items[?type == 'n'])[1].(v + `0`): Invalid value: 2.147483647e+09: Expected value: 1" in lines


def test_deferred_parts_are_read_on_demand_and_then_let_go(tmp_path):
    from ecs_exec_guard.engine.access import DEFERRED, Need, merge_needs
    from ecs_exec_guard.engine.lazyjson import Deferred, load_pruned, materialize

    f = tmp_path / "d.json"
    f.write_text(json.dumps({"items": [{"type": "x", "v": {"deep": [1, 2.5, None]}, "n": "a"}, {"type": "y"}]}))
    need = Need(fields={"items": Need(items=DEFERRED, types=frozenset({"x"}))})
    doc = load_pruned(str(f), need)
    (item,) = doc["items"]
    assert type(item) is Deferred
    assert item.get("n") == "a"
    assert item.get("v") == {"deep": [1, 2.5, None]}
    assert item.get("missing", 7) == 7
    assert materialize(item) == {"type": "x", "v": {"deep": [1, 2.5, None]}, "n": "a"}
    with pytest.raises(RuntimeError, match="released"):
        item.get("n")
    # with any other need, a deferred part is read whole: no policy meets one
    assert merge_needs(DEFERRED, DEFERRED) is DEFERRED
    assert merge_needs(Need(fields={"n": FULL}), DEFERRED) is FULL
    assert merge_needs(DEFERRED, Need(items=FULL)) is FULL


def test_the_analyzer_lets_go_of_every_planned_values_cluster(tmp_path):
    # clusters listed in resource_changes are skipped after a look at their
    # address; those only in planned_values (data sources, trimmed plans) are read
    from ecs_exec_guard.engine.lazyjson import Deferred, load_pruned
    from ecs_exec_guard.terraform.analyzer import analyze, module_resources, payload_need

    plan = _generator().generate(120, 30, 4, seed=7)
    extra = {
        "address": "data.aws_ecs_cluster.shared", "mode": "data", "type": "aws_ecs_cluster",
        "name": "shared", "values": {"cluster_name": "shared", "configuration": []},
    }
    plan["planned_values"]["root_module"]["resources"].append(extra)
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(plan))
    pruned = analyze(load_pruned(str(f), payload_need()))
    whole = analyze(json.loads(f.read_text()))
    assert pruned.resources == whole.resources
    assert any(r["address"] == "data.aws_ecs_cluster.shared" and r["values"] == extra["values"] for r in pruned.resources)
    deferred = [r for r, _ in module_resources(pruned.source["planned_values"]["root_module"], None, 0)
                if type(r) is Deferred]
    assert len(deferred) == 31
    for r in deferred:
        with pytest.raises(RuntimeError):
            r.get("address")


def test_mixed_policies_read_planned_values_whole_when_one_of_them_does(tmp_path, capsys):
    plain = tmp_path / "plain.yaml"
    plain.write_text(policy("""
        - name: planned-clusters-have-names
          assert:
            all:
            - check:
                ~.(planned_values.root_module.resources[?type == 'aws_ecs_cluster']):
                  values:
                    (name != null): true
    """))
    plan = _generator().generate(200, 40, 5, seed=8)
    clusters = [r for r in plan["planned_values"]["root_module"]["resources"] if r["type"] == "aws_ecs_cluster"]
    clusters[0]["values"]["name"] = None
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(plan))
    both = f"{default_policy()},{plain}"
    fast = _scan(capsys, "--policy", both, "--payload", str(f))
    slow = _scan(capsys, "--policy", both, "--payload", str(f), "--no-prune")
    assert fast == slow
    assert fast[0] == 1
    assert "- test / planned-clusters-have-names /  FAILED\n -> all[0].check.~.(planned_values" in fast[1]
