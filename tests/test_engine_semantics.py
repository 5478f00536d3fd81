"""Assertion-tree and rule semantics, observed through `scan`'s output."""

from conftest import policy


def test_passing_rule_prints_passed_and_exits_0(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                spec:
                  replicas: 3
    """), {"spec": {"replicas": 3}})
    assert r.code == 0
    assert r.rule_lines == ["- test / r1 /  PASSED"]


def test_leaf_mismatch_is_field_value_invalid_with_go_values(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - message: wrong replicas
              check:
                spec:
                  replicas: 3
                  name: web
    """), {"spec": {"replicas": 2.5, "name": "db"}})
    assert r.code == 1
    assert r.rule_lines == [
        "- test / r1 /  FAILED",
        "-> wrong replicas",
        " -> all[0].check.spec.replicas: Invalid value: 2.5: Expected value: 3",
        ' -> all[0].check.spec.name: Invalid value: "db": Expected value: "web"',
    ]


def test_numbers_compare_by_value_across_int_and_float(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                a: 1
                b: 2.0
    """), b'{"a": 1.0, "b": 2}')
    assert r.rule_lines == ["- test / r1 /  PASSED"]


def test_missing_key_is_required(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                spec:
                  missing: 1
    """), {"spec": {}})
    assert r.rule_lines[1:] == [
        " -> all[0].check.spec.missing: Required value: field not found in the input object"
    ]


def test_map_leaf_matches_as_subset_and_prints_go_sharp_v(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                tags:
                  (@): {Team: core}
    """), {"tags": {"Team": "core", "Env": "dev"}})
    assert r.rule_lines == ["- test / r1 /  PASSED"]
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                tags: {Team: core}
    """), {"tags": {"Team": "edge", "Env": "dev"}})
    assert r.rule_lines[1] == (
        ' -> all[0].check.tags.Team: Invalid value: "edge": Expected value: "core"'
    )
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                (tags): ($want)
          context:
          - name: want
            variable: {Team: core}
    """), {"tags": {"Team": "edge", "Env": "dev"}})
    assert r.rule_lines[1] == (
        ' -> all[0].check.(tags): Invalid value: map[string]interface {}{"Env":"dev", "Team":"edge"}: '
        'Expected value: map[string]interface {}{"Team":"core"}'
    )


def test_list_node_lengths_and_null(scan):
    pol = policy("""
        - name: r1
          assert:
            all:
            - check:
                items:
                - 1
                - 2
    """)
    assert scan(pol, {"items": [1, 2]}).code == 0
    r = scan(pol, {"items": [1, 2, 3]})
    assert r.rule_lines[1] == (
        " -> all[0].check.items: Invalid value: []interface {}{1, 2, 3}: lengths of slices don't match"
    )
    r = scan(pol, {"items": None})
    assert r.rule_lines[1] == ' -> all[0].check.items: Invalid value: "null": value is null'
    r = scan(pol, {"items": [1, 5]})
    assert r.rule_lines[1] == " -> all[0].check.items[1]: Invalid value: 5: Expected value: 2"


def test_empty_map_asserts_not_null(scan):
    pol = policy("""
        - name: r1
          assert:
            all:
            - check:
                (spec.template): {}
    """)
    assert scan(pol, {"spec": {"template": {"a": 1}}}).code == 0
    r = scan(pol, {"spec": {}})
    assert r.rule_lines[1] == (
        ' -> all[0].check.(spec.template): Invalid value: "null": invalid value, must not be null'
    )


def test_foreach_over_list_binds_index_and_over_map_binds_key(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                ~i.items:
                  ($i < `1`): true
            - check:
                ~k.(labels):
                  (starts_with($k, 'ok')): true
    """), {"items": ["a", "b"], "labels": {"ok-1": "x", "bad": "y"}})
    assert r.rule_lines[1:] == [
        " -> all[0].check.~i.items[1].($i < `1`): Invalid value: false: Expected value: true",
        " -> all[1].check.~k.(labels)[bad].(starts_with($k, 'ok')): Invalid value: false: Expected value: true",
    ]


def test_foreach_over_scalar_is_a_rule_error(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                ~.name:
                  x: 1
    """), {"name": "web"})
    assert r.code == 2
    assert r.rule_lines == [
        '- test / r1 /  ERROR: all[0].check.~.name: Invalid value: "web": expected a slice or a map'
    ]


def test_arrow_binding_and_escaped_keys(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                spec->s:
                  (size): ($s.limit)
            - check:
                \\(literal)\\: fine
    """), {"spec": {"size": 4, "limit": 4}, "(literal)": "fine"})
    assert r.rule_lines == ["- test / r1 /  PASSED"]


def test_match_and_exclude_skip_rules_without_result(scan):
    pol = policy("""
        - name: only-buckets
          match:
            any:
            - type: bucket
          exclude:
            all:
            - (starts_with(name, 'skip-')): true
          assert:
            all:
            - check:
                public: false
    """)
    r = scan(pol, [
        {"type": "bucket", "name": "a", "public": True},
        {"type": "queue", "name": "b", "public": True},
        {"type": "bucket", "name": "skip-c", "public": True},
    ])
    assert "evaluating 3 resources against 1 policy" in r.out
    assert r.rule_lines == [
        "- test / only-buckets /  FAILED",
        " -> all[0].check.public: Invalid value: true: Expected value: false",
    ]


