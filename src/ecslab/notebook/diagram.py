"""Diagrams as SVG, drawn in Python: the building blocks (9.1) and what was built (live).

Why not Graphviz: it is one more system package for a handful of boxes and arrows, and
its layout moves when a label changes. These diagrams are fixed layouts, so the SVG is
small, stable (the notebooks' stored outputs can be compared) and needs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from botocore.exceptions import ClientError

from ecslab.account import clients
from ecslab.book import CLUSTER, LOAD_BALANCER, LOG_GROUP, SERVICE, TARGET_GROUP, lab_name
from ecslab.i18n import N_, _, ngettext

FONT = "font-family='DejaVu Sans, Arial, sans-serif'"
#: A task whose IP is not in the target group (data: the live diagram colours it grey).
NOT_REGISTERED = N_("not registered")
COLORS = {
    "alb": "#e8f0fe",
    "tg": "#fef7e0",
    "cluster": "#f1f3f4",
    "service": "#e6f4ea",
    "task": "#ffffff",
    "taskdef": "#fce8e6",
    "logs": "#f3e8fd",
    "healthy": "#188038",
    "unhealthy": "#d93025",
    "other": "#80868b",
}


@dataclass
class Canvas:
    """An SVG drawing of fixed size, built element by element."""

    width: int
    height: int
    parts: list[str] = field(default_factory=list)

    def box(self, x: int, y: int, w: int, h: int, lines: list[str], fill: str, **kw: Any) -> None:
        """A rounded box with a bold first line and plain further lines."""
        dash = " stroke-dasharray='5,4'" if kw.get("dashed") else ""
        stroke = kw.get("stroke", "#5f6368")
        self.parts.append(
            f"<rect x='{x}' y='{y}' width='{w}' height='{h}' rx='8' fill='{fill}' "
            f"stroke='{stroke}' stroke-width='1.5'{dash}/>"
        )
        for i, text in enumerate(lines):
            weight = "bold" if i == 0 else "normal"
            self.text(x + 10, y + 20 + 16 * i, text, weight=weight)

    def text(self, x: int, y: int, text: str, weight: str = "normal", size: int = 13) -> None:
        """A line of text (escaped)."""
        self.parts.append(
            f"<text x='{x}' y='{y}' {FONT} font-size='{size}' font-weight='{weight}' "
            f"fill='#202124'>{escape(text)}</text>"
        )

    def arrow(
        self, x1: int, y1: int, x2: int, y2: int, label: str = "", dashed: bool = False
    ) -> None:
        """An arrow from (x1, y1) to (x2, y2), with an optional label at its middle."""
        dash = " stroke-dasharray='5,4'" if dashed else ""
        self.parts.append(
            f"<line x1='{x1}' y1='{y1}' x2='{x2}' y2='{y2}' stroke='#3c4043' "
            f"stroke-width='1.5' marker-end='url(#arrow)'{dash}/>"
        )
        if label:
            self.text((x1 + x2) // 2 - 3 * len(label), (y1 + y2) // 2 - 6, label, size=11)

    def svg(self) -> str:
        """The finished SVG document."""
        marker = (
            "<defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='8' "
            "markerHeight='8' orient='auto-start-reverse'><path d='M 0 0 L 10 5 L 0 10 z' "
            "fill='#3c4043'/></marker></defs>"
        )
        body = "".join(self.parts)
        return (
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{self.width}' "
            f"height='{self.height}' viewBox='0 0 {self.width} {self.height}'>{marker}{body}</svg>"
        )


class Svg:
    """An SVG for Jupyter (image/svg+xml) with a short, stable text form."""

    def __init__(self, svg: str, text: str) -> None:
        self.svg = svg
        self.text = text

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return self.text


def building_blocks() -> Svg:
    """Figure 9.1 in this lab's words: how the ECS pieces and the ALB fit together."""
    c = Canvas(840, 330)
    c.box(10, 135, 95, 50, [_("Internet"), _("browser")], "#ffffff")
    c.box(135, 120, 120, 80, ["ALB", _("listener :80"), _("(chapter 8)")], COLORS["alb"])
    tg = [_("Target group"), "example", _("target type: ip")]
    c.box(315, 120, 135, 80, tg, COLORS["tg"])
    c.box(480, 10, 350, 310, [_("ECS cluster  {name}").format(name="example")], COLORS["cluster"])
    service = [_("ECS service  {name}").format(name="example"), "desired_count = 2"]
    c.box(495, 40, 320, 165, service, COLORS["service"])
    for x, ip in ((505, "10.0.65.x"), (660, "10.0.66.x")):
        c.box(x, 95, 145, 95, [_("task"), _("nginx container"), f"IP {ip}"], COLORS["task"])
    definition = [
        _("Task definition  {name}").format(name="example:1"),
        _("the class: image, cpu, memory, ports"),
    ]
    c.box(495, 240, 320, 65, definition, COLORS["taskdef"], dashed=True)
    c.arrow(105, 160, 135, 160)
    c.arrow(255, 160, 315, 160)
    c.text(262, 152, _("forward"), size=11)
    c.arrow(450, 150, 505, 140)
    c.arrow(450, 170, 660, 175)
    c.arrow(575, 240, 575, 190, dashed=True)
    c.text(582, 225, _("instances"), size=11)
    c.arrow(730, 240, 730, 190, dashed=True)
    c.arrow(495, 60, 430, 120, dashed=True)
    c.text(330, 85, _("registers"), size=11)
    c.text(330, 99, _("task IPs"), size=11)
    text = _(
        "Diagram: Internet → ALB → target group → 2 tasks of service 'example' in cluster 'example'"
    )
    return Svg(c.svg(), text)


