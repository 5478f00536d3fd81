"""The job summary: Markdown rendered from ``summary.md.j2``, kept under GitHub's size cap.

Every untrusted string (addresses, names, messages, values, paths, policy
annotations) goes through :func:`md`, which makes it plain text in both
HTML and GitHub Markdown: HTML special characters become entities,
Markdown punctuation is backslash-escaped, braces become entities (so no
``{{`` survives), control characters are dropped, line breaks are
collapsed and long texts shortened. Nothing in it becomes live: URLs,
``www.`` hosts, e-mail addresses, @mentions and #references are broken
by an invisible WORD JOINER (checked with cmark-gfm in the tests).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# GitHub refuses a step summary over 1 MiB; keep a margin for what others append.
SUMMARY_CAP = 1024 * 1024
SUMMARY_BUDGET = 1000 * 1024
MAX_TEXT = 600  # characters kept of one untrusted text

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
# C0 and C1 controls (but the line breaks above) and Unicode's bidirectional controls
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What GitHub would turn into a link, a mention or a reference: a URL scheme
# or `www.` (cmark-gfm's autolinks), `@name` (a mention, or an e-mail
# address once autolinked), `#123` and `GH-123` (references). A WORD JOINER
# (U+2060, invisible) inside each breaks the pattern; HTML entities or
# backslashes would not, since GitHub matches the decoded text.
_LIVE = re.compile(r"(?i)(?<=[a-z]:)(?=//)|(?<=mailto:)|(?<=xmpp:)|(?<=www)(?=\.)|(?<=@)|(?<=#)(?=\d)|(?<=gh)(?=-\d)")
_WORD_JOINER = "\u2060"
# Markdown punctuation that can start or end syntax (emphasis, code, links, tables,
# headings, strikethrough, math); `_` only where it can delimit emphasis.
_MD_PUNCT = re.compile(r"[\\`*\[\]|#~$!]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_BRACES = {"{": "&#123;", "}": "&#125;"}


def md(value, newline: str = " ", limit: int = MAX_TEXT) -> Markup:
    """Untrusted text as inert Markdown/HTML (``newline`` replaces line breaks)."""
    text = "" if value is None else str(value)
    if limit and len(text) > limit:
        text = text[:limit] + "…"
    text = _CONTROL.sub("", text)
    lines = _LINE_BREAKS.split(text)
    out = []
    for line in lines:
        line = _LIVE.sub(_WORD_JOINER, line)
        line = _MD_PUNCT.sub(lambda m: "\\" + m.group(0), line)
        line = str(escape(line))
        line = line.replace("{", _BRACES["{"]).replace("}", _BRACES["}"])
        out.append(line)
    return Markup(newline.join(out))


def md_block(value, limit: int = MAX_TEXT) -> Markup:
    """Like :func:`md`, keeping line breaks as ``<br>``."""
    return md(value, "<br>", limit)


@functools.cache
def _template():
    from ..templating import environment

    env = environment(autoescape=True).overlay()
    env.filters["md"] = md
    env.filters["md_block"] = md_block
    return env.get_template("summary.md.j2")


@dataclass
class Limits:
    clusters: int = 1000  # rows of the cluster table
    violations: int = 200  # failing resources shown in detail
    errors: int = 100  # rule errors listed
    policies: int = 20  # policies described

    def halved(self) -> Limits:
        return Limits(self.clusters // 2, self.violations // 2, self.errors // 2, self.policies // 2)

    @property
    def exhausted(self) -> bool:
        return not (self.clusters or self.violations or self.errors or self.policies)


@dataclass
class SummaryData:
    result: str  # pass / fail / error / cancelled
    payloads: list = field(default_factory=list)  # PayloadResult
    policies: list = field(default_factory=list)  # Policy
    findings: list = field(default_factory=list)  # Finding, in report order
    failures: list = field(default_factory=list)  # RuleFailure
    input_error: str | None = None
    cancelled: str | None = None  # why the run stopped before it finished
    fail_on: str = "violations"
    report: str | None = None
    sarif: str | None = None


def _policy_view(p) -> dict:
    a = p.annotations
    return {
        "name": p.name,
        "title": p.title,
        "severity": a.get("policies.kyverno.io/severity"),
        "category": a.get("policies.kyverno.io/category"),
        "description": a.get("policies.kyverno.io/description"),
        "remediation": a.get("ecs-exec-guard.io/remediation"),
        "source": p.source,
    }


def render(data: SummaryData, budget: int = SUMMARY_BUDGET, limits: Limits | None = None) -> str:
    """The summary, shortened (with counts of what was left out) until it fits ``budget`` bytes."""
    limits = limits or Limits()
    clusters = [row for pr in data.payloads for row in pr.clusters]
    while True:
        text = _template().render(
            data=data,
            clusters=clusters[: limits.clusters],
            clusters_left=max(len(clusters) - limits.clusters, 0),
            cluster_count=len(clusters),
            failing_clusters=sum(1 for row in clusters if row.failed),
            # failing findings about a whole payload document, not one resource
            whole_failed=sum(1 for f in data.findings if not f.address),
            judged_count=sum(1 for row in clusters if row.status in ("fail", "pass", "error")),
            unknown_count=sum(1 for row in clusters if row.status == "unknown"),
            ignored_count=sum(1 for row in clusters if row.ignored),
            state_payloads=[p.rel for p in data.payloads if "state" in getattr(p, "kinds", ())],
            findings=data.findings[: limits.violations],
            findings_left=max(len(data.findings) - limits.violations, 0),
            failures=data.failures[: limits.errors],
            failures_left=max(len(data.failures) - limits.errors, 0),
            policies=[_policy_view(p) for p in data.policies[: limits.policies]],
            policies_left=max(len(data.policies) - limits.policies, 0),
            many_payloads=len(data.payloads) > 1,
        )
        text = text.strip("\n") + "\n"
        if len(text.encode("utf-8")) <= budget or limits.exhausted:
            return text
        limits = limits.halved()
