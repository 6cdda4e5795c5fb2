"""Section 9.1's questions: the building blocks of ECS."""

from ecslab.notebook.quiz import Choice, Question

QUESTIONS: tuple[Question, ...] = (
    Question(
        id="9.1/task-definition-analogy",
        text="A task definition is to a task what ... is to ...",
        choices=(
            Choice(
                "a class is to an instance",
                True,
                "A task definition describes; a task is one running copy of that description.",
            ),
            Choice(
                "a cluster is to a server",
                False,
                "A cluster groups tasks and services; it describes nothing about a container.",
            ),
            Choice(
                "an image is to a file",
                False,
                "The image is one input of a task definition, not the task it describes.",
            ),
        ),
        book="9.1",
    ),
    Question(
        id="9.1/who-keeps-tasks",
        text="Which building block keeps 2 nginx tasks running and replaces one that stops?",
        choices=(
            Choice("the cluster", False, "A cluster only groups; it starts nothing by itself."),
            Choice(
                "the task definition",
                False,
                "A task definition is a blueprint; it never runs or restarts anything.",
            ),
            Choice(
                "the service",
                True,
                "The service holds desired_count and starts a new task when one stops (9.3.3).",
            ),
            Choice(
                "the target group",
                False,
                "The target group only lists where the load balancer may send requests.",
            ),
        ),
        book="9.3.3",
    ),
    Question(
        id="9.1/target-group-holds",
        text="What does the ALB's target group contain when tasks run on Fargate?",
        choices=(
            Choice(
                "EC2 instance ids",
                False,
                "Fargate tasks run on no instance of yours: there is no instance id to list.",
            ),
            Choice(
                "the IP addresses of the tasks",
                True,
                "With network mode awsvpc each task has its own IP; the target type is 'ip'.",
            ),
            Choice(
                "container image names",
                False,
                "A load balancer sends requests to addresses, never to images.",
            ),
        ),
        book="9.3.3",
    ),
    Question(
        id="9.1/task-definition-change",
        text="You change the task definition and apply. What happens to the task definition?",
        choices=(
            Choice(
                "it is edited in place",
                False,
                "A registered revision never changes: that is what makes rollbacks possible.",
            ),
            Choice(
                "a new revision is registered (example:2)",
                True,
                "Task definitions are immutable; each change registers family:revision+1.",
            ),
            Choice(
                "nothing",
                False,
                "Terraform sees the difference and must register something new to apply it.",
            ),
        ),
        book="9.3.2",
    ),
)
