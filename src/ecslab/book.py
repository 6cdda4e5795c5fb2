"""The names the chapter gives its resources, as the book prints them: one place for each.

Checks look for them, preflight makes sure no one else holds them in an AWS account, and
the generated override prefixes them in AWS mode (ECSLAB_NAME_PREFIX).
"""

from __future__ import annotations

#: Listing 9.1, 9.2 and 9.4: the cluster, the task definition's family and the service.
CLUSTER = SERVICE = FAMILY = "example"
#: Listing 9.3: the container the load balancer forwards to.
CONTAINER = "example"
#: Chapter 8: the ALB and its target group (the loadbalancer module's names).
LOAD_BALANCER = TARGET_GROUP = "example"
#: Listing 9.5: the log group of the awslogs driver.
LOG_GROUP = "/ecs/example"
#: Listing 9.8: the ECS task execution role.
ROLE = "ecs-task-execution"

#: What an AWS account must not already hold under these names (Terraform type, name).
OWNED: tuple[tuple[str, str], ...] = (
    ("aws_ecs_cluster", CLUSTER),
    ("aws_lb", LOAD_BALANCER),
    ("aws_lb_target_group", TARGET_GROUP),
    ("aws_cloudwatch_log_group", LOG_GROUP),
    ("aws_iam_role", ROLE),
)


def lab_name(book_name: str) -> str:
    """The name a resource of the book has in this lab: with the learner's prefix in AWS
    mode (ECSLAB_NAME_PREFIX, applied by the generated override), the book's otherwise.

    The one place the prefix is applied to a name the lab looks for: checks, the live
    diagram, the drill and the log viewer all ask here.
    """
    from ecslab import settings
    from ecslab.tf import overrides

    return overrides.prefixed(book_name) if settings.target() == "aws" else book_name
