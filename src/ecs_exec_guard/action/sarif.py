"""SARIF 2.1.0 for GitHub code scanning: one result per failing resource and rule.

A cluster whose ECS Exec logging the plan knows only after the apply is
neither passed nor failed: like its ``::warning`` annotation, it is a
``warning``-level result of its own rule, at the place where its logging
is set.
"""

from __future__ import annotations

import hashlib
import os
from urllib.parse import quote

from .. import __version__
from ..safetext import clip

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
# GitHub code scanning reads `security-severity` (a number as a string) to rank alerts.
SECURITY_SEVERITY = {"low": "3.0", "medium": "5.5", "high": "8.0", "critical": "9.5"}
DEFAULT_INFORMATION_URI = "https://pypi.org/project/ecs-exec-guard/"
UNKNOWN_RULE = "ecs-exec-guard/logging-known-after-apply"
# GitHub code scanning refuses a whole upload with more results in a run
# (and stores only the first 5,000 by severity); errors come first.
MAX_RESULTS = 25_000
# Texts that come from the plan or the policy (messages, addresses, rule
# errors) are cut to this many characters: code scanning refuses a file
# over 10 MB compressed, and a message is read by a person.
MAX_TEXT = 10_000


def information_uri() -> str:
    repo = os.environ.get("GITHUB_ACTION_REPOSITORY", "")
    server = os.environ.get("GITHUB_SERVER_URL") or "https://github.com"
    if repo and "/" in repo and not any(c.isspace() for c in repo):
        return f"{server.rstrip('/')}/{repo}"
    return DEFAULT_INFORMATION_URI


def _text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _rule_descriptor(policy, rule_name: str) -> dict:
    a = policy.annotations
    title = _text(a.get("policies.kyverno.io/title")) or policy.name
    description = _text(a.get("policies.kyverno.io/description")) or title
    remediation = _text(a.get("ecs-exec-guard.io/remediation"))
    severity = _text(a.get("policies.kyverno.io/severity")).lower()
    category = _text(a.get("policies.kyverno.io/category"))
    properties: dict = {"tags": ["security", "terraform"] + ([category] if category else [])}
    if severity:
        properties["severity"] = severity
    if severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[severity]
    if category:
        properties["category"] = category
    descriptor: dict = {
        "id": f"{policy.name}/{rule_name}",
        "name": rule_name,
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "defaultConfiguration": {"level": "error"},
        "properties": properties,
    }
    if remediation:
        descriptor["help"] = {"text": remediation}
    return descriptor


def _uri(path: str) -> str:
    return quote(path.replace(os.sep, "/"), safe="/-._~")


def _unknown_descriptor() -> dict:
    return {
        "id": UNKNOWN_RULE,
        "name": "logging-known-after-apply",
        "shortDescription": {"text": "ECS Exec logging known only after apply"},
        "fullDescription": {"text": (
            "The plan computes the cluster's ECS Exec logging (or the block that holds it) from values "
            "known only after the apply: the cluster is neither passed nor failed."
        )},
        "defaultConfiguration": {"level": "warning"},
        "help": {"text": "Set logging from a value known at plan time, or check the cluster after the apply."},
        "properties": {"tags": ["security", "terraform"]},
    }


def _location(file: str, line: int | None, address: str | None) -> dict:
    physical: dict = {"artifactLocation": {"uri": _uri(file), "uriBaseId": SRCROOT}}
    if line:
        physical["region"] = {"startLine": line}
    location: dict = {"physicalLocation": physical}
    if address:
        location["logicalLocations"] = [{"fullyQualifiedName": clip(address, MAX_TEXT), "kind": "resource"}]
    return location


def _fingerprint(key: str) -> dict:
    return {"ecsExecGuard/v1": hashlib.sha256(key.encode()).hexdigest()}


def build_sarif(payloads, policies, findings, failures, unknown=()) -> dict:
    """The SARIF log of a run; ``findings``/``failures`` in report order.

    ``unknown``: the cluster rows whose logging is known only after the apply (warnings)."""
    rules: list[dict] = []
    rule_index: dict[str, int] = {}

    def index_of(policy, rule_name: str) -> int:
        rid = f"{policy.name}/{rule_name}"
        if rid not in rule_index:
            rule_index[rid] = len(rules)
            rules.append(_rule_descriptor(policy, rule_name))
        return rule_index[rid]

    for policy in policies:
        for rule in policy.rules:
            index_of(policy, rule.name)

    results = []
    for f in findings:
        by_rule: dict[tuple[int, str], list] = {}
        for issue in f.issues:
            by_rule.setdefault((id(issue.policy), issue.rule), []).append(issue)
        for issues in by_rule.values():
            policy, rule_name = issues[0].policy, issues[0].rule
            idx = index_of(policy, rule_name)
            messages = []
            for i in issues:
                m = i.message or f"{policy.name} / {rule_name} failed"
                if m not in messages:
                    messages.append(m)
            text = f.headline(messages)
            key = f"{rules[idx]['id']}|{f.payload}|{f.address or f.resource_index}"
            results.append(
                {
                    "ruleId": rules[idx]["id"],
                    "ruleIndex": idx,
                    "level": "error",
                    "message": {"text": clip(text, MAX_TEXT)},
                    "locations": [_location(f.file, f.line, f.address)],
                    "partialFingerprints": _fingerprint(key),
                    "properties": {"field": issues[0].field, "plan": f.payload},
                }
            )

    if unknown:
        from .findings import unknown_text

        idx = len(rules)
        rules.append(_unknown_descriptor())
        for row in unknown:
            loc = row.location
            address = row.cluster.address
            results.append(
                {
                    "ruleId": UNKNOWN_RULE,
                    "ruleIndex": idx,
                    "level": "warning",
                    "message": {"text": clip(unknown_text(row), MAX_TEXT)},
                    "locations": [_location(loc.file if loc else row.payload, loc.line if loc else None, address)],
                    "partialFingerprints": _fingerprint(f"{UNKNOWN_RULE}|{row.payload}|{address}"),
                    "properties": {"plan": row.payload},
                }
            )

    notifications = [
        {
            "level": "error",
            "message": {"text": clip(f"{e.policy.name} / {e.rule} on {e.payload}: {e.error}", MAX_TEXT)},
            "descriptor": {"id": f"{e.policy.name}/{e.rule}"},
        }
        for e in failures
    ]
    if len(results) > MAX_RESULTS:
        left_out = len(results) - MAX_RESULTS
        results = results[:MAX_RESULTS]
        notifications.append({
            "level": "warning",
            "message": {"text": (
                f"{left_out} more {'result' if left_out == 1 else 'results'} left out: GitHub code scanning "
                f"accepts at most {MAX_RESULTS} in a run; the log lists every one"
            )},
            "descriptor": {"id": "ecs-exec-guard/results-left-out"},
        })
    invocation: dict = {"executionSuccessful": not failures}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ecs-exec-guard",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": information_uri(),
                        "rules": rules,
                    }
                },
                "invocations": [invocation],
                "artifacts": [{"location": {"uri": _uri(p.rel), "uriBaseId": SRCROOT}} for p in payloads],
                "results": results,
            }
        ],
    }
