#!/bin/sh
# Regenerate requirements.lock: every runtime dependency of pyproject.toml
# pinned to one version, with the sha256 of each of its files on PyPI, for
# every Python the project supports (the image runs 3.11). The Dockerfile
# installs from it with `pip install --require-hashes`.
#
# Needs uv (https://pypi.org/project/uv/): `pipx install uv` or
# `python3 -m pip install uv`. Run it after changing the dependencies in
# pyproject.toml, and commit the result with the change.
set -eu
cd "$(dirname "$0")/.."
exec uv pip compile pyproject.toml \
  --universal \
  --generate-hashes \
  --no-config \
  --index-url https://pypi.org/simple \
  --custom-compile-command "tools/update-lock.sh" \
  --output-file requirements.lock \
  "$@"
