"""The lab's checks: did what the learner built really happen? (`ecslab check [NAME]`)

Each check asks the cloud (the local cloud, or AWS) through its public API, as a learner
with the AWS console would, and returns a `Result`: pass or fail, what was found, and on
failure a hint of what to look at next. Checks never raise for a failure; they raise
ecslab errors only when they cannot ask at all. The same functions serve the notebooks
(a result shows itself as a green or red box), the tests and the CLI.

Checks that wait for something real (a rollout, a log event) poll until a deadline; the
deadline is in AWS seconds, divided by the local cloud's time scale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from botocore.exceptions import BotoCoreError, ClientError

from ecslab import settings
from ecslab.account import clients, policies
from ecslab.book import (
    CLUSTER,
    CONTAINER,
    FAMILY,
    LOAD_BALANCER,
    LOG_GROUP,
    ROLE,
    SERVICE,
    lab_name,
)
from ecslab.errors import EcslabError
from ecslab.i18n import N_, _, ngettext
from ecslab.notebook import diagram, polling, task_size
from ecslab.notebook.diagnose import target_health, task_failure
from ecslab.notebook.result import Result, page, reason_code
from ecslab.tf import workspace

__all__ = ["CHECKS", "Result", "lab_name", "reason_code", "run", "target_health", "task_failure"]

WELCOME = "Welcome to nginx!"


def _call(what: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """One AWS call; failures of the call itself become an ecslab error (`what` is marked
    with N_ where it is written, and said in the learner's language here)."""
    try:
        return fn(**kwargs)
    except (BotoCoreError, ClientError) as e:
        raise EcslabError(
            _("Could not {what}: {error}").format(what=_(what), error=e),
            hint=_("Is the local cloud running? `ecslab status`"),
        ) from e


# --- environment ------------------------------------------------------------------------


def environment() -> Result:
    """Terraform, the AWS provider and the cloud endpoint are ready (ecslab.account.preflight)."""
    from ecslab.account import preflight

    found = preflight.run()
    failed = [c for c in found if not c.ok]
    details = [
        _("{name}: {state}").format(name=c.name, state=_("ok") if c.ok else _("MISSING"))
        for c in found
    ]
    if failed:
        return Result(
            "environment",
            False,
            _("The environment is not ready"),
            details,
            " ".join(c.hint for c in failed if c.hint),
        )
    ready = _("Environment ready (target: {target})").format(target=settings.target())
    return Result("environment", True, ready, details)


# --- 9.3 --------------------------------------------------------------------------------


def cluster_active(name: str | None = None) -> Result:
    """The ECS cluster of listing 9.1 exists and is ACTIVE."""
    name = name or lab_name(CLUSTER)
    found = _call(N_("describe clusters"), clients.client("ecs").describe_clusters, clusters=[name])
    clusters = [c for c in found.get("clusters", []) if c.get("status") == "ACTIVE"]
    failures = found.get("failures", [])
    facts = {"cluster": name, "exists": bool(clusters)}
    if not clusters:
        return Result(
            "cluster",
            False,
            _("No ACTIVE ECS cluster named {name!r}").format(name=name),
            hint=_("Write cluster.tf (listing 9.1), then plan and apply."),
            facts=facts,
            reason=failures[0].get("reason", "") if failures else "",
        )
    return Result(
        "cluster", True, _("ECS cluster {name!r} is ACTIVE").format(name=name), facts=facts
    )


def expected_size(name: str = task_size.FILE) -> tuple[int, int]:
    """The cpu and memory the learner's task definition asks for (default: the book's),
    read as Terraform reads the file (ecslab.notebook.task_size)."""
    try:
        size = task_size.read(workspace.root(), name)
    except EcslabError:  # a half-written file: the book's size until it reads again
        size = None
    return (size.cpu, size.memory) if size else (256, 512)


def latest_task_definition(family: str | None = None) -> dict[str, Any] | None:
    """The latest ACTIVE revision of the family, or None."""
    family = family or lab_name(FAMILY)
    ecs = clients.client("ecs")
    arns = _call(
        N_("list task definitions"),
        ecs.list_task_definitions,
        familyPrefix=family,
        status="ACTIVE",
        sort="DESC",
    ).get("taskDefinitionArns", [])
    arns = [a for a in arns if diagram.revision_of(a).split(":")[0] == family]
    if not arns:
        return None
    found = _call(
        N_("describe the task definition"), ecs.describe_task_definition, taskDefinition=arns[0]
    )
    result: dict[str, Any] = found["taskDefinition"]
    return result


def task_definition(
    cpu: int | None = None, memory: int | None = None, execution_role: bool = False
) -> Result:
    """The latest revision has the expected size (default: your file's), Fargate, awsvpc.

    With execution_role=True it must also have the task execution role of listing 9.8.
    """
    want_cpu, want_memory = expected_size()
    want_cpu, want_memory = cpu or want_cpu, memory or want_memory
    td = latest_task_definition()
    if td is None:
        return Result(
            "task-definition",
            False,
            _("No task definition of family {family!r}").format(family=lab_name(FAMILY)),
            hint=_("Write task_definition.tf (listing 9.2), then plan and apply."),
            facts={"exists": False},
        )
    name = f"{td['family']}:{td['revision']}"
    facts = _task_definition_facts(td)
    problems = _task_definition_problems(td, want_cpu, want_memory, execution_role)
    details = [
        _("size: {cpu} CPU units, {memory} MiB").format(cpu=td.get("cpu"), memory=td.get("memory")),
        _("network mode: {mode}; requires: {requires}").format(
            mode=td.get("networkMode"), requires=", ".join(td.get("requiresCompatibilities", []))
        ),
    ]
    if execution_role:
        role = facts["execution_role"] or _("(none)")
        details.append(_("execution role: {role}").format(role=role))
    if problems:
        return Result(
            "task-definition",
            False,
            _("Task definition {name}: {problem}").format(name=name, problem=problems[0]),
            details,
            hint=_("Compare your task_definition.tf with listing 9.2/9.9, then plan and apply."),
            facts=facts | {"problems": problems},
        )
    fine = _("Task definition {name} is as expected").format(name=name)
    return Result("task-definition", True, fine, details, facts=facts)


def _task_definition_facts(td: dict[str, Any]) -> dict[str, Any]:
    return {
        "exists": True,
        "revision": f"{td['family']}:{td['revision']}",
        "cpu": int(td.get("cpu") or 0),
        "memory": int(td.get("memory") or 0),
        "network_mode": td.get("networkMode", ""),
        "requires_compatibilities": list(td.get("requiresCompatibilities", [])),
        "execution_role": _role_name(td.get("executionRoleArn")),
    }


def _task_definition_problems(
    td: dict[str, Any], cpu: int, memory: int, execution_role: bool
) -> list[str]:
    problems = []
    if (str(td.get("cpu")), str(td.get("memory"))) != (str(cpu), str(memory)):
        problems.append(
            _("size is {cpu}/{memory}, expected {want_cpu}/{want_memory}").format(
                cpu=td.get("cpu"), memory=td.get("memory"), want_cpu=cpu, want_memory=memory
            )
        )
    if td.get("networkMode") != "awsvpc":
        problems.append(_("network_mode must be awsvpc for Fargate"))
    if "FARGATE" not in td.get("requiresCompatibilities", []):
        problems.append(_('requires_compatibilities must contain "FARGATE"'))
    if execution_role and _role_name(td.get("executionRoleArn")) != lab_name(ROLE):
        problems.append(
            _("execution_role_arn is not the role {role!r} (listing 9.9)").format(
                role=lab_name(ROLE)
            )
        )
    return problems


def _role_name(arn: str | None) -> str:
    """The role's name from its ARN ("" for no role)."""
    return arn.rsplit("/", 1)[-1] if arn else ""


def _describe_service() -> dict[str, Any] | None:
    found = _call(
        N_("describe the service"),
        clients.client("ecs").describe_services,
        cluster=lab_name(CLUSTER),
        services=[lab_name(SERVICE)],
    )
    services = [s for s in found.get("services", []) if s.get("status") == "ACTIVE"]
    return services[0] if services else None


@dataclass(frozen=True)
class ServiceState:
    """The service and its tasks at one moment, as the checks decide on them."""

    service: dict[str, Any] | None
    tasks: list[diagram.TaskView]

    def steady(self, count: int) -> bool:
        """`count` tasks desired and running, one deployment, every task healthy."""
        svc = self.service
        return (
            svc is not None
            and svc["desiredCount"] == count
            and svc["runningCount"] == count
            and len(svc.get("deployments", [])) == 1
            and len(self.tasks) == count  # a task still stopping is one too many
            and all(t.health == "healthy" for t in self.tasks)
        )

    def facts(self) -> dict[str, Any]:
        svc = self.service or {}
        return {
            "exists": self.service is not None,
            "desired": svc.get("desiredCount", 0),
            "running": svc.get("runningCount", 0),
            "pending": svc.get("pendingCount", 0),
            "deployments": len(svc.get("deployments", [])),
            "revision": diagram.revision_of(svc["taskDefinition"]) if svc else "",
            "tasks": [t.task_id for t in self.tasks],
            "healthy": sum(t.health == "healthy" for t in self.tasks),
        }


def service_state() -> ServiceState:
    """The chapter's service (prefixed in AWS mode) and its tasks, now."""
    svc = _describe_service()
    return ServiceState(svc, diagram.tasks() if svc else [])


def service_steady(count: int = 2, wait: float = 120.0) -> Result:
    """The service runs `count` tasks of one deployment, all healthy behind the ALB."""
    state = polling.until(service_state, lambda s: s.service is None or s.steady(count), wait)
    svc = state.service
    if svc is None:
        return Result(
            "service",
            False,
            _("No ACTIVE service {service!r} in cluster {cluster!r}").format(
                service=lab_name(SERVICE), cluster=lab_name(CLUSTER)
            ),
            hint=_("Write service.tf (listing 9.4), then plan and apply."),
            facts=state.facts(),
        )
    details = [
        _(
            "desired {desired}, running {running}, pending {pending}, deployments {deployments}"
        ).format(
            desired=svc["desiredCount"],
            running=svc["runningCount"],
            pending=svc["pendingCount"],
            deployments=len(svc.get("deployments", [])),
        )
    ]
    if not state.steady(count):
        why = why_not_steady(svc)
        return Result(
            "service",
            False,
            ngettext(
                "Service {service!r} is not steady with {count} task",
                "Service {service!r} is not steady with {count} tasks",
                count,
            ).format(service=lab_name(SERVICE), count=count),
            details,
            hint=why.hint,
            facts=state.facts() | why.facts,
            reason=why.reason,
        )
    return Result(
        "service",
        True,
        ngettext(
            "Service {service!r} is steady: {count} task running, all healthy",
            "Service {service!r} is steady: {count} tasks running, all healthy",
            count,
        ).format(service=lab_name(SERVICE), count=count),
        details,
        facts=state.facts(),
    )


@dataclass(frozen=True)
class Why:
    """Why the service is not steady: AWS's code, its words, and the facts behind them."""

    reason: str
    hint: str
    facts: dict[str, Any]


def why_not_steady(svc: dict[str, Any]) -> Why:
    """What to look at: a stopped task's reason, an unhealthy target's, the latest event."""
    stopped = stopped_task()
    if stopped:
        text = stopped.get("stoppedReason", "")
        facts = {"stopped_reason": text, "stop_code": stopped.get("stopCode", "")}
        said = _("A task stopped: {reason}").format(reason=text)
        return Why(reason_code(text) or facts["stop_code"], said, facts)
    unhealthy = diagram.target_reasons()
    if unhealthy:
        ip, (code, description) = sorted(unhealthy.items())[0]
        facts = {"target_reason": code, "target_description": description}
        said = _("Target {ip} is unhealthy: {code}: {description}")
        return Why(code, said.format(ip=ip, code=code, description=description), facts)
    events = svc.get("events", [])
    if events:
        message = events[0].get("message", "")
        said = _("Latest service event: {message}").format(message=message)
        return Why("", said, {"latest_event": message})
    return Why("", _("Look at `ecslab ps` and the service's events."), {})


def stopped_task() -> dict[str, Any] | None:
    """The service's most recently stopped task (as ECS describes it), if any."""
    ecs = clients.client("ecs")
    arns = ecs.list_tasks(
        cluster=lab_name(CLUSTER), serviceName=lab_name(SERVICE), desiredStatus="STOPPED"
    ).get("taskArns", [])
    if not arns:
        return None
    found = ecs.describe_tasks(cluster=lab_name(CLUSTER), tasks=arns[:10]).get("tasks", [])
    with_reason = [t for t in found if t.get("stoppedReason")]
    return with_reason[-1] if with_reason else None


def stopped_reason() -> str:
    """The stoppedReason of the service's most recently stopped task, if any."""
    task = stopped_task()
    return str(task.get("stoppedReason", "")) if task else ""


# --- the load balancer -------------------------------------------------------------------


def lb_url() -> str:
    """The load balancer's URL: the local listener of port 80, or the ALB's DNS name."""
    if settings.target() == "aws":  # the lab's ALB (with the learner's prefix), no other
        name = lab_name(LOAD_BALANCER)
        found = clients.client("elbv2").describe_load_balancers().get("LoadBalancers", [])
        lbs = [lb for lb in found if lb["LoadBalancerName"] == name]
        if not lbs:
            raise EcslabError(
                _("No load balancer found."), hint=_("Apply the network first (9.1).")
            )
        return f"http://{lbs[0]['DNSName']}"
    from ecslab.cloud import client

    return client.url(lab_name(LOAD_BALANCER))


def _welcomed(answer: tuple[int, str]) -> bool:
    return answer[0] == 200 and WELCOME in answer[1]


def nginx_answers(wait: float = 60.0) -> Result:
    """nginx's welcome page comes back through the load balancer (the book's figure 9.2)."""
    url = lb_url()
    status, body = polling.until(lambda: _get(url), _welcomed, wait)
    facts = {"url": url, "status": status, "welcome": WELCOME in body}
    if _welcomed((status, body)):
        return Result(
            "nginx",
            True,
            _('nginx answers through the load balancer: HTTP 200, "{welcome}"').format(
                welcome=WELCOME
            ),
            [f"URL: {url}"],
            html_extra=page(url, body),
            facts=facts,
        )
    hint, reason = _lb_hint(status)
    summary = (
        _("The load balancer answers HTTP {status}, not nginx's page").format(status=status)
        if status
        else _("The load balancer answers HTTP nothing, not nginx's page")
    )
    return Result(
        "nginx",
        False,
        summary,
        [f"URL: {url}"],
        hint=hint,
        facts=facts,
        reason=reason,
    )


def _get(url: str) -> tuple[int, str]:
    try:
        response = requests.get(url, timeout=5)
    except requests.RequestException:
        return 0, ""
    return response.status_code, response.text


def _lb_hint(status: int) -> tuple[str, str]:
    """What to look at for the load balancer's answer, and AWS's code behind it if any."""
    if status == 503:
        task = stopped_task()
        text = str(task.get("stoppedReason", "")) if task else ""
        hint = _("503: no healthy target. Are the service's tasks running and healthy?")
        if text:
            hint = _("{hint} A task stopped: {reason}").format(hint=hint, reason=text)
        return hint, reason_code(text)
    if status == 502:
        return _("502: a target failed to answer. Is the container port 80 (container_port)?"), ""
    return _("Is the service applied (listing 9.4)? `ecslab ps` lists the tasks."), ""


# --- 9.4 --------------------------------------------------------------------------------


def log_group(name: str | None = None, retention: int = 180) -> Result:
    """The log group of listing 9.5 exists with its retention."""
    name = name or lab_name(LOG_GROUP)
    found = _call(
        N_("describe log groups"),
        clients.client("logs").describe_log_groups,
        logGroupNamePrefix=name,
    ).get("logGroups", [])
    group = next((g for g in found if g["logGroupName"] == name), None)
    if group is None:
        return Result(
            "log-group",
            False,
            _("No log group {name!r}").format(name=name),
            hint=_("Write logs.tf (listing 9.5), then plan and apply."),
            facts={"exists": False, "log_group": name},
        )
    days = group.get("retentionInDays")
    facts = {"exists": True, "log_group": name, "retention_days": days}
    if days != retention:
        return Result(
            "log-group",
            False,
            _("Log group {name!r} keeps logs {days} days").format(name=name, days=days)
            if days
            else _("Log group {name!r} keeps logs forever (no retention_in_days)").format(
                name=name
            ),
            hint=_("retention_in_days = {retention} (listing 9.5).").format(retention=retention),
            facts=facts,
        )
    fine = _("Log group {name!r} exists, retention {days} days").format(name=name, days=days)
    return Result("log-group", True, fine, facts=facts)


def execution_role(name: str | None = None) -> Result:
    """The role of listing 9.8: assumable by ECS tasks, allowed to write logs."""
    name = name or lab_name(ROLE)
    iam = clients.client("iam")
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except ClientError as e:
        return Result(
            "execution-role",
            False,
            _("No IAM role {name!r}").format(name=name),
            hint=_("Write iam.tf (listings 9.6 to 9.8), then plan and apply."),
            facts={"exists": False, "role": name},
            reason=e.response.get("Error", {}).get("Code", ""),
        )
    trusted = policies.trusted_services(role.get("AssumeRolePolicyDocument", {}))
    actions = policies.role_actions(iam, name)
    facts = {
        "exists": True,
        "role": name,
        "trusted_services": sorted(trusted),
        "may_put_log_events": policies.allows(actions, "logs:PutLogEvents"),
    }
    details = [
        _("trusted service: {services}").format(services=", ".join(sorted(trusted)) or "?"),
        _("allows logs:PutLogEvents: {answer}").format(
            answer=_("yes") if facts["may_put_log_events"] else _("no")
        ),
    ]
    if "ecs-tasks.amazonaws.com" not in trusted:
        return Result(
            "execution-role",
            False,
            _("Role {name!r} cannot be assumed by ECS tasks").format(name=name),
            details,
            hint=_('identifier = "ecs-tasks.amazonaws.com" (listing 9.8).'),
            facts=facts,
        )
    if not facts["may_put_log_events"]:
        return Result(
            "execution-role",
            False,
            _("Role {name!r} may not write logs").format(name=name),
            details,
            hint=_("source_policy_documents must hold the managed policy (9.7)."),
            facts=facts,
        )
    return Result(
        "execution-role",
        True,
        _("Role {name!r}: ECS tasks may assume it and write logs").format(name=name),
        details,
        facts=facts,
    )


def running_revision(wait: bool = False, timeout: float = 300.0) -> Result:
    """The service runs the latest revision of its task definition (not an older one).

    With wait=True, waits for a rollout to finish: the service on the latest revision and
    steady with its desired count.
    """
    return polling.until(_revision_once, lambda r: not wait or r.passed, timeout if wait else 0)


def _revision_once() -> Result:
    state, td = service_state(), latest_task_definition()
    svc = state.service
    if svc is None or td is None:
        return Result(
            "revision",
            False,
            _("No service or task definition yet"),
            hint=_("Apply section 9.3 first."),
            facts={"exists": False},
        )
    latest = f"{td['family']}:{td['revision']}"
    service_rev = diagram.revision_of(svc["taskDefinition"])
    task_revs = sorted({t.revision for t in state.tasks})
    facts = {
        "exists": True,
        "latest": latest,
        "service_revision": service_rev,
        "task_revisions": task_revs,
    }
    details = [
        _("latest revision: {revision}").format(revision=latest),
        _("service's revision: {revision}").format(revision=service_rev),
        _("running tasks' revisions: {revisions}").format(
            revisions=", ".join(task_revs) or _("none")
        ),
    ]
    if service_rev != latest:
        return Result(
            "revision",
            False,
            _("The service runs {running}, not the latest {latest}").format(
                running=service_rev, latest=latest
            ),
            details,
            hint=revision_hint(),
            facts=facts,
        )
    if task_revs != [latest] or not state.steady(svc["desiredCount"]):
        return Result(
            "revision",
            False,
            _("Rolling out {latest}: not every task runs it yet").format(latest=latest),
            details,
            hint=_("Wait for the deployment: `ecslab ps` shows the tasks."),
            facts=facts,
        )
    fine = _("The service runs the latest revision, {latest}").format(latest=latest)
    return Result("revision", True, fine, details, facts=facts)


def revision_hint() -> str:
    """How to deploy the latest revision when `ignore_changes` keeps Terraform out of it
    (the lab's names, prefixed in AWS mode)."""
    cluster, service, family = lab_name(CLUSTER), lab_name(SERVICE), lab_name(FAMILY)
    return _(
        "ignore_changes = [task_definition] (listing 9.4) keeps Terraform from updating the "
        "service. Deploy the new revision: aws ecs update-service --cluster {cluster} "
        "--service {service} --task-definition {family} --force-new-deployment (or remove "
        "the ignore_changes and apply)."
    ).format(cluster=cluster, service=service, family=family)


def stream_name(task_id: str) -> str:
    """The awslogs stream of a task: `prefix/container-name/task-id` (listing 9.3's
    awslogs-stream-prefix `nginx` and container `example`: a container's name is not
    prefixed in AWS mode, it is unique within its task definition only)."""
    return f"nginx/{CONTAINER}/{task_id}"


def logs_arrive(timeout: float = 120.0) -> Result:
    """Each running task writes to its own stream `nginx/example/<task-id>` in /ecs/example."""
    result = polling.until(_logs_once, lambda r: r.passed, timeout)
    if not result.passed and result.facts.get("log_group_exists"):
        revision = _revision_once()
        if not revision.passed:
            result.hint = _("{summary}. {hint}").format(
                summary=revision.summary, hint=revision_hint()
            )
            result.facts["revision"] = revision.facts
    return result


def _logs_once() -> Result:
    logs, group = clients.client("logs"), lab_name(LOG_GROUP)
    tasks = [t for t in diagram.tasks() if t.status == "RUNNING"]
    try:
        streams = {
            s["logStreamName"]
            for s in logs.describe_log_streams(logGroupName=group).get("logStreams", [])
        }
    except ClientError as e:
        return Result(
            "logs",
            False,
            _("No log group {name!r}").format(name=group),
            hint=_("Write logs.tf (listing 9.5), then plan and apply (not yet done?)."),
            facts={"log_group_exists": False},
            reason=e.response.get("Error", {}).get("Code", ""),
        )
    wanted = {stream_name(t.task_id) for t in tasks}
    with_events = {s for s in wanted & streams if _has_events(logs, s)}
    facts = {
        "log_group_exists": True,
        "running_tasks": len(tasks),
        "streams_with_events": sorted(with_events),
        "streams_missing": sorted(wanted - with_events),
    }
    details = [
        _("running tasks: {tasks}, their streams with events: {streams}").format(
            tasks=len(tasks), streams=len(with_events)
        )
    ]
    if not tasks or with_events != wanted:
        return Result(
            "logs",
            False,
            _("No logs from the running tasks in {group} yet").format(group=group),
            details,
            hint=_("Is the logConfiguration in the running revision?"),
            facts=facts,
        )
    return Result(
        "logs",
        True,
        _("Logs arrive: every running task writes to {stream} in {group}").format(
            stream=stream_name("<task-id>"), group=group
        ),
        details,
        facts=facts,
    )


def _has_events(logs: Any, stream: str) -> bool:
    found = logs.get_log_events(logGroupName=lab_name(LOG_GROUP), logStreamName=stream, limit=1)
    return bool(found.get("events"))


# --- clean up ------------------------------------------------------------------------------


def nothing_left() -> Result:
    """Nothing of the chapter is left in the cloud: ECS, load balancers, VPC, logs, role."""
    left = leftovers()
    if left:
        return Result(
            "nothing-left",
            False,
            ngettext(
                "{count} resource is still there", "{count} resources are still there", len(left)
            ).format(count=len(left)),
            left,
            hint=_(
                "Run lab.destroy() again; if Terraform has forgotten them, "
                "`ecslab reset` wipes the local cloud."
            ),
            facts={"left": left},
        )
    return Result(
        "nothing-left",
        True,
        _(
            "Nothing is left: no ECS cluster, service, load "
            "balancer, VPC, NAT gateway, log group or execution role of the lab"
        ),
        facts={"left": []},
    )


#: What of the local cloud's inventory (ecslab.cloud.inventory) the chapter creates and
#: destroy must remove, with its name for people (said with `_` where shown):
#: (service, kind) -> label.
#: ECS clusters are asked through the API instead: moto keeps a deleted cluster (INACTIVE, as
#: AWS shows it for a while) and the inventory counts it.
LOCAL_KINDS = {
    ("ecs", "services"): N_("ECS service"),
    ("elbv2", "load_balancers"): N_("load balancer"),
    ("elbv2", "target_groups"): N_("target group"),
    ("ec2", "vpcs"): N_("VPC"),
    ("ec2", "nat_gateways"): N_("NAT gateway"),
    ("ec2", "elastic_ips"): N_("Elastic IP"),
    ("logs", "log_groups"): N_("log group"),
    ("iam", "roles"): N_("IAM role"),
}
CLUSTER_LABEL = N_("ECS cluster")


def leftovers() -> list[str]:
    """What of the chapter still exists, one line each: in AWS mode what the lab tagged
    and still bills (ecslab.account.leftovers), locally the local cloud's own inventory."""
    if settings.target() == "aws":  # only what the lab tagged and still bills, never the rest
        from ecslab.account import leftovers as tagged

        return [f"{i.kind} {i.id} ({i.state}; {i.bills})" for i in tagged.find()]
    from ecslab.cloud import client

    counts: dict[str, dict[str, int]] = client.admin("status")["counts"]
    clusters = _active_clusters()
    found = [(CLUSTER_LABEL, clusters)] if clusters else []
    found += [
        (label, counts[service][kind])
        for (service, kind), label in LOCAL_KINDS.items()
        if counts.get(service, {}).get(kind)
    ]
    return [_("{kind}: {count}").format(kind=_(label), count=count) for label, count in found]


def _active_clusters() -> int:
    """How many ECS clusters are ACTIVE (a deleted one stays listed, INACTIVE)."""
    ecs = clients.client("ecs")
    arns = ecs.list_clusters().get("clusterArns", [])
    described = ecs.describe_clusters(clusters=arns).get("clusters", []) if arns else []
    return sum(c.get("status") == "ACTIVE" for c in described)


#: The checks `ecslab check NAME` runs, in the order of the chapter.
CHECKS: dict[str, Callable[[], Result]] = {
    "environment": environment,
    "cluster": cluster_active,
    "task-definition": task_definition,
    "service": service_steady,
    "nginx": nginx_answers,
    "log-group": log_group,
    "execution-role": execution_role,
    "revision": running_revision,
    "logs": logs_arrive,
    "nothing-left": nothing_left,
}


def run(names: list[str] | None = None) -> list[Result]:
    """Run the named checks (default: the chapter's end state, 9.3 and 9.4)."""
    chosen = names or [
        "cluster",
        "task-definition",
        "service",
        "nginx",
        "log-group",
        "execution-role",
        "revision",
        "logs",
    ]
    unknown = [n for n in chosen if n not in CHECKS]
    if unknown:
        raise EcslabError(
            _("Unknown check {name!r}.").format(name=unknown[0]),
            hint=_("Checks: {names}.").format(names=", ".join(CHECKS)),
        )
    return [CHECKS[name]() for name in chosen]
