#!/usr/bin/env python3
"""Regenerate the Terraform plan and state JSON fixtures of this folder.

Needs terraform (1.11 was used) and the hashicorp/aws provider, from the
registry or from a local filesystem mirror:

    python tests/data/tfplans/generate.py [--mirror /opt/tf-plugins]

Every configuration is planned offline: dummy credentials, no API call
(``-refresh=false``), states are hand-built (``lifecycle/terraform.tfstate.json``).
The "registry" modules of ``registry/stacks/prod`` are this project's own
small module (``registry/vendor-src/ecs``), installed under
``.terraform/modules`` with a ``modules.json`` that records registry and
git sources, as ``terraform init`` would after a download.

The tests read only the JSON written here; they never run terraform.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

CLI_CONFIG = """\
provider_installation {
  filesystem_mirror {
    path    = "%s"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
"""

REGISTRY_MODULES = {
    # module key -> (source as written in the call, version)
    "ecs": ("registry.terraform.io/example-org/ecs/aws", "1.2.0"),
    "ecs_ok": ("registry.terraform.io/example-org/ecs/aws", "1.2.0"),
    "ecs_git": ("git::https://git.example.com/platform/ecs.git?ref=v1.2.0", None),
}


def tf(workdir: str, env: dict, *args: str, capture: bool = False) -> str:
    proc = subprocess.run(
        ["terraform", *args], cwd=workdir, env=env, check=True, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return proc.stdout if capture else ""


def write_json(path: str, text: str) -> None:
    json.loads(text)  # refuse to commit anything that is not JSON
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text if text.endswith("\n") else text + "\n")
    print(f"wrote {os.path.relpath(path, HERE)} ({len(text)} bytes)")


def plan(case: str, env: dict, *, out: str = "plan.json", state: str | None = None,
         extra: tuple[str, ...] = (), init_args: tuple[str, ...] = (), prepare=None) -> str:
    """Copy a case to a scratch folder, plan it, write its JSON next to the sources."""
    src = os.path.join(HERE, case)
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "work")
        shutil.copytree(src, work, ignore=shutil.ignore_patterns("*.json", ".terraform*"))
        if prepare is not None:
            prepare(work)
        tf(work, env, "init", "-backend=false", "-input=false", *init_args)
        args = ["plan", "-refresh=false", "-input=false", "-lock=false", "-out=tfplan", *extra]
        if state:
            shutil.copy(os.path.join(src, state), os.path.join(work, "terraform.tfstate"))
            args.append("-state=terraform.tfstate")
        tf(work, env, *args)
        text = tf(work, env, "show", "-json", "tfplan", capture=True)
        write_json(os.path.join(src, out), text)
        return work


def install_registry_modules(work: str) -> None:
    """What `terraform init` leaves behind after downloading the modules."""
    vendor = os.path.join(HERE, "registry", "vendor-src", "ecs")
    modules = [{"Key": "", "Source": "", "Dir": "."}]
    for key, (source, version) in REGISTRY_MODULES.items():
        target = os.path.join(work, ".terraform", "modules", key)
        shutil.copytree(vendor, target)
        entry = {"Key": key, "Source": source, "Dir": f".terraform/modules/{key}"}
        if version:
            entry["Version"] = version
        modules.append(entry)
    with open(os.path.join(work, ".terraform", "modules", "modules.json"), "w") as fh:
        json.dump({"Modules": modules}, fh)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", default="/opt/tf-plugins", help="provider filesystem mirror ('' for the registry)")
    args = parser.parse_args()
    env = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1",
               AWS_ACCESS_KEY_ID="AKIAEXAMPLEEXAMPLE00", AWS_SECRET_ACCESS_KEY="dummy", AWS_REGION="us-east-1")
    with tempfile.TemporaryDirectory() as tmp:
        if args.mirror:
            config = os.path.join(tmp, "terraform.rc")
            with open(config, "w") as fh:
                fh.write(CLI_CONFIG % args.mirror)
            env["TF_CLI_CONFIG_FILE"] = config
        env["TF_PLUGIN_CACHE_DIR"] = ""

        plan("root", env)
        plan("unknown", env)
        plan("modules", env)
        plan("registry/stacks/dev", env)
        plan("registry/stacks/prod", env, init_args=("-get=false",), prepare=install_registry_modules)
        with open(os.path.join(HERE, "registry", "stacks", "prod", "modules.json"), "w") as fh:
            # committed beside the plan so the locator's use of it can be tested
            # (as `.terraform/modules/modules.json`, which git would not keep)
            work = tempfile.mkdtemp(dir=tmp)
            install_registry_modules(work)
            with open(os.path.join(work, ".terraform", "modules", "modules.json")) as src:
                fh.write(json.dumps(json.load(src), indent=2) + "\n")
        plan("lifecycle", env, state="terraform.tfstate.json")
        plan("lifecycle", env, out="destroy.json", state="terraform.tfstate.json", extra=("-destroy",))
        # `terraform show -json` of a state, not of a plan
        work = os.path.join(tmp, "state")
        shutil.copytree(os.path.join(HERE, "lifecycle"), work, ignore=shutil.ignore_patterns("*.json"))
        shutil.copy(os.path.join(HERE, "lifecycle", "terraform.tfstate.json"), os.path.join(work, "terraform.tfstate"))
        tf(work, env, "init", "-backend=false", "-input=false")
        text = tf(work, env, "show", "-json", "terraform.tfstate", capture=True)
        write_json(os.path.join(HERE, "lifecycle", "state.json"), text)

    # What Windows PowerShell's `>` writes: UTF-16 LE with a byte order mark.
    with open(os.path.join(HERE, "root", "plan.json"), encoding="utf-8") as fh:
        text = fh.read()
    with open(os.path.join(HERE, "root", "plan.utf16.json"), "wb") as fh:
        fh.write(text.replace("\n", "\r\n").encode("utf-16"))
    print("wrote root/plan.utf16.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
