"""`--output json`, `jp query`, `jp functions` and the console entry point."""

import json
import os
import subprocess
import sys

from conftest import REPO, policy

from ecs_exec_guard.cli import main


def test_json_report_has_kyverno_json_shape(scan):
    r = scan(policy("""
        - name: r1
          identifier: id
          assert:
            all:
            - message: "{{ id }} is wrong"
              check:
                spec:
                  size: 3
    """), [{"id": "a", "spec": {"size": 3}}, {"id": "b", "spec": {"size": 4}}], "--output", "json")
    assert r.code == 1
    report = json.loads(r.out)
    assert [x["resource"]["id"] for x in report] == ["a", "b"]
    pol = report[1]["results"][0]["policy"]
    assert list(pol) == ["kind", "apiVersion", "metadata", "spec"]
    assert pol["metadata"] == {"name": "test", "creationTimestamp": None}
    ok_rule = report[0]["results"][0]["rules"][0]
    assert ok_rule["identifier"] == "a" and "violations" not in ok_rule and "error" not in ok_rule
    bad_rule = report[1]["results"][0]["rules"][0]
    assert bad_rule["rule"]["name"] == "r1"
    assert bad_rule["violations"] == [{
        "message": "b is wrong (CHECK=spec.rules[0].assert.all[0])",
        "errors": [{
            "type": "FieldValueInvalid", "field": "spec.size", "value": 4, "detail": "Expected value: 3",
        }],
    }]


def test_json_report_escapes_like_go(scan):
    r = scan(policy("""
        - name: r1
          assert:
            all:
            - check:
                a: x
    """), {"a": "<b>&"}, "--output", "json")
    assert "\\u003cb\\u003e\\u0026" in r.out
    assert json.loads(r.out)[0]["results"][0]["rules"][0]["violations"][0]["errors"][0]["value"] == "<b>&"


def test_jp_query_prints_json(tmp_path, capsys):
    f = tmp_path / "in.json"
    f.write_text(json.dumps({"items": [{"n": 1}, {"n": 2}, {"n": 3}]}))
    assert main(["jp", "query", "-i", str(f), "items[?n > `1`].n"]) == 0
    assert json.loads(capsys.readouterr().out) == [2, 3]
    assert main(["jp", "query", "-i", str(f), "let $x = `2` in items[?n == $x] | [0].n"]) == 0
    assert json.loads(capsys.readouterr().out) == 2


def test_jp_query_syntax_error_is_one_line(tmp_path, capsys):
    f = tmp_path / "in.json"
    f.write_text("{}")
    assert main(["jp", "query", "-i", str(f), "items[?"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ecs-exec-guard: error: expression:")


def test_jp_functions_lists_the_dialect(capsys):
    assert main(["jp", "functions"]) == 0
    names = {line.split("(")[0] for line in capsys.readouterr().out.splitlines()}
    for fn in ("length", "wildcard", "at", "json_parse", "concat", "compare", "x509_decode", "items"):
        assert fn in names


def test_module_and_console_entry_points(tmp_path):
    plan = REPO / "tests" / "data" / "engine" / "plan-root-none.json"
    for argv in ([sys.executable, "-m", "ecs_exec_guard"],
                 [os.path.join(os.path.dirname(sys.executable), "ecs-exec-guard")]):
        p = subprocess.run(argv + ["scan", "--payload", str(plan)], capture_output=True, text=True, timeout=60)
        assert p.returncode == 1, p.stderr
        assert "- check-ecs-exec-logging / check-ecs-exec-logging / aws_ecs_cluster.payments FAILED" in p.stdout
