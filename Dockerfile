# Container of the ecs-exec-guard GitHub Action (runs.image in action.yml).
# GitHub builds it on the runner, runs it as root with the workspace mounted
# as the working directory and passes the inputs as INPUT_* variables.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# git lets the action put the annotations of files changed by a pull request
# first. Debian's security updates replace package versions in place, so a
# pinned version would stop building: take the current one.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/ecs-exec-guard
COPY pyproject.toml README.md ./
COPY src ./src
COPY policies ./policies
RUN pip install --no-cache-dir . \
    && rm -rf /opt/ecs-exec-guard/build

ENTRYPOINT ["ecs-exec-guard", "action"]
