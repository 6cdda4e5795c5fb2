"""Section 9.3's questions: the web server (listings 9.1 to 9.4, and what goes wrong).

The predictions come in the order the notebook asks them, each before the plan, apply or
drill that answers it; the quiz closes the section.
"""

from ecslab.i18n import N_
from ecslab.notebook.quiz import Choice, Question

PREDICTIONS: tuple[Question, ...] = (
    Question(
        id="9.3/platform-1-3-0",
        text=N_('Listing 9.4 pins platform_version = "1.3.0". What happens when you apply it?'),
        choices=(
            Choice(
                N_("terraform plan already refuses it"),
                False,
                N_(
                    "The plan only checks the argument's type; which platform versions exist is "
                    "known to ECS alone, so only the apply's CreateService call can be refused."
                ),
            ),
            Choice(
                N_("the apply fails: ECS refuses to create the service"),
                True,
                N_(
                    "AWS retired Fargate platform 1.3.0 in March 2026: CreateService answers "
                    "InvalidParameterException, and Terraform stops with AWS's words."
                ),
            ),
            Choice(
                N_("the service is created and its tasks run on 1.3.0"),
                False,
                N_("A retired platform version cannot start new tasks or services any more."),
            ),
            Choice(
                N_("the service is created on LATEST instead"),
                False,
                N_("ECS never swaps a pinned version for another one: it refuses the request."),
            ),
        ),
        kind="predict",
        book="9.3.3",
    ),
    Question(
        id="9.3/image-pulled-when",
        text=N_(
            'The task definition names the image "nginx/latest", as listing 9.3 prints it. '
            "The service is created. What happens?"
        ),
        choices=(
            Choice(
                N_("the apply fails: ECS checks that the image exists"),
                False,
                N_(
                    "Neither RegisterTaskDefinition nor CreateService looks at the registry: "
                    "the image is only a string until a task starts."
                ),
            ),
            Choice(
                N_("the apply succeeds, and every task stops before it runs"),
                True,
                N_(
                    "Each task tries to pull the image when it starts; the pull fails, the task "
                    "stops with CannotPullContainerError, and the service tries again."
                ),
            ),
            Choice(
                N_("the tasks run the official nginx image anyway"),
                False,
                N_(
                    '"nginx/latest" names a repository "latest" of a user "nginx", with the tag '
                    '"latest" implied: not the official image, which is "nginx:latest".'
                ),
            ),
        ),
        kind="predict",
        book="9.3.2",
    ),
    Question(
        id="9.3/plan-image-fix",
        text=N_("You fix the image in container_definitions.json. What will the plan show?"),
        choices=(
            Choice(
                N_("the task definition updated in place (~)"),
                False,
                N_("A registered revision never changes: ECS has no call that edits one."),
            ),
            Choice(
                N_("the task definition replaced (-/+) and the service updated in place (~)"),
                True,
                N_(
                    "Terraform registers a new revision (example:2) and deregisters example:1; "
                    "the service's task_definition points at the new ARN, an in-place update "
                    "that starts a deployment."
                ),
            ),
            Choice(
                N_("the service replaced too (-/+)"),
                False,
                N_(
                    "A service can switch revisions in place (UpdateService); only a few "
                    "arguments, such as its name or cluster, force a new service."
                ),
            ),
            Choice(
                N_("no changes: the JSON file is not Terraform code"),
                False,
                N_(
                    "file() reads it into container_definitions at every plan: a changed file is "
                    "a changed argument."
                ),
            ),
        ),
        kind="predict",
        book="9.3.2",
    ),
    Question(
        id="9.3/plan-lifecycle",
        text=N_(
            "You add the lifecycle block with ignore_changes = [task_definition]. What will "
            "the plan show?"
        ),
        choices=(
            Choice(
                N_("No changes"),
                True,
                N_(
                    "lifecycle tells Terraform how to plan; it is not sent to AWS, so nothing "
                    "in AWS has to change."
                ),
            ),
            Choice(
                N_("the service updated in place"),
                False,
                N_("Nothing the service is made of changes: the block is Terraform's, not ECS's."),
            ),
            Choice(
                N_("the service replaced"),
                False,
                N_(
                    "lifecycle only changes how later plans treat the service; it never "
                    "replaces anything by itself."
                ),
            ),
        ),
        kind="predict",
        book="9.3.3",
    ),
    Question(
        id="9.3/health-check-404",
        text=N_(
            "Someone sets the target group's health check path to /health, which nginx does "
            "not serve (404). What does the load balancer answer at its front door?"
        ),
        choices=(
            Choice(
                N_("HTTP 503 at once: no healthy target"),
                False,
                N_(
                    "An ALB whose targets are all unhealthy fails open: it still routes to all "
                    "of them. 503 means no target is registered at all."
                ),
            ),
            Choice(
                N_("still nginx's page, while ECS keeps replacing the unhealthy tasks"),
                True,
                N_(
                    "Every target is unhealthy, so the ALB fails open and nginx still answers "
                    "'/'; after the grace period ECS stops each task that failed its health "
                    "checks and starts another, which fails them too."
                ),
            ),
            Choice(
                N_("a 404 page"),
                False,
                N_(
                    "Only the health checker asks for /health; visitors still ask for '/', "
                    "which nginx serves."
                ),
            ),
        ),
        kind="predict",
        book="9.3.3",
    ),
    Question(
        id="9.3/drill-one-task",
        text=N_(
            "With desired_count = 1, the only task dies. What do the requests sent to the "
            "load balancer meanwhile get?"
        ),
        choices=(
            Choice(
                N_("all answered: the service restarts the task at once"),
                False,
                N_(
                    "A replacement is a new task: it must start and pass a health check before "
                    "the load balancer sends it anything."
                ),
            ),
            Choice(
                N_("errors (HTTP 503) until the replacement is healthy"),
                True,
                N_(
                    "With no registered target the ALB answers 503; the book's 9.3.3 warns of "
                    "exactly this and asks for 2 or more in production."
                ),
            ),
            Choice(
                N_("errors until you apply again"),
                False,
                N_("The service replaces a stopped task by itself: that is its job."),
            ),
        ),
        kind="predict",
        book="9.3.3",
    ),
)

