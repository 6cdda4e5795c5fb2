"""Section 9.2's questions: launch types."""

from ecslab.i18n import N_
from ecslab.notebook.quiz import Choice, Question

QUESTIONS: tuple[Question, ...] = (
    Question(
        id="9.2/ssh-hosts",
        text=N_("Your team must SSH into the container hosts to debug. Which launch type?"),
        choices=(
            Choice(
                N_("EC2"),
                True,
                N_("Only the EC2 launch type gives you hosts you can log in to (9.2.1)."),
            ),
            Choice(
                N_("Fargate"),
                False,
                N_("Fargate hides the hosts: there is nothing of yours to log in to."),
            ),
        ),
        book="9.2.1",
    ),
    Question(
        id="9.2/fargate-network-mode",
        text=N_("Which network mode does a Fargate task definition need?"),
        choices=(
            Choice(
                N_("bridge"),
                False,
                N_("bridge shares the host's interface; Fargate has no host of yours."),
            ),
            Choice(
                N_("host"), False, N_("host mode needs a host you own; Fargate does not offer it.")
            ),
            Choice(
                N_("awsvpc"),
                True,
                N_("Fargate supports only awsvpc: each task gets its own network interface."),
            ),
        ),
        book="9.3.2",
    ),
    Question(
        id="9.2/memory-for-256",
        text=N_("cpu = 256: which memory value is NOT allowed?"),
        choices=(
            Choice(
                N_("512"), False, N_("512 MiB is the smallest size Fargate offers with 256 units.")
            ),
            Choice(N_("1024"), False, N_("1024 MiB is allowed with 256 cpu units.")),
            Choice(N_("2048"), False, N_("2048 MiB is the largest allowed with 256 cpu units.")),
            Choice(
                N_("4096"),
                True,
                N_("With 256 cpu units Fargate offers 512, 1024 or 2048 MiB only."),
            ),
        ),
        book="9.3.2",
    ),
    Question(
        id="9.2/why-fargate",
        text=N_("Why does the chapter choose Fargate?"),
        choices=(
            Choice(
                N_("it is always cheaper"),
                False,
                N_("Per vCPU-hour Fargate often costs more than a well-used EC2 host."),
            ),
            Choice(
                N_("there are no hosts to manage"),
                True,
                N_("The book picks Fargate because operating it is easier (9.2.2)."),
            ),
            Choice(N_("it allows SSH"), False, N_("Fargate gives you no host to log in to.")),
        ),
        book="9.2.2",
    ),
    Question(
        id="9.2/why-two-nat-gateways",
        text=N_(
            "The network of chapter 7 has two NAT gateways, one per availability zone. Why "
            "not one, to halve their USD 90 a month?"
        ),
        choices=(
            Choice(
                N_("one per AZ keeps each AZ's private subnet online if the other AZ fails"),
                True,
                N_(
                    "A NAT gateway lives in one AZ. With one, an outage of that AZ cuts the "
                    "other AZ's tasks off too (no image pull, no CloudWatch Logs); one per AZ "
                    "keeps the AZs independent, and saves cross-AZ data charges."
                ),
            ),
            Choice(
                N_("one NAT gateway can serve only one subnet"),
                False,
                N_(
                    "Any number of route tables may point at one NAT gateway: one would work, "
                    "until its AZ goes down."
                ),
            ),
            Choice(
                N_("the ALB needs them to reach the tasks"),
                False,
                N_(
                    "The ALB reaches the tasks inside the VPC; NAT is for the tasks' own traffic "
                    "out (pulling the image, sending logs)."
                ),
            ),
            Choice(
                N_("Fargate requires two"),
                False,
                N_(
                    "Fargate requires nothing of the kind: tasks in public subnets with public IPs "
                    "need no NAT at all (and pay for the IPs instead)."
                ),
            ),
        ),
        book="7 (network), 9.3.3",
    ),
    Question(
        id="9.2/what-fargate-bills",
        text=N_("What does Fargate bill for a task?"),
        choices=(
            Choice(
                N_("the cpu and memory it asks for, per second while it runs"),
                True,
                N_("The task size, not what nginx really uses: an idle task costs the same."),
            ),
            Choice(
                N_("the CPU and memory nginx really uses"),
                False,
                N_(
                    "Fargate reserves the task size for you, so the size is what bills, "
                    "used or not."
                ),
            ),
            Choice(
                N_("the EC2 instance it runs on"),
                False,
                N_(
                    "There is no instance of yours with Fargate; that is the EC2 launch "
                    "type's bill."
                ),
            ),
        ),
        book="9.2.2",
    ),
    Question(
        id="9.2/bill-biggest-line",
        text=N_(
            "The chapter's stack, left running for a month in Tokyo: which line of the bill "
            "is the largest?"
        ),
        kind="predict",
        choices=(
            Choice(
                N_("the two NAT gateways"),
                True,
                N_(
                    "About USD 90 of the 150: a NAT gateway bills every hour it exists, traffic "
                    "or not. The ALB comes next; the two tasks cost about USD 22."
                ),
            ),
            Choice(
                N_("the two Fargate tasks"),
                False,
                N_("The smallest Fargate size is cheap: about USD 11 a task a month."),
            ),
            Choice(
                N_("the load balancer"),
                False,
                N_("About USD 24 a month: second after the NAT gateways."),
            ),
            Choice(
                N_("CloudWatch Logs"),
                False,
                N_("A few cents: nginx's access lines of a lab are a couple of MB a day."),
            ),
        ),
        book="9.2",
    ),
)
