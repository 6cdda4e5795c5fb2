"""Section 9.4's questions: logging on Fargate, the execution role, ignore_changes."""

from ecslab.i18n import N_
from ecslab.notebook.quiz import Choice, Question

#: Predictions, committed before the step that answers them (solutions/04_logging).
PREDICTIONS: tuple[Question, ...] = (
    Question(
        id="9.4/awslogs-without-role",
        text=N_(
            "The container now logs with awslogs, but the task definition has no "
            "execution_role_arn yet. What does the apply do?"
        ),
        choices=(
            Choice(
                N_("It registers the new revision; the logs simply never arrive"),
                False,
                N_("AWS checks this at registration, before any task runs: nothing is registered."),
            ),
            Choice(
                N_("AWS refuses to register the revision (RegisterTaskDefinition fails)"),
                True,
                N_(
                    "On Fargate, ECS itself sends the logs with the execution role, so "
                    "RegisterTaskDefinition answers ClientException: 'Fargate requires task "
                    "definition to have execution role ARN to support log driver awslogs.'"
                ),
            ),
            Choice(
                N_("Terraform refuses it at plan time"),
                False,
                N_(
                    "The plan is fine for Terraform: container_definitions is a JSON string it "
                    "does not interpret. Only AWS knows the rule, at apply."
                ),
            ),
        ),
        kind="predict",
        book="9.4.3",
    ),
    Question(
        id="9.4/revision-after-apply",
        text=N_(
            "You apply listings 9.9 and 9.10: Terraform registers a new revision of the "
            "family example. Which revision do the service's tasks run right after the apply?"
        ),
        choices=(
            Choice(
                N_("the new one, with logging"),
                False,
                N_(
                    "Only an update of the service starts a deployment, and Terraform does not "
                    "update the service: ignore_changes = [task_definition] (listing 9.4)."
                ),
            ),
            Choice(
                N_("the old one, without logging"),
                True,
                N_(
                    "With ignore_changes = [task_definition], Terraform registers the new revision "
                    "but leaves the service as it is: its tasks keep running the old one."
                ),
            ),
            Choice(
                N_("none: the old tasks stop while their revision is deregistered"),
                False,
                N_("Deregistering a revision (INACTIVE) never stops the tasks running it."),
            ),
        ),
        kind="predict",
        book="9.3.3",
    ),
    Question(
        id="9.4/plan-after-cli-deploy",
        text=N_(
            "You deployed the new revision with `aws ecs update-service`, outside Terraform. "
            "What does `terraform plan` show now?"
        ),
        choices=(
            Choice(
                N_("~ aws_ecs_service.example: task_definition changes back"),
                False,
                N_(
                    "That is what it would show without ignore_changes: Terraform would undo "
                    "every deployment made outside it."
                ),
            ),
            Choice(
                N_("No changes"),
                True,
                N_(
                    "The service's task_definition differs from the one Terraform created it "
                    "with, but ignore_changes tells Terraform to ignore that argument after "
                    "creation (9.3.3), so there is nothing to do."
                ),
            ),
            Choice(
                N_("-/+ aws_ecs_task_definition.example: a new revision"),
                False,
                N_(
                    "Your files did not change since the last apply: the task definition in the "
                    "state matches them."
                ),
            ),
        ),
        kind="predict",
        book="9.3.3",
    ),
)

QUIZ: tuple[Question, ...] = (
    Question(
        id="9.4/ignore-changes",
        text=N_("Why does listing 9.4 put task_definition in ignore_changes?"),
        choices=(
            Choice(
                N_(
                    "So that deployments made outside Terraform are not rolled back by the "
                    "next apply"
                ),
                True,
                N_(
                    "A deployment tool registers revisions and updates the service; without "
                    "ignore_changes, terraform apply would put the service back on its revision."
                ),
            ),
            Choice(
                N_("So that Terraform never registers new revisions"),
                False,
                N_(
                    "It still registers them: ignore_changes is on the service, not on the task "
                    "definition resource."
                ),
            ),
            Choice(
                N_("Because a task definition cannot be changed"),
                False,
                N_(
                    "True of a revision, but a change registers a new one; ignore_changes is "
                    "about the service's argument pointing at it."
                ),
            ),
        ),
        book="9.3.3",
    ),
    Question(
        id="9.4/execution-vs-task-role",
        text=N_("The execution role (execution_role_arn) is used by..."),
        choices=(
            Choice(
                N_("ECS itself, to pull the image and send the container's logs"),
                True,
                N_("It acts before and around your code: ECR pulls, CloudWatch Logs, secrets."),
            ),
            Choice(
                N_("your application, to call AWS APIs (S3, DynamoDB...)"),
                False,
                N_(
                    "That is the task role (task_role_arn): the permissions of the code in the "
                    "container. The book does not need one."
                ),
            ),
            Choice(
                N_("the load balancer, to reach the tasks"),
                False,
                N_("The load balancer needs no role to send requests: security groups decide."),
            ),
        ),
        book="9.4.2",
    ),
    Question(
        id="9.4/stream-name",
        text=N_(
            'With awslogs-stream-prefix "nginx" and the container "example", what is '
            "a task's log stream called?"
        ),
        choices=(
            Choice(
                N_("nginx/example/<task-id>"),
                True,
                N_("prefix/container-name/task-id: one stream per container of each task."),
            ),
            Choice(
                N_("/ecs/example/nginx"),
                False,
                N_("/ecs/example is the log group (awslogs-group); streams live inside it."),
            ),
            Choice(
                N_("example:2/<task-id>"),
                False,
                N_("The revision is not part of the stream name: look the task up to know it."),
            ),
        ),
        book="9.4.3",
    ),
    Question(
        id="9.4/retention",
        text=N_("What happens to the events of /ecs/example without retention_in_days?"),
        choices=(
            Choice(
                N_("They are kept forever (and billed as stored data forever)"),
                True,
                N_("A log group without retention never expires its events."),
            ),
            Choice(
                N_("They are deleted after 180 days"),
                False,
                N_("180 is what listing 9.5 sets; there is no such default."),
            ),
            Choice(
                N_("They are deleted with the task that wrote them"),
                False,
                N_("Logs outlive tasks: that is why they go to CloudWatch Logs at all."),
            ),
        ),
        book="9.4.1",
    ),
)

QUESTIONS: tuple[Question, ...] = PREDICTIONS + QUIZ