QUIZ: tuple[Question, ...] = (
    Question(
        id="9.3/grace-period",
        text=N_("What does health_check_grace_period_seconds = 60 do?"),
        choices=(
            Choice(
                N_(
                    "for 60 s after a task starts, failed load balancer health checks do not get "
                    "it replaced"
                ),
                True,
                N_(
                    "So a slow-starting container is not stopped before it is ready, and the "
                    "service does not start and stop tasks forever (9.3.3)."
                ),
            ),
            Choice(
                N_("the load balancer checks each target every 60 s"),
                False,
                N_("That is the target group's health_check interval (30 s in chapter 8)."),
            ),
            Choice(
                N_("a stopped task is replaced after 60 s"),
                False,
                N_("The service replaces a stopped task as soon as it notices: no waiting."),
            ),
            Choice(
                N_("requests wait 60 s for a target before failing"),
                False,
                N_("Requests never wait for a target: with none registered the ALB answers 503."),
            ),
        ),
        book="9.3.3",
    ),
    Question(
        id="9.3/awsvpc",
        text=N_('What does network_mode = "awsvpc" give each task?'),
        choices=(
            Choice(
                N_("its own network interface and private IP address in your subnet"),
                True,
                N_("That is why security groups apply per task and the target group lists IPs."),
            ),
            Choice(
                N_("a public IP address"),
                False,
                N_("Only assign_public_ip asks for one; in private subnets the tasks need none."),
            ),
            Choice(
                N_("the host's network, shared with other tasks"),
                False,
                N_("That is the host mode of the EC2 launch type; Fargate has no host of yours."),
            ),
        ),
        book="9.3.2",
    ),
    Question(
        id="9.3/service-vs-task",
        text=N_("desired_count = 2, and one task crashes. Who starts the new one?"),
        choices=(
            Choice(
                N_("the service"),
                True,
                N_("It compares the running tasks with desired_count and starts what is missing."),
            ),
            Choice(
                N_("the task definition"),
                False,
                N_("A task definition is a blueprint; it never starts anything."),
            ),
            Choice(
                N_("Terraform, at the next apply"),
                False,
                N_("Terraform manages the service, not its tasks; the next plan shows no change."),
            ),
            Choice(
                N_("the load balancer"),
                False,
                N_("The ALB only stops sending requests to a target that fails its checks."),
            ),
        ),
        book="9.3.3",
    ),
    Question(
        id="9.3/target-type-ip",
        text=N_('Why does chapter 8\'s target group say target_type = "ip"?'),
        choices=(
            Choice(
                N_("with awsvpc each Fargate task is reached at its own IP address"),
                True,
                N_("The service registers each task's private IP and port 80 as a target."),
            ),
            Choice(
                N_("an ALB cannot send requests to instances"),
                False,
                N_(
                    "It can (target type instance), but a Fargate task runs on no instance "
                    "of yours."
                ),
            ),
            Choice(
                N_("IP targets are cheaper"),
                False,
                N_("The target type does not change the price of the load balancer."),
            ),
        ),
        book="9.3.3",
    ),
    Question(
        id="9.3/private-subnets-nat",
        text=N_(
            "The tasks run in private subnets with assign_public_ip = false. How do they pull "
            "the nginx image from Docker Hub?"
        ),
        choices=(
            Choice(
                N_("through the NAT gateway of their subnet's route table"),
                True,
                N_(
                    "A private subnet routes 0.0.0.0/0 to a NAT gateway (chapter 7): the tasks "
                    "reach out, and nothing from the internet reaches in."
                ),
            ),
            Choice(
                N_("through the load balancer"),
                False,
                N_("The ALB only carries requests from visitors to the tasks, never theirs out."),
            ),
            Choice(
                N_("they cannot: private tasks need a public IP"),
                False,
                N_(
                    "A public IP is useless in a private subnet: its route goes to the NAT "
                    "gateway, not to the internet gateway."
                ),
            ),
        ),
        book="9.3.3",
    ),
)

QUESTIONS: tuple[Question, ...] = PREDICTIONS + QUIZ
