"""Section 9.2's questions: launch types."""

from ecslab.notebook.quiz import Choice, Question

QUESTIONS: tuple[Question, ...] = (
    Question(
        id="9.2/ssh-hosts",
        text="Your team must SSH into the container hosts to debug. Which launch type?",
        choices=(
            Choice(
                "EC2", True, "Only the EC2 launch type gives you hosts you can log in to (9.2.1)."
            ),
            Choice(
                "Fargate", False, "Fargate hides the hosts: there is nothing of yours to log in to."
            ),
        ),
        book="9.2.1",
    ),
    Question(
        id="9.2/fargate-network-mode",
        text="Which network mode does a Fargate task definition need?",
        choices=(
            Choice(
                "bridge", False, "bridge shares the host's interface; Fargate has no host of yours."
            ),
            Choice("host", False, "host mode needs a host you own; Fargate does not offer it."),
            Choice(
                "awsvpc",
                True,
                "Fargate supports only awsvpc: each task gets its own network interface.",
            ),
        ),
        book="9.3.2",
    ),
    Question(
        id="9.2/memory-for-256",
        text="cpu = 256: which memory value is NOT allowed?",
        choices=(
            Choice("512", False, "512 MiB is the smallest size Fargate offers with 256 units."),
            Choice("1024", False, "1024 MiB is allowed with 256 cpu units."),
            Choice("2048", False, "2048 MiB is the largest allowed with 256 cpu units."),
            Choice("4096", True, "With 256 cpu units Fargate offers 512, 1024 or 2048 MiB only."),
        ),
        book="9.3.2",
    ),
    Question(
        id="9.2/why-fargate",
        text="Why does the chapter choose Fargate?",
        choices=(
            Choice(
                "it is always cheaper",
                False,
                "Per vCPU-hour Fargate often costs more than a well-used EC2 host.",
            ),
            Choice(
                "there are no hosts to manage",
                True,
                "The book picks Fargate because operating it is easier (9.2.2).",
            ),
            Choice("it allows SSH", False, "Fargate gives you no host to log in to."),
        ),
        book="9.2.2",
    ),
)
