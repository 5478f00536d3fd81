"""Terraform-aware helpers: the ECS clusters of a plan and where their sources declare them."""

__all__ = ["Cluster", "Location", "SourceLocator", "plan_clusters"]


def __getattr__(name):
    # imported on first use: a scan reads plans through the analyzer and
    # needs neither the source locator nor the plan helpers
    if name in ("Location", "SourceLocator"):
        from . import locate

        return getattr(locate, name)
    if name in ("Cluster", "plan_clusters"):
        from . import plan

        return getattr(plan, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
