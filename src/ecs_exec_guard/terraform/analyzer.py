"""The ``terraform-ecs-clusters`` analyzer: one resource per ECS cluster.

A policy asks for it with the annotation
``ecs-exec-guard.io/analyzer: terraform-ecs-clusters`` (the bundled policy
does). Each payload document must then be the output of
``terraform show -json``, of a plan or of a state; it is turned into one
resource per ``aws_ecs_cluster`` (managed resources and data sources, in
the root module and in child modules), so that a rule runs once per
cluster: an error or an unknown value on one cluster cannot change the
verdict of another, and the rule's ``identifier`` (the address) names the
cluster in the log. Each resource is::

    address          module.ecs.aws_ecs_cluster.this[0]
    module_address   module.ecs (null in the root module)
    mode, type, name, index
    action           create | update | replace | no-op | delete | forget |
                     read (data sources) | state (from a state) |
                     planned (a plan without resource_changes)
    previous_address the address before a `moved` block, when it moved
    values           the attribute values after the apply ({} when none)
    after_unknown    which of them the plan knows only after the apply
    logging_known_after_apply
                     true when ECS Exec logging, or a block that holds it,
                     is known only after the apply
    payload          "plan" or "state"

The plan formats 0.1 to 1.2 are read: ``resource_changes`` first (it has
the action of every instance), then ``planned_values`` for clusters it
does not list (hand-trimmed plans), at any module depth. A state is read
from ``values.root_module``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..engine.lazyjson import Deferred, materialize, release
from .address import format_index, module_sort_key, parse_address, resource_sort_key

ANALYZER = "terraform-ecs-clusters"
ANALYZER_ANNOTATION = "ecs-exec-guard.io/analyzer"
CLUSTER_TYPE = "aws_ecs_cluster"
MAX_MODULE_DEPTH = 100

HOW_TO = (
    "expected the JSON of a Terraform plan or state: run `terraform plan -out=tfplan` "
    "then `terraform show -json tfplan > plan.json` (with hashicorp/setup-terraform, "
    "set `terraform_wrapper: false` so that nothing but the JSON is written)"
)

_PLAN_KEYS = ("planned_values", "resource_changes", "prior_state", "resource_drift", "output_changes")


class NotTerraform(ValueError):
    """The payload is neither a plan nor a state; the message says what was expected."""


@dataclass
class Analysis:
    """What the analyzer made of one payload document."""

    kind: str  # "plan" or "state"
    format_version: str | None
    terraform_version: str | None
    resources: list[dict] = field(default_factory=list)
    source: dict = field(default_factory=dict)  # the document itself (configuration, for the locator)

    @property
    def unknown(self) -> list[dict]:
        return [r for r in self.resources if r.get("logging_known_after_apply")]

    def describe(self) -> list[str]:
        """Log lines: what the payload is, and which clusters cannot be judged from it."""
        n = sum(1 for r in self.resources if r.get("mode") == "managed")
        what = "terraform plan" if self.kind == "plan" else "terraform state, not a plan"
        details = [f"format {self.format_version}" if self.format_version else None,
                   f"terraform {self.terraform_version}" if self.terraform_version else None]
        details = [d for d in details if d]
        head = f"- {what}" + (f" ({', '.join(details)})" if details else "")
        lines = [f"{head}: {n} ECS {'cluster' if n == 1 else 'clusters'}"]
        for r in self.unknown:
            lines.append(f"- {r['address']}: ECS Exec logging is known only after apply: not judged")
        return lines


def payload_kind(doc: Any) -> str | None:
    """"plan", "state" or None for anything else."""
    if not isinstance(doc, dict):
        return None
    if any(isinstance(doc.get(k), (dict, list)) for k in _PLAN_KEYS):
        return "plan"
    if isinstance(doc.get("values"), dict) and isinstance(doc["values"].get("root_module"), dict):
        return "state"
    if isinstance(doc.get("format_version"), str):
        # `terraform show -json` with no state at all prints only the format
        # version; a plan always has planned_values or configuration
        if "configuration" in doc:
            return "plan"
        if set(doc) <= {"format_version", "terraform_version", "values", "checks"}:
            return "state"
    return None


def analyze(doc: Any) -> Analysis:
    kind = payload_kind(doc)
    if kind is None:
        raise NotTerraform(f"{_describe(doc)} is not a Terraform plan or state; {HOW_TO}")
    fv, tv = doc.get("format_version"), doc.get("terraform_version")
    analysis = Analysis(kind, fv if isinstance(fv, str) else None, tv if isinstance(tv, str) else None, source=doc)
    found = _plan_clusters(doc) if kind == "plan" else _state_clusters(doc)
    analysis.resources = sorted(
        found.values(), key=lambda r: (module_sort_key(r["module_address"]), resource_sort_key(r["address"]))
    )
    return analysis


def _describe(doc: Any) -> str:
    if isinstance(doc, dict):
        if not doc:
            return "an empty JSON object"
        keys = ", ".join(sorted(str(k) for k in doc)[:5])
        return f"a JSON object with keys {keys}" + (", ..." if len(doc) > 5 else "")
    if isinstance(doc, list):
        return "a JSON list"
    return "a JSON " + {str: "string", bool: "boolean", int: "number", float: "number"}.get(type(doc), "value")


# -- plans ---------------------------------------------------------------------


def _plan_clusters(plan: dict) -> dict[str, dict]:
    found: dict[str, dict] = {}
    changes = plan.get("resource_changes")
    for entry in changes if isinstance(changes, list) else ():
        if not isinstance(entry, dict) or entry.get("type") != CLUSTER_TYPE or entry.get("deposed"):
            continue
        change = _dict(entry.get("change"))
        address = _address(entry, _str(entry.get("module_address")))
        if address is None or address in found:
            continue
        action = _action(change.get("actions"))
        after = change.get("after")
        values = after if isinstance(after, dict) else {}
        unknown = change.get("after_unknown")
        doc = _doc(entry, address, action, values, unknown if isinstance(unknown, (dict, bool)) else {}, "plan")
        if action in ("create", "update", "replace", "no-op") and not isinstance(after, dict):
            doc["logging_known_after_apply"] = True  # after the apply it exists, but the plan has no value
        previous = entry.get("previous_address")
        if isinstance(previous, str) and previous and previous != address:
            doc["previous_address"] = previous
        found[address] = doc

    planned = _dict(_dict(plan.get("planned_values")).get("root_module"))
    # most of them were in resource_changes: those are let go of unread
    for resource, address in _new_clusters(planned, found, with_deposed=True):
        values = resource.get("values")
        if not isinstance(values, dict):
            continue  # no values: nothing will exist to judge (e.g. forgotten)
        found[address] = _doc(resource, address, "read" if _mode(resource, address) == "data" else "planned",
                              values, {}, "plan")
    return found


def _action(actions: Any) -> str:
    if not isinstance(actions, list):
        return "planned"
    acts = [a for a in actions if isinstance(a, str)]
    if "create" in acts and ("delete" in acts or "forget" in acts):
        return "replace"
    if len(acts) == 1:
        return acts[0]
    return "/".join(acts) or "planned"


# -- states --------------------------------------------------------------------


def _state_clusters(state: dict) -> dict[str, dict]:
    found: dict[str, dict] = {}
    root = _dict(_dict(state.get("values")).get("root_module"))
    for resource, address in _new_clusters(root, found, with_deposed=False):
        values = resource.get("values")
        found[address] = _doc(resource, address, "state", values if isinstance(values, dict) else {}, {}, "state")
    return found


def _new_clusters(module: dict, found: dict, with_deposed: bool) -> Iterator[tuple[dict, str]]:
    """(resource, address) of each cluster of a module tree (planned_values
    or a state) whose address ``found`` lacks yet, read whole. Every other
    resource walked is let go of unread (a Deferred: see payload_need)."""
    for resource, module_address in module_resources(module, None, 0):
        address = None
        if resource.get("type") == CLUSTER_TYPE and (with_deposed or not resource.get("deposed_key")):
            address = _address(resource, module_address)
        if address is None or address in found:
            release(resource)
            continue
        yield materialize(resource), address


# -- one cluster ---------------------------------------------------------------


def _doc(entry: dict, address: str, action: str, values: dict, after_unknown: Any, payload: str) -> dict:
    parsed = parse_address(address)
    mode = _mode(entry, address)
    return {
        "address": address,
        "module_address": parsed.module_address if parsed is not None else _str(entry.get("module_address")),
        "mode": mode,
        "type": CLUSTER_TYPE,
        "name": parsed.name if parsed is not None else _str(entry.get("name")),
        "index": parsed.index if parsed is not None else None,
        "action": action,
        "values": values,
        "after_unknown": after_unknown if isinstance(after_unknown, dict) else {},
        "logging_known_after_apply": mode == "managed" and logging_unknown(values, after_unknown),
        "payload": payload,
    }


def logging_unknown(values: dict, after_unknown: Any) -> bool:
    """Is ECS Exec logging, or a block holding it, known only after the apply?"""
    if after_unknown is True:
        return True
    if not isinstance(after_unknown, dict):
        return False
    conf = after_unknown.get("configuration")
    if conf is True:
        return True
    for block in conf if isinstance(conf, list) else ():
        if block is True:
            return True
        if not isinstance(block, dict):
            continue
        exec_conf = block.get("execute_command_configuration")
        if exec_conf is True:
            return True
        for inner in exec_conf if isinstance(exec_conf, list) else ():
            if inner is True or (isinstance(inner, dict) and inner.get("logging") is True):
                return True
    return False


def _mode(entry: dict, address: str) -> str:
    mode = entry.get("mode")
    if mode in ("managed", "data"):
        return mode
    parsed = parse_address(address)
    return parsed.mode if parsed is not None else "managed"


def _address(entry: dict, module_address: str | None) -> str | None:
    address = entry.get("address")
    if isinstance(address, str) and address:
        if module_address and not address.startswith("module.") and parse_address(address) is not None:
            # format 0.1 plans give child-module resources their local address
            address = f"{module_address}.{address}"
        return address
    rtype, rname = entry.get("type"), entry.get("name")
    if not isinstance(rtype, str) or not isinstance(rname, str) or not rname:
        return None
    index = entry.get("index")
    if not isinstance(index, (int, str)) or isinstance(index, bool):
        index = None
    local = f"{'data.' if entry.get('mode') == 'data' else ''}{rtype}.{rname}{format_index(index)}"
    return f"{module_address}.{local}" if module_address else local


def module_resources(module: dict, module_address: str | None, depth: int) -> Iterator[tuple[dict, str | None]]:
    """Every resource of a module tree (planned_values or a state), with the
    address of the module that holds it."""
    if depth > MAX_MODULE_DEPTH:
        return
    address = module.get("address")
    if isinstance(address, str) and address:
        module_address = address
    resources = module.get("resources")
    for resource in resources if isinstance(resources, list) else ():
        if isinstance(resource, (dict, Deferred)):  # Deferred: see payload_need
            yield resource, module_address
    children = module.get("child_modules")
    for child in children if isinstance(children, list) else ():
        if isinstance(child, dict):
            yield from module_resources(child, module_address, depth + 1)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# -- what to read of a JSON payload --------------------------------------------


def payload_need():
    """The part of a plan or state the analyzer and the locator read (see engine.access)."""
    from ..engine.access import DEFERRED, FULL, Need

    def items(elem, types=None):
        return Need(items=elem, types=frozenset(types) if types is not None else None)

    cluster = items(FULL, {CLUSTER_TYPE})
    # planned_values lists again the clusters of resource_changes: a look at
    # the address is enough to skip those (a state's are all read)
    listed = items(DEFERRED, {CLUSTER_TYPE})
    module = Need(fields={"address": FULL, "resources": listed, "child_modules": items(FULL)})
    for _ in range(12):  # deeper than that: everything
        module = Need(fields={"address": FULL, "resources": listed, "child_modules": items(module)})
    present = Need(fields={})  # only whether it is there
    return Need(fields={
        "format_version": FULL,
        "terraform_version": FULL,
        "planned_values": Need(fields={"root_module": module}),
        "resource_changes": cluster,
        "prior_state": present,
        "resource_drift": items(present),
        "output_changes": present,
        "configuration": FULL,
        "values": Need(fields={"root_module": module}),
        "checks": items(present),
    })
