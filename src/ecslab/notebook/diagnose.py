"""Checks that explain a failure in AWS's own words: why tasks stop, why targets are unhealthy.

`checks.service_steady` says *that* the service is not steady; these say *why*, from what
ECS and the load balancer report, as the AWS console would show it: a stopped task's
`stoppedReason` (its code, e.g. `CannotPullContainerError`) and the target group's health
(its reason code, e.g. `Target.ResponseCodeMismatch`), then what that means in this
chapter and where the fix goes. They decide on those codes and on the task definition's
and target group's own settings, never on display text. Notebooks reach them as
`checks.task_failure()` and `checks.target_health()`.

ecslab.notebook.checks imports these two at its end, so this module imports it lazily.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from ecslab import book
from ecslab.account import clients
from ecslab.i18n import N_, _, ngettext
from ecslab.notebook import diagram
from ecslab.notebook.polling import until
from ecslab.notebook.result import Result, reason_code

T = TypeVar("T")

#: What AWS's codes of a stopped task mean here, and where to look (ECS's "stopped tasks
#: errors" guide). The code heads the stoppedReason ("CannotPullContainerError: ...").
#: The codes stay AWS's; the meanings are said with `_` where shown.
TASK_CODES = {
    "CannotPullContainerError": N_(
        "ECS could not pull the container's image: the image named in the task definition "
        "does not exist, or the task cannot reach its registry (private subnets reach "
        "Docker Hub through the NAT gateways)."
    ),
    "ResourceInitializationError": N_(
        "ECS could not prepare the task before its containers: a secret, a log group or "
        "the registry was out of reach, or the execution role lacks a permission."
    ),
    "CannotStartContainerError": N_("The image was pulled, but its container could not start."),
    "EssentialContainerExited": N_("An essential container exited, which stops the whole task."),
}
#: The stoppedReason ECS gives a task it replaced for failing its health checks.
ELB_FAILED = "Task failed ELB health checks"
#: Stop codes of a task that failed by itself (not stopped by a person or a scale-in).
FAILED_CODES = ("TaskFailedToStart", "EssentialContainerExited")
#: The official image; "nginx/<anything>" names another Docker Hub user's repository.
OFFICIAL_NGINX = "nginx:latest"

#: What AWS's target health reason codes mean here (ELB's DescribeTargetHealth reference),
#: said with `_` where shown.
TARGET_CODES = {
    "Target.ResponseCodeMismatch": N_(
        "The health check got an HTTP answer, but not one the matcher accepts: the path "
        "asked for is one the container does not serve."
    ),
    "Target.Timeout": N_(
        "The health check got no answer in time: a security group (module nginx_sg) or the "
        "container port keeps the load balancer out, or the container is overloaded."
    ),
    "Target.FailedHealthChecks": N_(
        "The health check could not connect: nothing listens on the target's port."
    ),
}


# --- why tasks stop ----------------------------------------------------------------------


@dataclass
class TaskPicture:
    """The service and its tasks of the revision it runs, at one moment."""

    service: dict[str, Any] | None
    running: int = 0
    stopped: list[dict[str, Any]] = field(default_factory=list)

    @property
    def revision(self) -> str:
        return diagram.revision_of(self.service["taskDefinition"]) if self.service else ""

    @property
    def serving(self) -> bool:
        """No service at all, or all its desired tasks of its revision run."""
        if self.service is None:
            return True
        return self.running >= int(self.service["desiredCount"])


def _task_picture() -> TaskPicture:
    ecs, cluster = clients.client("ecs"), _name(book.CLUSTER)
    found = ecs.describe_services(cluster=cluster, services=[_name(book.SERVICE)])
    services = [s for s in found.get("services", []) if s.get("status") == "ACTIVE"]
    if not services:
        return TaskPicture(None)
    picture = TaskPicture(services[0])
    arns = ecs.list_tasks(cluster=cluster, serviceName=_name(book.SERVICE), desiredStatus="STOPPED")
    arns_running = ecs.list_tasks(cluster=cluster, serviceName=_name(book.SERVICE))
    wanted = picture.service["taskDefinition"] if picture.service else ""
    for task in _describe(ecs, cluster, arns["taskArns"] + arns_running["taskArns"]):
        if task["taskDefinitionArn"] != wanted:
            continue
        if _failed(task):
            picture.stopped.append(task)
        elif task.get("lastStatus") == "RUNNING":
            picture.running += 1
    return picture


def _failed(task: dict[str, Any]) -> bool:
    """Did the task stop by failing (not by StopTask or a scale-in)?"""
    reason = str(task.get("stoppedReason", ""))
    return str(task.get("stopCode", "")) in FAILED_CODES or reason.startswith(ELB_FAILED)


def _describe(ecs: Any, cluster: str, arns: list[str]) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = []
    for start in range(0, len(arns), 100):  # DescribeTasks takes at most 100 tasks
        tasks += ecs.describe_tasks(cluster=cluster, tasks=arns[start : start + 100])["tasks"]
    return tasks


def _name(book_name: str) -> str:
    from ecslab.book import lab_name

    return lab_name(book_name)


def task_failure(wait: float = 60.0) -> Result:
    """Why the service's tasks stop, from the stoppedReason ECS gives them; passes when the
    tasks of the revision the service runs are all running and none of them stopped.

    Waits (up to `wait` AWS seconds) for one or the other: a task fails within moments of
    its start, a healthy rollout takes longer. Tasks of other revisions do not count: after
    a fix that registered a new revision, the old revision's failures are history.
    """
    picture = until(_task_picture, lambda p: p.serving or bool(p.stopped), wait)
    service = picture.service
    if service is None:
        return Result(
            "task-failure",
            False,
            _("No ACTIVE service {service!r}").format(service=_name(book.SERVICE)),
            hint=_("Write service.tf (listing 9.4), then plan and apply."),
            facts={"exists": False},
        )
    if picture.serving or not picture.stopped:
        return _no_failure(picture)
    task = max(picture.stopped, key=lambda t: str(t.get("stoppedAt", "")))
    text = str(task.get("stoppedReason", ""))
    code = reason_code(text)
    image = _image(service["taskDefinition"])
    facts = {
        "exists": True,
        "revision": picture.revision,
        "latest_revision": _latest_revision(),
        "stopped_reason": text,
        "stop_code": task.get("stopCode", ""),
        "image": image,
        "running": picture.running,
    }
    return Result(
        "task-failure",
        False,
        _("Tasks of {revision} stop: {why}").format(
            revision=picture.revision, why=code or _plain(text)
        ),
        [
            _("stopped reason: {reason}").format(reason=text),
            _("image of {revision}: {image}").format(revision=picture.revision, image=image),
        ],
        hint=_task_hint(code, text, facts),
        facts=facts,
        reason=code,
    )


def _plain(stopped_reason: str) -> str:
    """A stopped reason without an AWS code, said without its volatile ARNs."""
    if stopped_reason.startswith(ELB_FAILED):
        return _("they failed the load balancer's health checks")
    return _("see the stopped reason")


def _no_failure(picture: TaskPicture) -> Result:
    desired = picture.service["desiredCount"] if picture.service else 0
    passed = picture.running >= desired
    summary = (
        _("No task of {revision} stopped: {running} of {desired} running")
        if passed
        else _("Tasks of {revision} are still starting: {running} of {desired} running")
    ).format(revision=picture.revision, running=picture.running, desired=desired)
    return Result(
        "task-failure",
        passed,
        summary,
        hint=_("Wait a little and run this check again; `ecslab ps` lists the tasks."),
        facts={"exists": True, "revision": picture.revision, "running": picture.running},
    )


def _image(task_definition_arn: str) -> str:
    found = clients.client("ecs").describe_task_definition(taskDefinition=task_definition_arn)
    containers = found["taskDefinition"].get("containerDefinitions", [])
    return str(containers[0].get("image", "")) if containers else ""


def _latest_revision() -> str:
    """The family's latest ACTIVE revision: what DescribeTaskDefinition gives for a family
    named without a revision (as `--task-definition example` means)."""
    try:
        found = clients.client("ecs").describe_task_definition(taskDefinition=_name(book.FAMILY))
    except ClientError:
        return ""
    td = found["taskDefinition"]
    return f"{td['family']}:{td['revision']}"


def _task_hint(code: str, text: str, facts: dict[str, Any]) -> str:
    """What the code means, what to change, and whether the change can reach the service."""
    if text.startswith(ELB_FAILED):
        meaning = _(
            "ECS stopped the task because the load balancer found it unhealthy after the "
            "grace period (health_check_grace_period_seconds). `checks.target_health()` says why."
        )
    elif code in TASK_CODES:
        meaning = _(TASK_CODES[code])
    else:
        meaning = _("Read the stopped reason: it is AWS's own explanation.")
    image = str(facts["image"])
    if code == "CannotPullContainerError" and image.startswith("nginx/"):
        meaning = _(
            '{meaning} "{image}" names a repository "{repository}" of a Docker Hub user '
            'called "nginx", not the official image: write "image": "{official}" in '
            "container_definitions.json, then plan and apply."
        ).format(
            meaning=meaning,
            image=image,
            repository=image.split("/", 1)[1].split(":")[0],
            official=OFFICIAL_NGINX,
        )
    latest, running = facts["latest_revision"], facts["revision"]
    if latest and latest != running:
        meaning = _(
            "{meaning} Your latest revision is {latest}, but the service still runs "
            "{running}: with ignore_changes = [task_definition] Terraform no longer updates "
            "the service's task definition after creating it."
        ).format(meaning=meaning, latest=latest, running=running)
    return meaning


# --- why targets are unhealthy -----------------------------------------------------------


@dataclass(frozen=True)
class TargetPicture:
    """The chapter's target group: its health check settings and its targets' health."""

    group: dict[str, Any] | None
    health: tuple[dict[str, Any], ...] = ()

    def states(self) -> list[str]:
        return [str(d["TargetHealth"]["State"]) for d in self.health]

    @property
    def healthy(self) -> bool:
        """Targets registered, and every one of them healthy."""
        states = self.states()
        return bool(states) and all(s == "healthy" for s in states)

    @property
    def settled(self) -> bool:
        """The load balancer has a verdict: every target healthy, or one unhealthy."""
        return self.healthy or bool(self.unhealthy())

    def unhealthy(self) -> list[dict[str, Any]]:
        """The TargetHealth of each unhealthy target."""
        return [d["TargetHealth"] for d in self.health if d["TargetHealth"]["State"] == "unhealthy"]


def _target_picture() -> TargetPicture:
    elbv2, name = clients.client("elbv2"), _name(book.TARGET_GROUP)
    groups = [
        g
        for g in elbv2.describe_target_groups().get("TargetGroups", [])
        if g["TargetGroupName"] == name
    ]
    if not groups:
        return TargetPicture(None)
    found = elbv2.describe_target_health(TargetGroupArn=groups[0]["TargetGroupArn"])
    return TargetPicture(groups[0], tuple(found["TargetHealthDescriptions"]))


def target_health(wait: float = 60.0, changed: bool = False) -> Result:
    """Why the load balancer finds the tasks unhealthy, from the target group's reason
    codes and its own health check; passes when every registered target is healthy.

    Waits (up to `wait` AWS seconds) until the load balancer has a verdict: every target
    healthy, or one unhealthy. It reports what the load balancer reports now: right after
    a fix, a target stays unhealthy until it passes `healthy_threshold` checks in a row
    (`checks.service_steady()` waits for that). Right after a change to the health
    check itself, the targets still show the verdict of the old one: `changed=True` waits
    for the checks that follow (up to `wait`, sooner if a target turns unhealthy).
    """

    def verdict(picture: TargetPicture) -> bool:
        if picture.group is None:
            return True
        return bool(picture.unhealthy()) if changed else picture.settled

    picture = until(_target_picture, verdict, wait)
    group = picture.group
    if group is None:
        return Result(
            "target-health",
            False,
            _("No target group {group!r}").format(group=_name(book.TARGET_GROUP)),
            hint=_("The loadbalancer module makes it: run the setup cell."),
            facts={"exists": False},
        )
    check = _health_check(group)
    facts = {"exists": True, **check, "states": picture.states()}
    said = _("health check: GET {path} on the traffic port, expects HTTP {matcher}").format(
        path=check["path"], matcher=check["matcher"]
    )
    unhealthy = picture.unhealthy()
    if not unhealthy:
        return _targets_fine(group, picture, said, facts)
    code = str(unhealthy[0].get("Reason", ""))
    description = str(unhealthy[0].get("Description", ""))
    facts |= {"reason": code, "description": description}
    return Result(
        "target-health",
        False,
        _("Targets of target group {group!r} are unhealthy: {code}").format(
            group=group["TargetGroupName"], code=code
        ),
        [said, f"AWS: {description}"],
        hint=_target_hint(code, check, "healthy" not in picture.states()),
        facts=facts,
        reason=code,
    )


def _health_check(group: dict[str, Any]) -> dict[str, Any]:
    return {
        "path": group.get("HealthCheckPath", "/"),
        "matcher": (group.get("Matcher") or {}).get("HttpCode", "200"),
        "port": group.get("HealthCheckPort", "traffic-port"),
    }


def _targets_fine(
    group: dict[str, Any], picture: TargetPicture, said: str, facts: dict[str, Any]
) -> Result:
    states = picture.states()
    healthy = bool(states) and all(s == "healthy" for s in states)
    summary = (
        ngettext(
            "The {count} target of target group {group!r} is healthy",
            "All {count} targets of target group {group!r} are healthy",
            len(states),
        )
        if healthy
        else _("Target group {group!r}: no healthy target yet")
    ).format(count=len(states), group=group["TargetGroupName"])
    hint = _("Is the service running (checks.service_steady())? Its tasks register themselves.")
    return Result("target-health", healthy, summary, [said], hint=hint, facts=facts)


def _target_hint(code: str, check: dict[str, Any], all_unhealthy: bool) -> str:
    if code in TARGET_CODES:
        meaning = _(TARGET_CODES[code])
    else:
        meaning = _("Read AWS's description: it says what the check got.")
    if code == "Target.ResponseCodeMismatch" and check["path"] != "/":
        meaning = _(
            "{meaning} nginx's default site serves '/' (its welcome page), not {path}: put "
            "the health check's path back to '/' (the target group's health_check in the "
            "loadbalancer module), and plan and apply."
        ).format(meaning=meaning, path=check["path"])
    routing = (
        _(
            "{meaning} Meanwhile the load balancer, with every target unhealthy, fails open: "
            "it routes to all of them. After the grace period, ECS replaces each unhealthy task."
        )
        if all_unhealthy
        else _(
            "{meaning} Meanwhile the load balancer routes only to the healthy targets. After "
            "the grace period, ECS replaces each unhealthy task."
        )
    )
    return routing.format(meaning=meaning)
