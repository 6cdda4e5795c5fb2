"""Section 9.1's questions: the building blocks of ECS."""

from ecslab.i18n import N_
from ecslab.notebook.quiz import Choice, Question

QUESTIONS: tuple[Question, ...] = (
    Question(
        id="9.1/task-definition-analogy",
        text=N_("A task definition is to a task what ... is to ..."),
        choices=(
            Choice(
                N_("a class is to an instance"),
                True,
                N_("A task definition describes; a task is one running copy of that description."),
            ),
            Choice(
                N_("a cluster is to a server"),
                False,
                N_("A cluster groups tasks and services; it describes nothing about a container."),
            ),
            Choice(
                N_("an image is to a file"),
                False,
                N_("The image is one input of a task definition, not the task it describes."),
            ),
        ),
        book="9.1",
    ),
    Question(
        id="9.1/who-keeps-tasks",
        text=N_("Which building block keeps 2 nginx tasks running and replaces one that stops?"),
        choices=(
            Choice(
                N_("the cluster"), False, N_("A cluster only groups; it starts nothing by itself.")
            ),
            Choice(
                N_("the task definition"),
                False,
                N_("A task definition is a blueprint; it never runs or restarts anything."),
            ),
            Choice(
                N_("the service"),
                True,
                N_("The service holds desired_count and starts a new task when one stops (9.3.3)."),
            ),
            Choice(
                N_("the target group"),
                False,
                N_("The target group only lists where the load balancer may send requests."),
            ),
        ),
        book="9.3.3",
    ),
    Question(
        id="9.1/target-group-holds",
        text=N_("What does the ALB's target group contain when tasks run on Fargate?"),
        choices=(
            Choice(
                N_("EC2 instance ids"),
                False,
                N_("Fargate tasks run on no instance of yours: there is no instance id to list."),
            ),
            Choice(
                N_("the IP addresses of the tasks"),
                True,
                N_("With network mode awsvpc each task has its own IP; the target type is 'ip'."),
            ),
            Choice(
                N_("container image names"),
                False,
                N_("A load balancer sends requests to addresses, never to images."),
            ),
        ),
        book="9.3.3",
    ),
    Question(
        id="9.1/task-definition-change",
        text=N_("You change the task definition and apply. What happens to the task definition?"),
        choices=(
            Choice(
                N_("it is edited in place"),
                False,
                N_("A registered revision never changes: that is what makes rollbacks possible."),
            ),
            Choice(
                N_("a new revision is registered (example:2)"),
                True,
                N_("Task definitions are immutable; each change registers family:revision+1."),
            ),
            Choice(
                N_("nothing"),
                False,
                N_("Terraform sees the difference and must register something new to apply it."),
            ),
        ),
        book="9.3.2",
    ),
)
