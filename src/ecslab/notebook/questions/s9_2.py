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
    Question(
        id="9.2/why-two-nat-gateways",
        text="The network of chapter 7 has two NAT gateways, one per availability zone. Why "
        "not one, to halve their USD 90 a month?",
        choices=(
            Choice(
                "one per AZ keeps each AZ's private subnet online if the other AZ fails",
                True,
                "A NAT gateway lives in one AZ. With one, an outage of that AZ cuts the "
                "other AZ's tasks off too (no image pull, no CloudWatch Logs); one per AZ "
                "keeps the AZs independent, and saves cross-AZ data charges.",
            ),
            Choice(
                "one NAT gateway can serve only one subnet",
                False,
                "Any number of route tables may point at one NAT gateway: one would work, "
                "until its AZ goes down.",
            ),
            Choice(
                "the ALB needs them to reach the tasks",
                False,
                "The ALB reaches the tasks inside the VPC; NAT is for the tasks' own traffic "
                "out (pulling the image, sending logs).",
            ),
            Choice(
                "Fargate requires two",
                False,
                "Fargate requires nothing of the kind: tasks in public subnets with public IPs "
                "need no NAT at all (and pay for the IPs instead).",
            ),
        ),
        book="7 (network), 9.3.3",
    ),
    Question(
        id="9.2/what-fargate-bills",
        text="What does Fargate bill for a task?",
        choices=(
            Choice(
                "the cpu and memory it asks for, per second while it runs",
                True,
                "The task size, not what nginx really uses: an idle task costs the same.",
            ),
            Choice(
                "the CPU and memory nginx really uses",
                False,
                "Fargate reserves the task size for you, so the size is what bills, used or not.",
            ),
            Choice(
                "the EC2 instance it runs on",
                False,
                "There is no instance of yours with Fargate; that is the EC2 launch type's bill.",
            ),
        ),
        book="9.2.2",
    ),
    Question(
        id="9.2/bill-biggest-line",
        text="The chapter's stack, left running for a month in Tokyo: which line of the bill "
        "is the largest?",
        kind="predict",
        choices=(
            Choice(
                "the two NAT gateways",
                True,
                "About USD 90 of the 150: a NAT gateway bills every hour it exists, traffic "
                "or not. The ALB comes next; the two tasks cost about USD 22.",
            ),
            Choice(
                "the two Fargate tasks",
                False,
                "The smallest Fargate size is cheap: about USD 11 a task a month.",
            ),
            Choice(
                "the load balancer",
                False,
                "About USD 24 a month: second after the NAT gateways.",
            ),
            Choice(
                "CloudWatch Logs",
                False,
                "A few cents: nginx's access lines of a lab are a couple of MB a day.",
            ),
        ),
        book="9.2",
    ),
)
