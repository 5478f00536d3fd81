"""ecs-exec-guard: kyverno-json policies for Terraform plans, as a CLI and a GitHub Action."""

__version__ = "0.1.0"
