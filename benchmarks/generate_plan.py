"""Generate a realistic ``terraform show -json`` plan of any size.

The plan creates N resources of a typical ECS estate (S3 buckets, IAM
roles, security groups, ECS services and task definitions, CloudWatch log
groups and ECS clusters) spread over the root module, service modules
(``module.svcX``) and a nested module in each (``module.svcX.module.inner``).
C of the resources are ``aws_ecs_cluster``; F of those set ECS Exec
logging to ``NONE`` and must be reported. Every other cluster sets
``DEFAULT`` or ``OVERRIDE``, or has no ``configuration`` block (which
passes both the bundled policy and checkov's CKV_AWS_223), so the
expected number of failing clusters is exactly F.

Attribute payloads are modelled on real AWS provider 5.x plans, so the
file weighs about 1.5 KB per resource (25,000 resources: ~38 MB). The
output depends only on the arguments: the same seed gives the same bytes.

    python benchmarks/generate_plan.py --resources 25000 --clusters 5000 --failing 50 --out plan.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys

# Bump when the generated plans change, so cached plans are regenerated.
FORMAT = 2
PROVIDER = "registry.terraform.io/hashicorp/aws"
REGION = "eu-west-1"
ACCOUNT = "123456789012"

# Share of the non-cluster resources, by type.
OTHER_TYPES = (
    ("aws_s3_bucket", 0.13),
    ("aws_iam_role", 0.13),
    ("aws_iam_role_policy_attachment", 0.22),
    ("aws_security_group", 0.13),
    ("aws_ecs_service", 0.13),
    ("aws_ecs_task_definition", 0.13),
    ("aws_cloudwatch_log_group", 0.13),
)

TEAMS = ("payments", "checkout", "search", "identity", "ledger", "catalog", "growth", "platform")
ENVS = ("prod", "staging", "dev")
IMAGES = ("nginx:1.25", "public.ecr.aws/docker/library/redis:7", "envoyproxy/envoy:v1.29.1", "app")

# After-unknown attributes (computed at apply time), per type.
COMPUTED = {
    "aws_ecs_cluster": ("arn", "id"),
    "aws_s3_bucket": ("arn", "bucket_domain_name", "bucket_regional_domain_name", "hosted_zone_id", "id", "region"),
    "aws_iam_role": ("arn", "create_date", "id", "unique_id"),
    "aws_iam_role_policy_attachment": ("id",),
    "aws_security_group": ("arn", "id", "owner_id"),
    "aws_ecs_service": ("iam_role", "id", "platform_version"),
    "aws_ecs_task_definition": ("arn", "arn_without_revision", "id", "revision"),
    "aws_cloudwatch_log_group": ("arn", "id"),
}


def _tags(rng: random.Random, name: str, team: str, env: str) -> dict:
    tags = {"Team": team, "Environment": env}
    if rng.random() < 0.5:
        tags["CostCenter"] = f"cc-{rng.randint(1000, 9999)}"
    return tags


def _with_tags_all(values: dict) -> dict:
    values["tags_all"] = dict(values["tags"])
    return values


def ecs_cluster(rng: random.Random, name: str, team: str, env: str, logging: str | None) -> dict:
    """A cluster; ``logging=None`` leaves out the configuration block (ECS Exec with defaults)."""
    log_configuration: list = []
    if logging == "OVERRIDE":
        log_configuration = [
            {
                "cloud_watch_encryption_enabled": True,
                "cloud_watch_log_group_name": f"/ecs/exec/{name}",
                "s3_bucket_encryption_enabled": rng.random() < 0.5,
                "s3_bucket_name": f"{team}-{env}-ecs-exec-audit",
                "s3_key_prefix": f"exec/{name}",
            }
        ]
    kms = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{rng.getrandbits(128):032x}" if rng.random() < 0.3 else None
    configuration = []
    if logging is not None:
        configuration = [
            {
                "execute_command_configuration": [
                    {"kms_key_id": kms, "log_configuration": log_configuration, "logging": logging}
                ],
                "managed_storage_configuration": [],
            }
        ]
    return _with_tags_all(
        {
            "configuration": configuration,
            "name": name,
            "service_connect_defaults": [],
            "setting": [{"name": "containerInsights", "value": rng.choice(("enabled", "disabled"))}],
            "tags": _tags(rng, name, team, env),
        }
    )


def s3_bucket(rng: random.Random, name: str, team: str, env: str) -> dict:
    return _with_tags_all(
        {
            "bucket": f"{team}-{env}-{name}",
            "bucket_prefix": None,
            "force_destroy": rng.random() < 0.2,
            "object_lock_enabled": None,
            "tags": _tags(rng, name, team, env),
            "timeouts": None,
        }
    )


def iam_role(rng: random.Random, name: str, team: str, env: str) -> dict:
    assume = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    return _with_tags_all(
        {
            "assume_role_policy": json.dumps(assume, separators=(",", ":")),
            "description": f"{name} task role",
            "force_detach_policies": False,
            "max_session_duration": 3600,
            "name": f"{team}-{env}-{name}",
            "name_prefix": None,
            "path": "/service/",
            "permissions_boundary": None,
            "tags": _tags(rng, name, team, env),
        }
    )


MANAGED_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
)


def role_policy_attachment(rng: random.Random, name: str, team: str, env: str) -> dict:
    return {"policy_arn": rng.choice(MANAGED_POLICIES), "role": f"{team}-{env}-{name}"}


def _sg_rule(rng: random.Random, port: int, egress: bool) -> dict:
    return {
        "cidr_blocks": ["0.0.0.0/0"] if egress else [f"10.{rng.randint(0, 255)}.0.0/16"],
        "description": "all egress" if egress else f"service port {port}",
        "from_port": 0 if egress else port,
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "protocol": "-1" if egress else "tcp",
        "security_groups": [],
        "self": False,
        "to_port": 0 if egress else port,
    }


def security_group(rng: random.Random, name: str, team: str, env: str) -> dict:
    ingress = [_sg_rule(rng, rng.choice((80, 443, 8080, 8443)), False)]
    return _with_tags_all(
        {
            "description": f"{name} service traffic",
            "egress": [_sg_rule(rng, 0, True)],
            "ingress": ingress,
            "name": f"{team}-{env}-{name}",
            "name_prefix": None,
            "tags": _tags(rng, name, team, env),
            "vpc_id": f"vpc-{rng.getrandbits(64):017x}"[:21],
        }
    )


def ecs_service(rng: random.Random, name: str, team: str, env: str) -> dict:
    return _with_tags_all(
        {
            "cluster": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{team}-{env}",
            "deployment_circuit_breaker": [{"enable": True, "rollback": True}],
            "deployment_maximum_percent": 200,
            "deployment_minimum_healthy_percent": 100,
            "desired_count": rng.randint(1, 12),
            "enable_execute_command": rng.random() < 0.6,
            "launch_type": "FARGATE",
            "load_balancer": [],
            "name": name,
            "network_configuration": [
                {
                    "assign_public_ip": False,
                    "security_groups": [f"sg-{rng.getrandbits(64):017x}"[:20]],
                    "subnets": [f"subnet-{rng.getrandbits(64):017x}"[:24] for _ in range(2)],
                }
            ],
            "propagate_tags": "SERVICE",
            "tags": _tags(rng, name, team, env),
        }
    )


def task_definition(rng: random.Random, name: str, team: str, env: str) -> dict:
    containers = [
        {
            "name": name,
            "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{team}/{name}:{rng.randint(1, 400)}",
            "essential": True,
            "portMappings": [{"containerPort": 8080}],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": f"/ecs/{team}/{name}",
                    "awslogs-region": REGION,
                    "awslogs-stream-prefix": "app",
                },
            },
        }
    ]
    if rng.random() < 0.15:
        containers.append(
            {"name": "sidecar", "image": rng.choice(IMAGES), "essential": False, "cpu": 64, "memory": 128}
        )
    return _with_tags_all(
        {
            "container_definitions": json.dumps(containers, separators=(",", ":")),
            "cpu": "512",
            "execution_role_arn": f"arn:aws:iam::{ACCOUNT}:role/{team}-{env}-exec",
            "family": f"{team}-{env}-{name}",
            "memory": "1024",
            "network_mode": "awsvpc",
            "requires_compatibilities": ["FARGATE"],
            "tags": _tags(rng, name, team, env),
        }
    )


def log_group(rng: random.Random, name: str, team: str, env: str) -> dict:
    return _with_tags_all(
        {
            "kms_key_id": None,
            "name": f"/ecs/{team}/{name}",
            "name_prefix": None,
            "retention_in_days": rng.choice((7, 14, 30, 90, 365)),
            "tags": _tags(rng, name, team, env),
        }
    )


# A passing cluster logs to the task's awslogs driver, to its own log
# group / bucket, or has no configuration block at all.
PASSING_LOGGING = ("DEFAULT", "OVERRIDE", None)

SHORT = {
    "aws_ecs_cluster": "ecs",
    "aws_s3_bucket": "bkt",
    "aws_iam_role": "role",
    "aws_iam_role_policy_attachment": "attach",
    "aws_security_group": "sg",
    "aws_ecs_service": "svc",
    "aws_ecs_task_definition": "td",
    "aws_cloudwatch_log_group": "logs",
}

BUILDERS = {
    "aws_s3_bucket": s3_bucket,
    "aws_iam_role": iam_role,
    "aws_iam_role_policy_attachment": role_policy_attachment,
    "aws_security_group": security_group,
    "aws_ecs_service": ecs_service,
    "aws_ecs_task_definition": task_definition,
    "aws_cloudwatch_log_group": log_group,
}


def _sensitive(values: dict) -> dict:
    """Terraform's sensitive_values: the shape of nested blocks, no leaves."""
    out: dict = {}
    for k, v in values.items():
        if isinstance(v, list):
            out[k] = [_sensitive(x) if isinstance(x, dict) else False for x in v]
        elif isinstance(v, dict):
            out[k] = {}
    return out