# --- what was built (live) -------------------------------------------------------------


@dataclass(frozen=True)
class TaskView:
    """One running (or stopping) task, as the live diagram shows it."""

    task_id: str
    ip: str
    revision: str
    status: str
    health: str


@dataclass
class Inventory:
    """The live resources of the chapter: what exists right now in the cloud."""

    load_balancer: str = ""
    target_group: str = ""
    cluster: str = ""
    service: str = ""
    desired: int = 0
    running: int = 0
    service_revision: str = ""
    tasks: list[TaskView] = field(default_factory=list)
    log_group: str = ""
    log_streams: int = 0


def inventory(cluster: str | None = None, service: str | None = None) -> Inventory:
    """Read the chapter's resources from the cloud (missing pieces stay empty); names
    default to the chapter's, prefixed in AWS mode (ecslab.book.lab_name)."""
    inv = Inventory()
    _load_balancer(inv)
    _service(inv, cluster or lab_name(CLUSTER), service or lab_name(SERVICE))
    _logs(inv, lab_name(LOG_GROUP))
    return inv


def _load_balancer(inv: Inventory) -> None:
    elbv2 = clients.client("elbv2")
    lbs = elbv2.describe_load_balancers().get("LoadBalancers", [])
    inv.load_balancer = next(
        (lb["LoadBalancerName"] for lb in lbs if lb["LoadBalancerName"] == lab_name(LOAD_BALANCER)),
        "",
    )
    group = _target_group(elbv2)
    inv.target_group = group["TargetGroupName"] if group else ""


def _target_group(elbv2: Any) -> dict[str, Any] | None:
    """The chapter's target group (by its lab name), or None: never someone else's."""
    groups = elbv2.describe_target_groups().get("TargetGroups", [])
    wanted = lab_name(TARGET_GROUP)
    return next((g for g in groups if g["TargetGroupName"] == wanted), None)


def target_health(group_arn: str | None = None) -> dict[str, str]:
    """{target IP: state} of the chapter's target group."""
    elbv2 = clients.client("elbv2")
    if group_arn is None:
        group = _target_group(elbv2)
        if group is None:
            return {}
        group_arn = group["TargetGroupArn"]
    found = elbv2.describe_target_health(TargetGroupArn=group_arn)["TargetHealthDescriptions"]
    return {d["Target"]["Id"]: d["TargetHealth"]["State"] for d in found}


def target_reasons(group_arn: str | None = None) -> dict[str, tuple[str, str]]:
    """{target IP: (AWS's reason code, its description)} of the targets that are not
    healthy, e.g. ("Target.ResponseCodeMismatch", "Health checks failed with these codes:
    [404]")."""
    elbv2 = clients.client("elbv2")
    group = {"TargetGroupArn": group_arn} if group_arn else _target_group(elbv2)
    if group is None:
        return {}
    found = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
    return {
        d["Target"]["Id"]: (
            d["TargetHealth"].get("Reason", ""),
            d["TargetHealth"].get("Description", ""),
        )
        for d in found["TargetHealthDescriptions"]
        if d["TargetHealth"]["State"] != "healthy" and d["TargetHealth"].get("Reason")
    }


def _service(inv: Inventory, cluster: str, service: str) -> None:
    ecs = clients.client("ecs")
    clusters = ecs.describe_clusters(clusters=[cluster]).get("clusters", [])
    if not clusters or clusters[0].get("status") != "ACTIVE":
        return
    inv.cluster = cluster
    found = ecs.describe_services(cluster=cluster, services=[service]).get("services", [])
    if not found or found[0].get("status") != "ACTIVE":
        return
    svc = found[0]
    inv.service, inv.desired, inv.running = service, svc["desiredCount"], svc["runningCount"]
    inv.service_revision = revision_of(svc["taskDefinition"])
    inv.tasks = tasks(cluster, service)


