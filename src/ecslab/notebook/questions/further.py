"""The going-further part's questions: rolling deployments, scaling, filter patterns."""

from ecslab.notebook.quiz import Choice, Question

QUESTIONS: tuple[Question, ...] = (
    Question(
        id="further/who-serves-during-rollout",
        text="During the rolling deployment to the new revision, which tasks answer your "
        "requests through the load balancer?",
        choices=(
            Choice(
                "the old revision's, then for a while both, then only the new one's",
                True,
                "The new task serves once healthy, while an old one still serves; the old "
                "ones then drain (no new requests) and stop.",
            ),
            Choice(
                "none for a moment: the old tasks stop before the new ones start",
                False,
                "With minimumHealthyPercent 100 ECS never stops a healthy task before its "
                "replacement is healthy: no request fails.",
            ),
            Choice(
                "only the old ones until every new task is healthy, then all at once",
                False,
                "The load balancer sends requests to each target as soon as it is healthy, "
                "one by one, not to a revision as a whole.",
            ),
        ),
        kind="predict",
        book="9.3.3",
    ),
    Question(
        id="further/rollout-pace",
        text="The requests moved to the new revision within seconds, yet the deployment "
        "took much longer to complete. What sets that pace?",
        choices=(
            Choice(
                "the target group's deregistration_delay",
                True,
                "A replaced task drains for deregistration_delay (300 s in listing 8.12) "
                "before ECS stops it, so that requests under way can finish.",
            ),
            Choice(
                "health_check_grace_period_seconds",
                False,
                "The grace period only keeps ECS from stopping a starting task for failed "
                "health checks; it does not delay anything that is healthy.",
            ),
            Choice(
                "retention_in_days of the log group",
                False,
                "Retention decides how long log events are kept, nothing about tasks.",
            ),
        ),
        book="listing 8.12",
    ),
    Question(
        id="further/scale-drift",
        text="You scaled the service to 3 tasks with the API. What will the next "
        "`terraform apply` do?",
        choices=(
            Choice(
                "scale it back to desired_count = 2",
                True,
                "desired_count is not in ignore_changes: Terraform sees the difference and "
                "puts its own value back. Services scaled by Application Auto Scaling add "
                "desired_count to ignore_changes for that reason.",
            ),
            Choice(
                "nothing: ECS owns the task count",
                False,
                "Terraform compares every argument it manages; only those in ignore_changes "
                "are left alone.",
            ),
            Choice(
                "replace the service",
                False,
                "desired_count changes in place (~), no replacement (-/+).",
            ),
        ),
        book="9.3.3",
    ),
    Question(
        id="further/filter-pattern-quotes",
        text="Why does `--filter-pattern '\"ELB-HealthChecker\"'` need the inner double quotes?",
        choices=(
            Choice(
                "A term with characters other than letters and digits must be quoted",
                True,
                "CloudWatch Logs reads an unquoted '-' as an operator; a quoted term matches "
                "the exact text.",
            ),
            Choice(
                "All filter patterns are JSON",
                False,
                "Only patterns in braces { $.field = ... } match JSON events.",
            ),
            Choice(
                "The shell needs them",
                False,
                "The shell only removes the outer single quotes; the double quotes reach "
                "CloudWatch Logs.",
            ),
        ),
        book="9.4.3",
    ),
)