def _module_paths(n_modules: int) -> list[str]:
    """'' (root), then module.svcX and module.svcX.module.inner for each X."""
    paths = [""]
    for i in range(n_modules):
        paths.append(f"module.svc{i}")
        paths.append(f"module.svc{i}.module.inner")
    return paths


def generate(resources: int, clusters: int, failing: int, seed: int = 1, modules: int | None = None) -> dict:
    if not 0 <= clusters <= resources:
        raise ValueError("--clusters must be between 0 and --resources")
    if not 0 <= failing <= clusters:
        raise ValueError("--failing must be between 0 and --clusters")
    rng = random.Random(seed)
    n_modules = modules if modules is not None else max(1, resources // 250)
    paths = _module_paths(n_modules)

    # Which resources are clusters, and which clusters fail: spread evenly
    # through the plan (and so over the modules), chosen by the seed.
    kinds = ["aws_ecs_cluster"] * clusters
    other_names = [t for t, _ in OTHER_TYPES]
    other_weights = [w for _, w in OTHER_TYPES]
    kinds += rng.choices(other_names, other_weights, k=resources - clusters)
    rng.shuffle(kinds)
    failing_ids = set(rng.sample(range(clusters), failing))

    by_module: dict[str, list[dict]] = {p: [] for p in paths}
    changes: list[dict] = []
    # Resources are declared once per module with `count`, as large estates
    # are: instance k of a declaration is `TYPE.NAME[k]`.
    declared: dict[str, dict[str, int]] = {p: {} for p in paths}
    cluster_no = 0
    for i, rtype in enumerate(kinds):
        # a third of the resources in the root module, the rest in modules
        module = "" if rng.random() < 1 / 3 else rng.choice(paths[1:])
        team = TEAMS[i % len(TEAMS)]
        env = ENVS[(i // len(TEAMS)) % len(ENVS)]
        name = f"{SHORT[rtype]}-{i}"
        if rtype == "aws_ecs_cluster":
            logging = "NONE" if cluster_no in failing_ids else rng.choices(PASSING_LOGGING, (0.45, 0.45, 0.1))[0]
            cluster_no += 1
            values = ecs_cluster(rng, f"{team}-{env}-{name}", team, env, logging)
        else:
            values = BUILDERS[rtype](rng, name, team, env)
        rname = "this" if module else "main"
        index = declared[module].get(rtype, 0)
        declared[module][rtype] = index + 1
        address = f"{module + '.' if module else ''}{rtype}.{rname}[{index}]"
        sensitive = _sensitive(values)
        by_module[module].append(
            {
                "address": address,
                "mode": "managed",
                "type": rtype,
                "name": rname,
                "index": index,
                "provider_name": PROVIDER,
                "schema_version": 0,
                "values": values,
                "sensitive_values": sensitive,
            }
        )
        change: dict = {"address": address}
        if module:
            change["module_address"] = module
        change.update(
            {
                "mode": "managed",
                "type": rtype,
                "name": rname,
                "index": index,
                "provider_name": PROVIDER,
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": values,
                    "after_unknown": {k: True for k in COMPUTED[rtype]},
                    "before_sensitive": False,
                    "after_sensitive": sensitive,
                },
            }
        )
        changes.append(change)

    def planned(path: str) -> dict:
        node: dict = {}
        if path:
            node["address"] = path
        if by_module[path]:
            node["resources"] = by_module[path]
        kids = (
            [f"module.svc{i}" for i in range(n_modules)]
            if not path
            else ([f"{path}.module.inner"] if path.count("module.") == 1 else [])
        )
        if kids:
            node["child_modules"] = [planned(k) for k in kids]
        return node

    def config(path: str) -> dict:
        rname = "this" if path else "main"
        node: dict = {}
        if declared[path]:
            node["resources"] = [
                {
                    "address": f"{rtype}.{rname}",
                    "mode": "managed",
                    "type": rtype,
                    "name": rname,
                    "provider_config_key": "aws",
                    "schema_version": 0,
                    "count_expression": {"constant_value": count},
                }
                for rtype, count in sorted(declared[path].items())
            ]
        calls: dict = {}
        if not path:
            for i in range(n_modules):
                calls[f"svc{i}"] = {
                    "source": f"./modules/service-{i % 12}",
                    "expressions": {"name": {"constant_value": f"svc{i}"}},
                    "module": config(f"module.svc{i}"),
                }
        elif path.count("module.") == 1:
            calls["inner"] = {"source": "./modules/inner", "module": config(f"{path}.module.inner")}
        if calls:
            node["module_calls"] = calls
        if not path:
            node["provider_config"] = {
                "aws": {"name": "aws", "full_name": PROVIDER, "expressions": {"region": {"constant_value": REGION}}}
            }
        return node

    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": planned("")},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {}}},
        "configuration": {"provider_config": config("")["provider_config"], "root_module": config("")},
        "timestamp": "2024-11-05T10:00:00Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def write_plan(path: str, resources: int, clusters: int, failing: int, seed: int = 1) -> int:
    """Write the plan as Terraform does (compact, one line); return its size in bytes."""
    plan = generate(resources, clusters, failing, seed)
    data = json.dumps(plan, separators=(",", ":"), ensure_ascii=False) + "\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(data)
    return len(data.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--resources", type=int, default=5000, help="resources in the plan (default: 5000)")
    p.add_argument("--clusters", type=int, help="aws_ecs_cluster resources (default: 20%% of --resources)")
    p.add_argument("--failing", type=int, help="clusters with logging = NONE (default: 1%% of --resources)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    p.add_argument("--out", required=True, help="output file ('-' for standard output)")
    args = p.parse_args(argv)
    clusters = args.clusters if args.clusters is not None else args.resources // 5
    failing = args.failing if args.failing is not None else min(clusters, args.resources // 100)
    if args.out == "-":
        plan = generate(args.resources, clusters, failing, args.seed)
        sys.stdout.write(json.dumps(plan, separators=(",", ":"), ensure_ascii=False) + "\n")
        return 0
    size = write_plan(args.out, args.resources, clusters, failing, args.seed)
    print(
        f"{args.out}: {args.resources} resources, {clusters} clusters, {failing} failing, "
        f"{size / 1e6:.1f} MB ({size / max(args.resources, 1):.0f} B/resource)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