def test_assert_any_passes_when_one_check_passes(scan):
    pol = policy("""
        - name: r1
          assert:
            any:
            - message: first
              check: {a: 1}
            - message: second
              check: {b: 1}
    """)
    assert scan(pol, {"a": 0, "b": 1}).code == 0
    r = scan(pol, {"a": 0, "b": 0})
    assert r.rule_lines == [
        "- test / r1 /  FAILED",
        "-> first",
        " -> any[0].check.a: Invalid value: 0: Expected value: 1",
        "-> second",
        " -> any[1].check.b: Invalid value: 0: Expected value: 1",
    ]


def test_identifier_and_message_templates(scan):
    r = scan(policy("""
        - name: r1
          identifier: metadata.name
          assert:
            all:
            - message: "{{ metadata.name }} in {{ metadata.namespace }} has {{ count }} ({{ missing }})"
              check:
                ok: true
    """), {"metadata": {"name": "web", "namespace": "prod"}, "count": 3, "ok": False})
    assert r.rule_lines[:2] == [
        "- test / r1 / web FAILED",
        "-> web in prod has ERR (count not a string) (ERR (missing not found))",
    ]


def test_bindings_payload_policy_and_rule_variables(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                ($env): prod
                ($payload.x): 1
                ($policy.metadata.name): test
                ($rule.name): r1
    """), {"x": 1}, bindings="env: prod\n")
    assert r.out.splitlines()[1:3] == ["Loading bindings ...", "- env -> prod"]
    assert r.rule_lines == ["- test / r1 /  PASSED"]


def test_context_entries_are_lazy(scan):
    # the failing entry is never used, so the rule still passes
    r = scan(policy("""
        - name: r1
          context:
          - name: broken
            variable: (to_number(name) + `1`)
          - name: double
            variable: (n * `2`)
          assert:
            all:
            - check:
                ($double): 8
    """), {"n": 4, "name": "x"})
    assert r.rule_lines == ["- test / r1 /  PASSED"]


def test_runtime_type_error_is_rule_error_and_other_rules_still_run(scan):
    r = scan(policy("""
        - name: bad
          assert:
            all:
            - check:
                (length(count)): 1
        - name: good
          assert:
            all:
            - check:
                count: 4
    """), {"count": 4})
    assert r.code == 2
    assert r.rule_lines[0].startswith("- test / bad /  ERROR: all[0].check.(length(count)): Internal error: ")
    assert r.rule_lines[1] == "- test / good /  PASSED"


def test_incomparable_types_are_a_rule_error(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                a: text
    """), {"a": {"nested": 1}})
    assert r.code == 2
    assert r.rule_lines == [
        "- test / r1 /  ERROR: all[0].check.a: Internal error: types are not comparable, string - map"
    ]


def test_pre_process_splits_payload_into_resources(scan):
    r = scan(policy("""
        - name: r1
          identifier: id
          assert:
            all:
            - check:
                ok: true
    """), {"items": [{"id": "a", "ok": True}, {"id": "b", "ok": False}]}, "--pre-process", "items")
    assert "evaluating 2 resources" in r.out
    assert r.rule_lines[0] == "- test / r1 / a PASSED"
    assert r.rule_lines[1] == "- test / r1 / b FAILED"


def test_exit_zero_keeps_kyverno_json_behaviour(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check: {a: 1}
    """), {"a": 2}, "--exit-zero")
    assert r.code == 0
    assert "FAILED" in r.out


def test_multi_document_yaml_payload_is_several_resources(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check: {a: 1}
    """), "a: 1\n---\na: 2\n", payload_name="p.yaml")
    assert "evaluating 2 resources" in r.out
    assert r.rule_lines == [
        "- test / r1 /  PASSED",
        "- test / r1 /  FAILED",
        " -> all[0].check.a: Invalid value: 2: Expected value: 1",
    ]


def test_label_selectors_filter_policies(scan, tmp_path):
    pol = (
        "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\n"
        "metadata:\n  name: labelled\n  labels: {team: ecs, tier: gold}\n"
        "spec:\n  rules:\n  - name: r\n    assert:\n      all:\n      - check: {a: 1}\n"
    )
    for selector, expected in [
        ("team=ecs", 1), ("team!=ecs", 0), ("team in (ecs,eks)", 1),
        ("team notin (ecs)", 0), ("tier", 1), ("!tier", 0), ("team=ecs,tier=silver", 0),
    ]:
        r = scan(pol, {"a": 1}, "--labels", selector)
        if expected:
            assert f"against {expected} {'policy' if expected == 1 else 'policies'}" in r.out, selector
        else:  # nothing would be checked: a warning and exit 2, not a silent pass
            assert r.code == 2 and "Running" not in r.out, selector
            assert r.err.startswith("ecs-exec-guard: warning: --labels: ") and "selects none of the 1 loaded policy" in r.err


def test_yaml_payloads_use_yaml_1_2_scalars_and_policies_yaml_1_1(scan):
    # payload: `on`/`yes` stay strings, 0o17 is octal (kyverno-json reads
    # payloads with a YAML 1.2 library and policies with a YAML 1.1 one)
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                (x): "yes"
                (o): 15
                (t): "1:00"
                \\on\\: push
    """), "x: yes\no: 0o17\nt: 1:00\n'on': push\n", payload_name="p.yaml")
    assert r.rule_lines == ["- test / r1 /  PASSED"]


def test_policy_with_no_rules_loads_and_yields_nothing(scan):
    r = scan(
        "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: empty}\nspec:\n  rules: []\n",
        {"a": 1},
    )
    assert r.code == 0
    assert "evaluating 1 resource against 1 policy" in r.out
    assert r.rule_lines == []
