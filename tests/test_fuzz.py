"""Random and mutated policies, payloads and bindings never crash the scan.

Whatever the input, `scan` ends with exit 0, 1 or 2 and never shows a
traceback: load problems are one line on stderr, evaluation problems are
a rule's ERROR status.
"""

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_exec_guard.cli import main

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=20,
)

# keys in the policy language's syntax, valid or not
keys = st.one_of(
    st.sampled_from([
        "a", "b", "spec", "~.items", "~i.items", "items->x", "(a)", "(length(@))",
        "(a == `1`)", "($x)", "\\(a)\\", "(to_string(@))", "(foo[?)", "(nosuch(@))",
        "(a + b)", "(@.a.b)", "~k.(@)", "(keys(@))", "(cel; a)", "($payload.a)",
    ]),
    st.text(max_size=10),
)
trees = st.recursive(
    json_scalars | st.sampled_from(["(a)", "(@)", "(length(@))", "~.x", "x->y", "(bad[)"]),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(keys, inner, max_size=3),
    ),
    max_leaves=12,
)


def _policy(check, match, message):
    rule = {"name": "r", "assert": {"all": [{"check": check}]}}
    if message is not None:
        rule["assert"]["all"][0]["message"] = message
    if match is not None:
        rule["match"] = {"any": [match]}
    return {
        "apiVersion": "json.kyverno.io/v1alpha1",
        "kind": "ValidatingPolicy",
        "metadata": {"name": "fuzz"},
        "spec": {"rules": [rule]},
    }


def _run(tmp_path, policy_text, payload_bytes, payload_name, bindings_text=None, capsys=None):
    (tmp_path / "p.yaml").write_text(policy_text)
    (tmp_path / payload_name).write_bytes(payload_bytes)
    args = ["scan", "--policy", str(tmp_path / "p.yaml"), "--payload", str(tmp_path / payload_name)]
    if bindings_text is not None:
        (tmp_path / "b.yaml").write_text(bindings_text)
        args += ["--bindings", str(tmp_path / "b.yaml")]
    code = main(args)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2 and err:
        assert len(err.strip().splitlines()) == 1, err
    return code, out


SETTINGS = settings(
    max_examples=150, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(
    check=trees,
    match=st.none() | trees,
    message=st.none() | st.text(max_size=20) | st.sampled_from(["{{ a }}", "{{ bad[ }}", "{{ $x }}"]),
    payload=json_values,
)
def test_random_policies_and_payloads(tmp_path, capsys, check, match, message, payload):
    policy_text = yaml.safe_dump(_policy(check, match, message))
    _run(tmp_path, policy_text, json.dumps(payload).encode(), "payload.json", capsys=capsys)


@SETTINGS
@given(data=st.binary(max_size=200), ext=st.sampled_from(["payload.json", "payload.yaml"]))
def test_random_bytes_as_payload(tmp_path, capsys, data, ext):
    policy_text = yaml.safe_dump(_policy({"a": 1}, None, None))
    _run(tmp_path, policy_text, data, ext, capsys=capsys)


BASE_POLICY = yaml.safe_dump(_policy({"spec": {"~.items": {"(length(@))": 1}}}, {"kind": "x"}, "m {{ kind }}"))


@SETTINGS
@given(
    cut=st.integers(0, len(BASE_POLICY)),
    junk=st.text(max_size=6),
    bindings=st.none() | st.text(max_size=30),
)
def test_mutated_policy_text_and_bindings(tmp_path, capsys, cut, junk, bindings):
    mutated = BASE_POLICY[:cut] + junk + BASE_POLICY[cut:]
    payload = json.dumps({"kind": "x", "spec": {"items": ["a", ["b"]]}}).encode()
    _run(tmp_path, mutated, payload, "payload.json", bindings_text=bindings, capsys=capsys)
