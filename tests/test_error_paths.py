"""Where a rule ERROR points, in the text log and in the JSON report.

The log follows the reference's older build: an assertion's error path
starts at the assertion's place (``all[0].check``, ``match.any[1]``,
``exclude.all[0]``) and a context entry is ``context[J]``. The JSON
report follows its current build: paths start at the assertion tree, and
a context entry is ``spec.rules[R].context[J]``.
"""

import json

from test_engine_semantics import policy

LENGTH_ERROR = (
    "invalid type for: 4, expected: []functions.JpType{\"string\", \"array\", \"object\"}"
)


def _report_rules(out: str) -> list:
    return json.loads(out)[0]["results"][0].get("rules", [])


def test_assert_error_path(scan):
    p = policy("""
        - name: r
          assert:
            all:
            - check:
                count: 4
            - check:
                inner:
                  (length(count)): 1
    """)
    r = scan(p, {"count": 4, "inner": {"count": 4}})
    assert r.rule_lines == [f"- test / r /  ERROR: all[1].check.inner.(length(count)): Internal error: {LENGTH_ERROR}"]
    r = scan(p, {"count": 4, "inner": {"count": 4}}, "--output", "json")
    assert _report_rules(r.out)[0]["error"] == f"inner.(length(count)): Internal error: {LENGTH_ERROR}"


def test_match_and_exclude_errors_carry_their_block_in_the_log(scan):
    p = policy("""
        - name: r
          match:
            any:
            - kind: x
            - (length(count)): 1
          assert:
            all:
            - check:
                count: 4
    """)
    r = scan(p, {"count": 4})
    assert r.rule_lines == [f"- test / r /  ERROR: match.any[1].(length(count)): Internal error: {LENGTH_ERROR}"]
    r = scan(p, {"count": 4}, "--output", "json")
    assert _report_rules(r.out)[0]["error"] == f"(length(count)): Internal error: {LENGTH_ERROR}"
    p = policy("""
        - name: r
          exclude:
            all:
            - count: 5
            - (length(count)): 1
          assert:
            all:
            - check:
                count: 4
    """)
    r = scan(p, {"count": 4})
    assert r.rule_lines == [f"- test / r /  ERROR: exclude.all[1].(length(count)): Internal error: {LENGTH_ERROR}"]
    r = scan(p, {"count": 4}, "--output", "json")
    assert _report_rules(r.out)[0]["error"] == f"(length(count)): Internal error: {LENGTH_ERROR}"


def test_context_error_paths(scan):
    p = policy("""
        - name: r
          context:
          - name: ok
            variable: 1
          - name: bad
            variable: (length(count))
          assert:
            all:
            - check:
                ($bad): 1
    """)
    r = scan(p, {"count": 4})
    assert r.rule_lines == [
        "- test / r /  ERROR: all[0].check.($bad): Internal error: "
        f"context[1].variable: Internal error: {LENGTH_ERROR}"
    ]
    r = scan(p, {"count": 4}, "--output", "json")
    assert _report_rules(r.out)[0]["error"] == (
        f"($bad): Internal error: spec.rules[0].context[1].variable: Internal error: {LENGTH_ERROR}"
    )


def test_context_entry_with_foreach_or_binding_is_the_rules_error_even_unused(scan):
    for variable, reason in (("~.items", "foreach"), ("items->x", "binding")):
        p = policy(f"""
            - name: first
              assert:
                all:
                - check:
                    count: 4
            - name: r
              context:
              - name: unused
                variable: {variable}
              match:
                all:
                - count: 5
              assert:
                all:
                - check:
                    count: 4
        """)
        r = scan(p, {"count": 4})
        assert r.code == 2
        assert r.rule_lines == [
            "- test / first /  PASSED",
            f"- test / r /  ERROR: context[0].variable: Internal error: {reason} is not supported in scalar projections",
        ]
        r = scan(p, {"count": 4}, "--output", "json")
        assert _report_rules(r.out)[1]["error"] == (
            f'spec.rules[1].context[0].variable: Invalid value: "{variable}": '
            f"{reason} is not supported in scalar projections"
        )


def test_undefined_variable_names_it_with_its_dollar(scan):
    p = policy("""
        - name: r
          assert:
            all:
            - check:
                ($nope): 1
    """)
    r = scan(p, {"count": 4})
    assert r.rule_lines == ["- test / r /  ERROR: all[0].check.($nope): Internal error: variable not defined: $nope"]


def test_present_but_empty_message_keeps_its_space_in_the_report(scan):
    p = policy("""
        - name: r
          assert:
            all:
            - message: ""
              check:
                count: 5
            - check:
                count: 6
    """)
    r = scan(p, {"count": 4}, "--output", "json")
    violations = _report_rules(r.out)[0]["violations"]
    assert [v["message"] for v in violations] == [
        " (CHECK=spec.rules[0].assert.all[0])",
        "(CHECK=spec.rules[0].assert.all[1])",
    ]


def test_match_with_any_and_all_accepts_on_the_first_passing_any(scan):
    # an `any` tree passes: the rule applies and `all` is never evaluated
    p = policy("""
        - name: r
          match:
            any:
            - count: 4
            all:
            - (length(count)): 1
          assert:
            all:
            - check:
                count: 4
    """)
    r = scan(p, {"count": 4})
    assert r.rule_lines == ["- test / r /  PASSED"]
    # no `any` tree passes: `all` is evaluated (its error is the rule's) ...
    r = scan(p.replace("- count: 4\n", "- count: 5\n", 1), {"count": 4})
    assert r.rule_lines == [f"- test / r /  ERROR: match.all[0].(length(count)): Internal error: {LENGTH_ERROR}"]
    # ... and the block does not match even when every `all` tree passes
    p = policy("""
        - name: r
          match:
            any:
            - count: 5
            all:
            - count: 4
          assert:
            all:
            - check:
                count: 4
    """)
    r = scan(p, {"count": 4})
    assert r.rule_lines == []
    # exclude: one passing `any` tree excludes the resource
    p = policy("""
        - name: r
          exclude:
            any:
            - count: 4
            all:
            - count: 5
          assert:
            all:
            - check:
                count: 4
    """)
    r = scan(p, {"count": 4})
    assert r.rule_lines == []
