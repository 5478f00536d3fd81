"""kyverno-json's CEL bindings: ``bindings.resolve('name')`` is ``$name``."""

import textwrap


def kj_policy(spec: str, name: str = "test") -> str:
    body = textwrap.indent(textwrap.dedent(spec).strip("\n"), "  ")
    return f"apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: {name}\nspec:\n{body}\n"


def test_bindings_resolve_reads_context_across_compilers(scan):
    text = kj_policy("""
        compiler: cel
        rules:
        - name: r
          context:
          - name: limit
            variable: (object.max - 1)
          - name: viaJp
            compiler: jp
            variable: ($limit)
          - name: limit
            variable: (bindings.resolve('viaJp') * 2)
          assert:
            all:
            - check:
                (object.used <= bindings.resolve('limit')): true
    """)
    assert scan(text, "max: 5\nused: 8\n", payload_name="p.yaml").code == 0
    assert scan(text, "max: 5\nused: 9\n", payload_name="p.yaml").code == 1


def test_bindings_resolve_of_an_unknown_name_is_a_rule_error(scan):
    text = kj_policy("""
        rules:
        - name: r
          assert:
            all:
            - compiler: cel
              check:
                (bindings.resolve('nope')): 1
    """)
    r = scan(text, {"a": 1})
    assert r.code == 2
    assert "variable not defined: $nope" in r.rule_lines[0]


def test_bindings_resolve_sees_the_bindings_file(scan):
    text = kj_policy("""
        rules:
        - name: r
          assert:
            all:
            - check:
                (cel; bindings.resolve('env').name): prod
    """)
    assert scan(text, {"a": 1}, bindings="env: {name: prod}\n").code == 0
    assert scan(text, {"a": 1}, bindings="env: {name: dev}\n").code == 1

