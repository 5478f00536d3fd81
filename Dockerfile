# Container of the ecs-exec-guard GitHub Action. Release tags run the image
# published to ghcr.io (see action.yml and .github/workflows/release.yml);
# any other ref, and a fork, builds it from this file on the runner. The
# runner starts it as root with the workspace mounted as the working
# directory and passes the inputs as INPUT_* variables.
#
# Base: python:3.11-slim-bookworm (Python 3.11.16), pinned by the digest of
# its multi-platform index. To move it: docker buildx imagetools inspect
# python:3.11-slim-bookworm, then replace both digests below.

# --- build: the project and its locked dependencies in a virtual environment
FROM python:3.11-slim-bookworm@sha256:0bee7276f83efd4a1ee05bbbf4281d95ed28e079220a9457f25a93e3f1e3c31b AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/ecs-exec-guard

WORKDIR /src
# Every dependency pinned with its hashes (tools/update-lock.sh writes the
# lock); binary wheels only, so no compiler is needed or installed.
COPY requirements.lock ./
RUN /opt/ecs-exec-guard/bin/pip install --require-hashes --only-binary=:all: -r requirements.lock

COPY pyproject.toml README.md LICENSE ./
COPY src ./src
COPY policies ./policies
# pip compiles the modules on install: the image starts without compiling
# anything. Then the installers leave the environment.
RUN /opt/ecs-exec-guard/bin/pip install --no-deps . \
    && /opt/ecs-exec-guard/bin/pip uninstall --yes --quiet setuptools pip

# --- run: the base image plus the virtual environment, nothing else
FROM python:3.11-slim-bookworm@sha256:0bee7276f83efd4a1ee05bbbf4281d95ed28e079220a9457f25a93e3f1e3c31b

LABEL org.opencontainers.image.title="ecs-exec-guard" \
      org.opencontainers.image.description="Check Terraform plans against kyverno-json policies; fail ECS clusters whose ECS Exec logging is NONE." \
      org.opencontainers.image.licenses="Apache-2.0"

ENV PATH=/opt/ecs-exec-guard/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

COPY --from=build /opt/ecs-exec-guard /opt/ecs-exec-guard

ENTRYPOINT ["ecs-exec-guard", "action"]
