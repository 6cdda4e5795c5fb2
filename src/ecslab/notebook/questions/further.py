"""The going-further part's questions: rolling deployments, scaling, filter patterns."""

from ecslab.i18n import N_
from ecslab.notebook.quiz import Choice, Question

QUESTIONS: tuple[Question, ...] = (
    Question(
        id="further/who-serves-during-rollout",
        text=N_(
            "During the rolling deployment to the new revision, which tasks answer your "
            "requests through the load balancer?"
        ),
        choices=(
            Choice(
                N_("the old revision's, then for a while both, then only the new one's"),
                True,
                N_(
                    "The new task serves once healthy, while an old one still serves; the old "
                    "ones then drain (no new requests) and stop."
                ),
            ),
            Choice(
                N_("none for a moment: the old tasks stop before the new ones start"),
                False,
                N_(
                    "With minimumHealthyPercent 100 ECS never stops a healthy task before its "
                    "replacement is healthy: no request fails."
                ),
            ),
            Choice(
                N_("only the old ones until every new task is healthy, then all at once"),
                False,
                N_(
                    "The load balancer sends requests to each target as soon as it is healthy, "
                    "one by one, not to a revision as a whole."
                ),
            ),
        ),
        kind="predict",
        book="9.3.3",
    ),
    Question(
        id="further/rollout-pace",
        text=N_(
            "The requests moved to the new revision within seconds, yet the deployment "
            "took much longer to complete. What sets that pace?"
        ),
        choices=(
            Choice(
                N_("the target group's deregistration_delay"),
                True,
                N_(
                    "A replaced task drains for deregistration_delay (300 s in listing 8.12) "
                    "before ECS stops it, so that requests under way can finish."
                ),
            ),
            Choice(
                N_("health_check_grace_period_seconds"),
                False,
                N_(
                    "The grace period only keeps ECS from stopping a starting task for failed "
                    "health checks; it does not delay anything that is healthy."
                ),
            ),
            Choice(
                N_("retention_in_days of the log group"),
                False,
                N_("Retention decides how long log events are kept, nothing about tasks."),
            ),
        ),
        book="listing 8.12",
    ),
    Question(
        id="further/scale-drift",
        text=N_(
            "You scaled the service to 3 tasks with the API. What will the next "
            "`terraform apply` do?"
        ),
        choices=(
            Choice(
                N_("scale it back to desired_count = 2"),
                True,
                N_(
                    "desired_count is not in ignore_changes: Terraform sees the difference and "
                    "puts its own value back. Services scaled by Application Auto Scaling add "
                    "desired_count to ignore_changes for that reason."
                ),
            ),
            Choice(
                N_("nothing: ECS owns the task count"),
                False,
                N_(
                    "Terraform compares every argument it manages; only those in ignore_changes "
                    "are left alone."
                ),
            ),
            Choice(
                N_("replace the service"),
                False,
                N_("desired_count changes in place (~), no replacement (-/+)."),
            ),
        ),
        book="9.3.3",
    ),
    Question(
        id="further/filter-pattern-quotes",
        text=N_(
            "Why does `--filter-pattern '\"ELB-HealthChecker\"'` need the inner double quotes?"
        ),
        choices=(
            Choice(
                N_("A term with characters other than letters and digits must be quoted"),
                True,
                N_(
                    "CloudWatch Logs reads an unquoted '-' as an operator; a quoted term matches "
                    "the exact text."
                ),
            ),
            Choice(
                N_("All filter patterns are JSON"),
                False,
                N_("Only patterns in braces { $.field = ... } match JSON events."),
            ),
            Choice(
                N_("The shell needs them"),
                False,
                N_(
                    "The shell only removes the outer single quotes; the double quotes reach "
                    "CloudWatch Logs."
                ),
            ),
        ),
        book="9.4.3",
    ),
)
