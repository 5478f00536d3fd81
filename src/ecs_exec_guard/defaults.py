"""Where the bundled policy and binding live (installed or in a checkout)."""

from __future__ import annotations

import os

POLICY_FILE = "check-ecs-exec-logging.yaml"
BINDINGS_FILE = "terraform-plan.bindings.json"


def bundled_dir() -> str:
    try:
        import ecs_exec_guard.bundled as bundled  # installed: policies/ is packaged

        path = os.path.dirname(bundled.__file__) if bundled.__file__ else list(bundled.__path__)[0]
        if os.path.isfile(os.path.join(path, POLICY_FILE)):
            return path
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "policies"))


def default_policy() -> str:
    return os.path.join(bundled_dir(), POLICY_FILE)


def default_bindings() -> str:
    return os.path.join(bundled_dir(), BINDINGS_FILE)
