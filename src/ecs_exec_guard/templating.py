"""The Jinja environment for every human-facing text the tool writes."""

from __future__ import annotations

import functools


@functools.cache
def environment(autoescape: bool = False):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ecs_exec_guard", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    return env
