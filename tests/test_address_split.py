"""The one-pass split of plain Terraform addresses agrees with the step-by-step parser."""

from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_exec_guard.terraform.address import _split, _split_steps

ALPHABET = st.sampled_from(list('ab_-.[]0123456789"k '))


@settings(max_examples=2000, deadline=None)
@given(st.text(ALPHABET, min_size=1, max_size=16))
def test_fast_split_agrees(text):
    assert _split(text) == _split_steps(text)


def test_fast_split_examples():
    assert _split("module.a[3].module.b-c.aws_x.y[-1]") == [
        ("module", None), ("a", 3), ("module", None), ("b-c", None), ("aws_x", None), ("y", -1),
    ]
    assert _split('module.a["k"].aws_x.y') == [("module", None), ("a", "k"), ("aws_x", None), ("y", None)]
    assert _split("a..b") is None and _split("a[1") is None
