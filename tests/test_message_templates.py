"""Message templates: one pass, no re-substitution, a size cap."""

from __future__ import annotations

import json

from conftest import policy

from ecs_exec_guard.engine.message import MAX_MESSAGE_CHARS, Message, placeholders


def _rule(message: str) -> str:
    return policy(f"""
        - name: r1
          assert:
            all:
            - message: {json.dumps(message)}
              check:
                ok: true
    """)


def test_substituted_text_is_not_searched_again(scan):
    # the first value holds the second placeholder's text: it stays as it is
    r = scan(_rule("{{ a }} / {{ b }}"), {"a": "{{ b }}", "b": "B", "ok": False})
    assert r.rule_lines[1] == "-> {{ b }} / B"


def test_a_repeated_placeholder_is_replaced_everywhere(scan):
    r = scan(_rule("{{ a }}-{{a}}-{{ a }}"), {"a": "x", "ok": False})
    assert r.rule_lines[1] == "-> x-x-x"


def test_placeholders_do_not_span_lines(scan):
    r = scan(_rule("{{ a\n}} {{ a }}"), {"a": "x", "ok": False})
    assert r.rule_lines[1:3] == ["-> {{ a", "}} x"]


def test_a_huge_expansion_is_capped(scan):
    big = "{{ a }}" * 5000
    r = scan(_rule(big), {"a": "y" * 100_000, "ok": False})
    line = r.rule_lines[1]
    assert line.endswith("… (message truncated)")
    assert len(line) < MAX_MESSAGE_CHARS + 100


def test_placeholder_scan_is_the_lazy_pattern():
    text = "a {{ x }} {{ y\n}} {{{z}}} {{ }} {{"
    assert [inner for _, _, inner in placeholders(text)] == [" x ", "{z", " "]


def test_message_with_many_openings_and_no_close():
    assert list(placeholders("{{" * 200_000)) == []
    assert Message("{{" * 200_000).original.startswith("{{")
