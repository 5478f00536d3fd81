"""One verdict per cluster, on real plans made by terraform 1.11 (tests/data/tfplans)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ecs_exec_guard.action.findings import collect
from ecs_exec_guard.defaults import default_bindings, default_policy
from ecs_exec_guard.engine.evaluate import evaluate
from ecs_exec_guard.scan import Scanner, ScanOutcome, ScanRequest
from ecs_exec_guard.terraform.analyzer import analyze, payload_kind

try:
    from test_action_harness import line_of, run_action
except ImportError:  # tests collected as a package
    from tests.test_action_harness import line_of, run_action

PLANS = Path(__file__).parent / "data" / "tfplans"
NONE_ARG = 'exec_logging = "NONE"'

ROOT = {
    "aws_ecs_cluster.default": "pass",
    "aws_ecs_cluster.empty": "pass",
    "aws_ecs_cluster.none": "fail",
    "aws_ecs_cluster.override": "pass",
    "aws_ecs_cluster.unset": "pass",
}
VERDICTS = {
    "root/plan.json": ROOT,
    "root/plan.utf16.json": ROOT,
    "unknown/plan.json": {
        "aws_ecs_cluster.computed": "unknown",
        "aws_ecs_cluster.dynamic": "unknown",
        "aws_ecs_cluster.literal": "fail",
        "data.aws_ecs_cluster.lookup": "not judged",
    },
    "modules/plan.json": {
        'module.apps["batch"].aws_ecs_cluster.this': "fail",
        'module.apps["batch"].module.inner.aws_ecs_cluster.sidecar': "fail",
        'module.apps["batch"].module.inner.aws_ecs_cluster.worker': "pass",
        'module.apps["web"].aws_ecs_cluster.this': "pass",
        'module.apps["web"].module.inner.aws_ecs_cluster.sidecar': "fail",
        'module.apps["web"].module.inner.aws_ecs_cluster.worker': "pass",
        "module.legacy[0].aws_ecs_cluster.this": "pass",
        "module.legacy[0].module.inner.aws_ecs_cluster.sidecar": "fail",
        "module.legacy[0].module.inner.aws_ecs_cluster.worker": "fail",
    },
    "registry/stacks/prod/plan.json": {
        "module.ecs.aws_ecs_cluster.this[0]": "fail",
        "module.ecs_git.aws_ecs_cluster.this[0]": "fail",
        "module.ecs_ok.aws_ecs_cluster.this[0]": "pass",
    },
    "registry/stacks/dev/plan.json": {"aws_ecs_cluster.this": "fail"},
    "lifecycle/plan.json": {
        "aws_ecs_cluster.deleted": "not judged",
        "aws_ecs_cluster.forgotten": "not judged",
        "aws_ecs_cluster.kept": "fail",
        "aws_ecs_cluster.renamed": "pass",
        "aws_ecs_cluster.replaced": "fail",
        "aws_ecs_cluster.updated": "fail",
    },
    "lifecycle/destroy.json": {
        f"aws_ecs_cluster.{n}": "not judged" for n in ("deleted", "forgotten", "kept", "renamed", "replaced", "updated")
    },
    "lifecycle/state.json": {
        "aws_ecs_cluster.deleted": "fail",
        "aws_ecs_cluster.forgotten": "fail",
        "aws_ecs_cluster.kept": "fail",
        "aws_ecs_cluster.old_name": "pass",
        "aws_ecs_cluster.replaced": "fail",
        "aws_ecs_cluster.updated": "pass",
    },
}


def statuses(path: Path) -> dict[str, str]:
    scanner = Scanner(ScanRequest(payload=str(path)))
    policies = scanner.load_policies()
    bindings = scanner.load_bindings()
    resources = scanner.load_resources(policies)
    results = list(evaluate(policies, resources, bindings))
    outcome = ScanOutcome(policies, bindings, resources, results)
    assert outcome.errors == 0
    result = collect(str(path), path.name, outcome, lambda doc: None, list(scanner.analyses))
    return {row.cluster.address: row.status for row in result.clusters}


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_every_cluster_gets_its_own_verdict(name):
    assert statuses(PLANS / name) == VERDICTS[name]


def test_pruned_and_whole_payloads_give_the_same_clusters():
    from ecs_exec_guard.engine.lazyjson import load_pruned
    from ecs_exec_guard.terraform.analyzer import payload_need

    for name in VERDICTS:
        if name.endswith("utf16.json"):
            continue
        whole = analyze(json.loads((PLANS / name).read_text(encoding="utf-8")))
        pruned = analyze(load_pruned(str(PLANS / name), payload_need()))
        assert pruned.resources == whole.resources, name
        assert pruned.kind == whole.kind


@pytest.mark.parametrize(
    ("doc", "kind"),
    [
        ({}, None),
        ([], None),
        ({"resources": []}, None),
        ({"format_version": "1.0"}, "state"),  # `terraform show -json` with no state
        ({"format_version": "1.0", "values": {"root_module": {}}}, "state"),
        ({"format_version": "0.1", "planned_values": {"root_module": {}}}, "plan"),
        ({"format_version": "1.2", "configuration": {}}, "plan"),
    ],
)
def test_plan_state_or_neither(doc, kind):
    assert payload_kind(doc) == kind


def test_the_log_names_each_cluster_and_says_a_state_is_not_a_plan(scan):
    run = scan(None, (PLANS / "lifecycle/state.json").read_bytes())
    assert run.code == 1
    assert "- terraform state, not a plan (format 1.0, terraform 1.11.4): 6 ECS clusters" in run.out
    assert "- check-ecs-exec-logging / check-ecs-exec-logging / aws_ecs_cluster.kept FAILED" in run.out
    run = scan(None, (PLANS / "unknown/plan.json").read_bytes())
    assert "- aws_ecs_cluster.dynamic: ECS Exec logging is known only after apply: not judged" in run.out
    assert "ERROR" not in run.out


@pytest.mark.parametrize("payload", [b"{}", b'{"resources": []}', b"[1]"])
def test_what_is_neither_a_plan_nor_a_state_is_refused(scan, payload):
    run = scan(None, payload)
    assert run.code == 2
    assert "is not a Terraform plan or state" in run.err
    assert "terraform show -json tfplan > plan.json" in run.err and "terraform_wrapper: false" in run.err
    assert "Traceback" not in run.err


def test_the_seed_policy_still_reads_the_plan_as_it_is(scan):
    seed_like = """\
    apiVersion: json.kyverno.io/v1alpha1
    kind: ValidatingPolicy
    metadata:
      name: plain
    spec:
      rules:
      - name: plain
        assert:
          all:
          - check:
              (length(planned_values.root_module.resources) > `0`): true
    """
    run = scan(seed_like, (PLANS / "root/plan.json").read_bytes())
    assert run.code == 0
    assert "- plain / plain /  PASSED" in run.out
    assert "terraform plan" not in run.out


def test_policies_reading_the_plan_and_the_clusters_run_side_by_side(tmp_path, capsys):
    from ecs_exec_guard.cli import main

    plain = tmp_path / "plain.yaml"
    plain.write_text(
        "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: plain\n"
        "spec:\n  rules:\n  - name: r\n    assert:\n      all:\n      - check:\n          format_version: '1.2'\n"
    )
    code = main(["scan", "--payload", str(PLANS / "root/plan.json"), "--policy", f"{default_policy()},{plain}",
                 "--bindings", default_bindings()])
    out = capsys.readouterr().out
    assert code == 1
    # the plan itself for the plain policy, one resource per cluster for the bundled one
    assert "Running ( evaluating 6 resources against 2 policies ) ..." in out
    assert "- plain / r /  PASSED" in out
    assert "- check-ecs-exec-logging / check-ecs-exec-logging / aws_ecs_cluster.none FAILED" in out
    assert "- check-ecs-exec-logging / check-ecs-exec-logging / aws_ecs_cluster.default PASSED" in out
    assert "plain / r / aws_ecs" not in out


# -- the action on the real plans ---------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace"
    shutil.copytree(PLANS, ws, ignore=shutil.ignore_patterns("generate.py"))
    return ws


def test_module_clusters_are_annotated_where_their_logging_is_set(workspace: Path):
    run = run_action(workspace, {"payload": "modules/plan.json"})
    assert run.code == 1 and run.outputs["violations"] == "5"
    root_tf, app_tf = workspace / "modules/main.tf", workspace / "modules/modules/app/main.tf"
    inner_tf = workspace / "modules/modules/app/inner/main.tf"
    # from the caller's for_each map, through the argument that reads each.value
    batch = run.annotation('module.apps["batch"].aws_ecs_cluster.this')
    entry_line = line_of(root_tf, 'batch = "NONE"')
    assert batch.startswith(f"::error file=modules/main.tf,line={entry_line},")
    assert 'set by the "batch" entry of for_each in the module "apps" block, through argument exec_logging' in batch
    assert 'Fix: in the module "apps" block, change the "batch" entry of for_each' in batch.replace("%0A", "\n")
    # a whole dynamic block from a module variable, set by the caller's argument
    worker = run.annotation("module.legacy[0].module.inner.aws_ecs_cluster.worker")
    assert worker.startswith(f"::error file=modules/modules/app/main.tf,line={line_of(app_tf, 'execute_command = {')},")
    # a literal NONE in the module itself: its logging line, naming the module call
    sidecar = run.annotation("module.legacy[0].module.inner.aws_ecs_cluster.sidecar")
    line = line_of(inner_tf, 'logging = "NONE"')
    assert sidecar.startswith(f"::error file=modules/modules/app/inner/main.tf,line={line},")
    assert "in module call module.legacy[0].module.inner" in sidecar
    assert "| create |" in run.summary


def test_registry_and_git_modules_are_annotated_at_their_call_never_in_another_stack(workspace: Path):
    run = run_action(workspace, {"payload": "registry/stacks/prod/plan.json"})
    assert run.code == 1 and run.outputs["violations"] == "2"
    prod = workspace / "registry/stacks/prod/main.tf"
    ecs = run.annotation("module.ecs.aws_ecs_cluster.this[0]")
    line = line_of(prod, NONE_ARG)
    assert ecs.startswith(f"::error file=registry/stacks/prod/main.tf,line={line},")
    git = run.annotation("module.ecs_git.aws_ecs_cluster.this[0]")
    line = line_of(prod, NONE_ARG, after='module "ecs_git"')
    assert git.startswith(f"::error file=registry/stacks/prod/main.tf,line={line},")
    assert "stacks/dev" not in run.stdout and "vendor-src" not in run.stdout


def test_without_configuration_modules_json_maps_modules_to_folders(workspace: Path):
    # a trimmed plan: no configuration section; .terraform/modules/modules.json says where modules are
    prod = workspace / "registry/stacks/prod"
    plan = json.loads((prod / "plan.json").read_text(encoding="utf-8"))
    del plan["configuration"]
    (prod / "plan.json").write_text(json.dumps(plan, indent=2), encoding="utf-8")
    (prod / ".terraform/modules").mkdir(parents=True)
    shutil.copy(prod / "modules.json", prod / ".terraform/modules/modules.json")
    run = run_action(workspace, {"payload": "registry/stacks/prod/plan.json"})
    # downloaded modules live under .terraform: the call in the stack's file is the place,
    # at its argument that writes "NONE"
    ecs = run.annotation("module.ecs.aws_ecs_cluster.this[0]")
    line = line_of(prod / "main.tf", NONE_ARG)
    assert ecs.startswith(f"::error file=registry/stacks/prod/main.tf,line={line},")
    assert 'set by argument exec_logging of the module "ecs" block' in ecs
    assert not any("module.ecs_ok." in line for line in run.errors)  # it passes

    mods = workspace / "modules"
    plan = json.loads((mods / "plan.json").read_text(encoding="utf-8"))
    del plan["configuration"]
    (mods / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    (mods / ".terraform/modules").mkdir(parents=True)
    (mods / ".terraform/modules/modules.json").write_text(json.dumps({"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "apps", "Source": "./modules/app", "Dir": "modules/app"},
        {"Key": "apps.inner", "Source": "./inner", "Dir": "modules/app/inner"},
    ]}), encoding="utf-8")
    run = run_action(workspace, {"payload": "modules/plan.json"})
    sidecar = run.annotation('module.apps["web"].module.inner.aws_ecs_cluster.sidecar')
    assert sidecar.startswith("::error file=modules/modules/app/inner/main.tf,line=")


def test_unknown_logging_is_a_warning_not_a_verdict(workspace: Path):
    run = run_action(workspace, {"payload": "unknown/plan.json"})
    assert run.code == 1 and run.outputs["violations"] == "1"
    main_tf = workspace / "unknown/main.tf"
    warnings = [line for line in run.stdout.splitlines() if line.startswith("::warning")]
    assert len(warnings) == 2
    line = line_of(main_tf, "logging = aws_cloudwatch_log_group.exec.arn")
    assert warnings[0].startswith(f"::warning file=unknown/main.tf,line={line},")
    assert "aws_ecs_cluster.computed: ECS Exec logging is known only after apply" in warnings[0]
    assert "aws_ecs_cluster.dynamic" in warnings[1]
    assert "2 ECS clusters have ECS Exec logging known only after apply" in run.summary
    assert "❔ known after apply" in run.summary
    assert "➖ not judged (data source)" in run.summary
    literal = run.annotation("aws_ecs_cluster.literal")
    line = line_of(main_tf, 'logging = "NONE"')
    assert literal.startswith(f"::error file=unknown/main.tf,line={line},")


def test_state_is_judged_and_said_to_be_a_state(workspace: Path):
    run = run_action(workspace, {"payload": "lifecycle/state.json"})
    assert run.code == 1 and run.outputs["violations"] == "4"
    assert "state, not a plan" in run.summary and "state, not a plan" in run.stdout
    assert "| state |" in run.summary


def test_changed_only_counts_what_the_plan_changes_and_those_come_first(workspace: Path):
    run = run_action(workspace, {"payload": "lifecycle/plan.json"})
    assert run.outputs["violations"] == "3"
    order = [line.split("::")[2].split(":")[0] for line in run.errors]
    assert order == ["aws_ecs_cluster.replaced", "aws_ecs_cluster.updated", "aws_ecs_cluster.kept"]
    for action in ("| replace |", "| update |", "| no-op |", "| delete |", "| forget |"):
        assert action in run.summary
    assert "(moved from <code>aws_ecs_cluster.old_name</code>)" in run.summary

    run = run_action(workspace, {"payload": "lifecycle/plan.json", "changed-only": "true"})
    assert run.code == 1 and run.outputs["violations"] == "2"
    assert not any("aws_ecs_cluster.kept" in line for line in run.errors)
    assert "1 failing cluster is not counted" in run.summary and "(not counted: unchanged)" in run.summary

    run = run_action(workspace, {"payload": "lifecycle/state.json", "changed-only": "true"})
    assert run.code == 0 and run.outputs["result"] == "pass"


def test_destroy_plan_judges_nothing(workspace: Path):
    run = run_action(workspace, {"payload": "lifecycle/destroy.json"})
    assert run.code == 0 and run.outputs["result"] == "pass"
    assert "0 ECS clusters checked" in run.summary and "deleted by the plan" in run.summary


def test_utf16_plan_is_read(workspace: Path):
    run = run_action(workspace, {"payload": "root/plan.utf16.json"})
    assert run.code == 1 and run.outputs["violations"] == "1"
    assert run.annotation("aws_ecs_cluster.none").startswith("::error file=root/main.tf,line=")


def test_without_sources_a_pretty_plan_is_annotated_at_the_cluster_line(workspace: Path):
    plan = json.loads((workspace / "root/plan.json").read_text(encoding="utf-8"))
    (workspace / "elsewhere").mkdir()
    target = workspace / "elsewhere/plan.json"
    target.write_text(json.dumps(plan, indent=2), encoding="utf-8")
    run = run_action(workspace, {"payload": "elsewhere/plan.json"})
    none = run.annotation("aws_ecs_cluster.none")
    line = line_of(target, '"address": "aws_ecs_cluster.none"', after='"planned_values"')
    assert none.startswith(f"::error file=elsewhere/plan.json,line={line},")
    assert "no .tf source was found for it" in none
    # one-line JSON (as terraform writes it): the file, no line
    shutil.copy(workspace / "root/plan.json", target)
    run = run_action(workspace, {"payload": "elsewhere/plan.json"})
    assert run.annotation("aws_ecs_cluster.none").startswith("::error file=elsewhere/plan.json,title=")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{}", "an empty JSON object is not a Terraform plan or state"),
        (b'{"resources": []}', "is not a Terraform plan or state"),
        ('{"a": 1}'.encode("utf-16-le"), "looks like UTF-16 or UTF-32 without a byte order mark"),
        (b"[command]/usr/bin/terraform show -json tfplan\n{}", "terraform_wrapper: false"),
    ],
)
def test_input_errors_are_annotated_on_the_payload(workspace: Path, content: bytes, reason: str):
    (workspace / "plan.json").write_bytes(content)
    run = run_action(workspace, {"payload": "plan.json"})
    assert run.code == 2 and run.outputs["result"] == "error"
    assert len(run.errors) == 1 and run.errors[0].startswith("::error file=plan.json::ecs-exec-guard: plan.json: ")
    assert reason in run.errors[0]
