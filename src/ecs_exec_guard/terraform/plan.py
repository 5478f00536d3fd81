"""The aws_ecs_cluster resources of a Terraform plan (``terraform show -json``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .address import format_index, module_sort_key, parse_address, resource_sort_key
from .analyzer import module_resources

CLUSTER_TYPE = "aws_ecs_cluster"
LOGGING_NONE = "NONE"


@dataclass
class Cluster:
    address: str
    module_address: str | None
    name: str | None
    logging: str | None
    values: dict = field(default_factory=dict)
    action: str | None = None  # planned action (analyzer): create, update, replace, no-op, state, ...
    mode: str = "managed"
    unknown: bool = False  # ECS Exec logging known only after the apply
    previous_address: str | None = None  # before a `moved` block

    @property
    def changing(self) -> bool:
        """Does the plan create, update or replace it (or not say what it does)?"""
        return self.action in (None, "create", "update", "replace", "planned")

    @property
    def not_judged_reason(self) -> str | None:
        if self.mode == "data":
            return "data source"
        if self.action == "delete":
            return "deleted by the plan"
        if self.action == "forget":
            return "removed from the state, not destroyed"
        return None


def cluster_from_resource(doc: dict) -> Cluster:
    """A Cluster from one resource of the terraform-ecs-clusters analyzer."""
    values = _dict(doc.get("values"))
    name = values.get("name")
    previous = doc.get("previous_address")
    return Cluster(
        address=str(doc.get("address")),
        module_address=doc.get("module_address") if isinstance(doc.get("module_address"), str) else None,
        name=name if isinstance(name, str) else None,
        logging=cluster_logging(values),
        values=values,
        action=doc.get("action") if isinstance(doc.get("action"), str) else None,
        mode=doc.get("mode") if doc.get("mode") in ("managed", "data") else "managed",
        unknown=doc.get("logging_known_after_apply") is True,
        previous_address=previous if isinstance(previous, str) else None,
    )


def plan_clusters(plan: Any) -> list[Cluster]:
    """Every managed aws_ecs_cluster that exists after the plan is applied.

    Read from ``planned_values`` (root module and child modules at any depth),
    completed by ``resource_changes`` entries missing there. Clusters being
    deleted are left out. Ordered root module first, then modules by address.
    """
    if not isinstance(plan, dict):
        return []
    found: dict[str, Cluster] = {}

    planned = _dict(plan.get("planned_values"))
    for resource, module_address in module_resources(_dict(planned.get("root_module")), None, 0):
        if _is_cluster(resource):
            cluster = _cluster(resource, _dict(resource.get("values")), module_address)
            if cluster is not None and cluster.address not in found:
                found[cluster.address] = cluster

    changes = plan.get("resource_changes")
    for entry in changes if isinstance(changes, list) else ():
        if not isinstance(entry, dict) or not _is_cluster(entry) or entry.get("deposed"):
            continue
        change = _dict(entry.get("change"))
        actions = change.get("actions")
        actions = actions if isinstance(actions, list) else []
        after = change.get("after")
        if actions == ["delete"] or (after is None and "delete" in actions):
            continue
        module_address = entry.get("module_address")
        cluster = _cluster(entry, _dict(after), module_address if isinstance(module_address, str) else None)
        if cluster is not None and cluster.address not in found:
            found[cluster.address] = cluster

    return sorted(found.values(), key=lambda c: (module_sort_key(c.module_address), resource_sort_key(c.address)))


def cluster_logging(values: Any) -> str | None:
    """The ECS Exec logging setting: "NONE" when any configuration sets it, else the first one set."""
    settings = [s for s in _logging_settings(values) if isinstance(s, str)]
    if LOGGING_NONE in settings:
        return LOGGING_NONE
    return settings[0] if settings else None


def _logging_settings(values: Any) -> Iterator[Any]:
    for configuration in _blocks(_dict(values).get("configuration")):
        for exec_config in _blocks(configuration.get("execute_command_configuration")):
            yield exec_config.get("logging")


def _blocks(value: Any) -> list[dict]:
    """A nested block as the plan writes it: a list of objects (a lone object is accepted too)."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _is_cluster(resource: dict) -> bool:
    if resource.get("type") != CLUSTER_TYPE:
        return False
    mode = resource.get("mode")
    if mode is None:
        parsed = parse_address(resource.get("address"))
        return parsed is None or parsed.mode == "managed"
    return mode == "managed"


def _cluster(resource: dict, values: dict, module_address: str | None) -> Cluster | None:
    address = resource.get("address")
    if not isinstance(address, str) or not address:
        address = _build_address(resource, module_address)
        if address is None:
            return None
    parsed = parse_address(address)
    if parsed is not None:
        module_address = parsed.module_address
    name = values.get("name")
    return Cluster(
        address=address,
        module_address=module_address or None,
        name=name if isinstance(name, str) else None,
        logging=cluster_logging(values),
        values=values,
    )


def _build_address(resource: dict, module_address: str | None) -> str | None:
    rtype, rname = resource.get("type"), resource.get("name")
    if not isinstance(rtype, str) or not isinstance(rname, str) or not rname:
        return None
    index = resource.get("index")
    if not isinstance(index, (int, str)) or isinstance(index, bool):
        index = None
    local = f"{rtype}.{rname}{format_index(index)}"
    return f"{module_address}.{local}" if module_address else local