def tasks(cluster: str | None = None, service: str | None = None) -> list[TaskView]:
    """The service's tasks with their IP, revision, status and target health (names
    default to the chapter's, prefixed in AWS mode)."""
    cluster, service = cluster or lab_name(CLUSTER), service or lab_name(SERVICE)
    ecs = clients.client("ecs")
    try:
        arns = ecs.list_tasks(cluster=cluster, serviceName=service).get("taskArns", [])
    except ClientError as e:  # no cluster (yet, or any more): no tasks
        if e.response.get("Error", {}).get("Code") != "ClusterNotFoundException":
            raise
        return []
    if not arns:
        return []
    health = target_health()
    described = ecs.describe_tasks(cluster=cluster, tasks=arns).get("tasks", [])
    views = [_task_view(t, health) for t in described]
    return sorted(views, key=lambda v: v.ip)


def _task_view(task: dict[str, Any], health: dict[str, str]) -> TaskView:
    ip = ""
    for attachment in task.get("attachments", []):
        for detail in attachment.get("details", []):
            if detail.get("name") == "privateIPv4Address":
                ip = detail.get("value", "")
    return TaskView(
        task_id=task["taskArn"].rsplit("/", 1)[-1],
        ip=ip,
        revision=revision_of(task["taskDefinitionArn"]),
        status=task.get("lastStatus", ""),
        health=health.get(ip, NOT_REGISTERED),
    )


def revision_of(arn: str) -> str:
    """`example:2` from a task definition ARN."""
    return arn.rsplit("/", 1)[-1]


def _logs(inv: Inventory, group: str) -> None:
    logs = clients.client("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix=group).get("logGroups", [])
    if any(g["logGroupName"] == group for g in groups):
        inv.log_group = group
        streams = logs.describe_log_streams(logGroupName=group).get("logStreams", [])
        inv.log_streams = len(streams)


def live(inv: Inventory) -> Svg:
    """The live resources as a diagram: ALB → target group → tasks (with health)."""
    rows = max(2, len(inv.tasks))
    none = _("(none)")
    c = Canvas(820, 160 + 60 * rows)
    c.box(10, 60, 150, 60, ["ALB", inv.load_balancer or none], COLORS["alb"])
    c.box(190, 60, 170, 60, [_("Target group"), inv.target_group or none], COLORS["tg"])
    c.arrow(160, 90, 190, 90)
    cluster_label = _("ECS cluster  {name}").format(name=inv.cluster or none)
    c.box(390, 10, 420, 80 + 60 * rows, [cluster_label], COLORS["cluster"])
    c.text(400, 50, _service_line(inv), weight="bold", size=12)
    for i, task in enumerate(inv.tasks):
        y = 65 + 60 * i
        stroke = COLORS.get(task.health, COLORS["other"])
        health = _(NOT_REGISTERED) if task.health == NOT_REGISTERED else task.health
        lines = [
            _("task {id}… {revision}").format(id=task.task_id[:8], revision=task.revision),
            f"{task.ip}  {task.status}, {health}",
        ]
        c.box(405, y, 390, 50, lines, COLORS["task"], stroke=stroke)
        c.arrow(360, 90, 405, y + 25)
    if not inv.tasks:
        c.text(405, 85, _("no tasks"))
    c.box(10, 100 + 60 * rows, 370, 50, ["CloudWatch Logs", _logs_line(inv)], COLORS["logs"])
    return Svg(c.svg(), summary(inv))


def _service_line(inv: Inventory) -> str:
    """`service example: 2/2 running, runs example:1`, or that there is none."""
    if not inv.service:
        return _("no service")
    return _("service {name}: {running}/{desired} running, runs {revision}").format(
        name=inv.service, running=inv.running, desired=inv.desired, revision=inv.service_revision
    )


def _logs_line(inv: Inventory) -> str:
    """`/ecs/example: 2 log streams`, or that there is no log group."""
    if not inv.log_group:
        return _("no log group")
    return ngettext(
        "{group}: {count} log stream", "{group}: {count} log streams", inv.log_streams
    ).format(group=inv.log_group, count=inv.log_streams)


def summary(inv: Inventory) -> str:
    """The live inventory in one stable paragraph (for text outputs and tests)."""
    healthy = sum(t.health == "healthy" for t in inv.tasks)
    return _(
        "ALB {load_balancer} → target group {target_group} → {tasks} tasks ({healthy} "
        "healthy); service {service} {running}/{desired} on {revision} in cluster "
        "{cluster}; log group {log_group}"
    ).format(
        load_balancer=inv.load_balancer or "-",
        target_group=inv.target_group or "-",
        tasks=len(inv.tasks),
        healthy=healthy,
        service=inv.service or "-",
        running=inv.running,
        desired=inv.desired,
        revision=inv.service_revision or "-",
        cluster=inv.cluster or "-",
        log_group=inv.log_group or "-",
    )
