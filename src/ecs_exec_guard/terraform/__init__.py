"""Terraform-aware helpers: the ECS clusters of a plan and where their sources declare them."""

from .locate import Location, SourceLocator
from .plan import Cluster, plan_clusters

__all__ = ["Cluster", "Location", "SourceLocator", "plan_clusters"]
