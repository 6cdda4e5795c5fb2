"""ecslab: a hands-on lab for ECS Fargate with Terraform, offline against a local cloud."""

from ecslab.errors import EcslabError

__all__ = ["EcslabError"]
__version__ = "0.1.0"
