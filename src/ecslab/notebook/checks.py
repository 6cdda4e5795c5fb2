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

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

import requests
from botocore.exceptions import BotoCoreError, ClientError

from ecslab import settings
from ecslab.account import clients
from ecslab.book import CLUSTER, FAMILY, LOAD_BALANCER, LOG_GROUP, ROLE, SERVICE
from ecslab.errors import CheckFailed, EcslabError
from ecslab.notebook import diagram
from ecslab.tf import overrides, workspace


def lab_name(book_name: str) -> str:
    """The name a resource of the book has in this lab: with the learner's prefix in AWS
    mode (ECSLAB_NAME_PREFIX, applied by the generated override), the book's otherwise."""
    return overrides.prefixed(book_name) if settings.target() == "aws" else book_name


WELCOME = "Welcome to nginx!"


@dataclass
class Result:
    """The outcome of one check: a clear pass or a failure with what to look at next."""

    name: str
    passed: bool
    summary: str
    details: list[str] = field(default_factory=list)
    hint: str = ""
    html_extra: str = ""
    #: What was found, as data (a stopped reason, a status code, a revision...): decide on these.
    facts: dict[str, Any] = field(default_factory=dict)
    #: AWS's own code for why it failed when AWS gives one ("CannotPullContainerError",
    #: "Target.ResponseCodeMismatch"), else "".
    reason: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        lines = [f"{'✓' if self.passed else '✗'} {self.summary}"]
        lines += [f"    {d}" for d in self.details]
        if self.hint and not self.passed:
            lines.append(f"  → {self.hint}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        color, mark = ("#188038", "✓") if self.passed else ("#d93025", "✗")
        details = "".join(f"<li>{escape(d)}</li>" for d in self.details)
        hint = f"<p>→ {escape(self.hint)}</p>" if self.hint and not self.passed else ""
        return (
            f"<div class='ecslab-check' data-check='{self.name}' data-passed='{self.passed}' "
            f"style='border-left:6px solid {color};padding:4px 12px;margin:4px 0'>"
            f"<b style='color:{color}'>{mark} {escape(self.summary)}</b>"
            f"{f'<ul>{details}</ul>' if details else ''}{hint}{self.html_extra}</div>"
        )

    def require(self) -> Result:
        """Raise CheckFailed when the check did not pass (for scripts and tests)."""
        if not self.passed:
            raise CheckFailed(self.summary, hint=self.hint)
        return self


def _call(what: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """One AWS call; failures of the call itself become an ecslab error."""
    try:
        return fn(**kwargs)
    except (BotoCoreError, ClientError) as e:
        raise EcslabError(
            f"Could not {what}: {e}", hint="Is the local cloud running? `ecslab status`"
        ) from e


#: Real seconds added to a long wait: a busy machine (a classroom server, CI) must not turn
#: a slow rollout into a failed check.
SLACK = 30.0


def _deadline(aws_seconds: float) -> float:
    """A monotonic deadline `aws_seconds` of AWS time from now (scaled locally), plus slack."""
    scale = settings.time_scale() if settings.target() == "local" else 1.0
    slack = SLACK if aws_seconds >= 60 else 2.0
    return time.monotonic() + aws_seconds / max(scale, 1.0) + slack


# --- environment ------------------------------------------------------------------------


def environment() -> Result:
    """Terraform, the AWS provider and the cloud endpoint are ready (ecslab.account.preflight)."""
    from ecslab.account import preflight

    found = preflight.run()
    failed = [c for c in found if not c.ok]
    details = [f"{c.name}: {'ok' if c.ok else 'MISSING'}" for c in found]
    if failed:
        return Result(
            "environment",
            False,
            "The environment is not ready",
            details,
            " ".join(c.hint for c in failed if c.hint),
        )
    return Result("environment", True, f"Environment ready (target: {settings.target()})", details)


# --- 9.3 --------------------------------------------------------------------------------


def cluster_active(name: str | None = None) -> Result:
    """The ECS cluster of listing 9.1 exists and is ACTIVE."""
    name = name or lab_name(CLUSTER)
    found = _call("describe clusters", clients.client("ecs").describe_clusters, clusters=[name])
    clusters = [c for c in found.get("clusters", []) if c.get("status") == "ACTIVE"]
    if not clusters:
        return Result(
            "cluster",
            False,
            f"No ACTIVE ECS cluster named {name!r}",
            hint="Write cluster.tf (listing 9.1), then plan and apply.",
        )
    return Result("cluster", True, f"ECS cluster {name!r} is ACTIVE")


def expected_size(name: str = "task_definition.tf") -> tuple[int, int]:
    """The cpu and memory the learner's task definition asks for (default: the book's)."""
    path = workspace.root() / name
    text = path.read_text() if path.exists() else ""
    cpu = re.search(r'^\s*cpu\s*=\s*"?(\d+)"?', text, flags=re.MULTILINE)
    memory = re.search(r'^\s*memory\s*=\s*"?(\d+)"?', text, flags=re.MULTILINE)
    return (int(cpu.group(1)) if cpu else 256, int(memory.group(1)) if memory else 512)


def latest_task_definition(family: str | None = None) -> dict[str, Any] | None:
    """The latest ACTIVE revision of the family, or None."""
    family = family or lab_name(FAMILY)
    ecs = clients.client("ecs")
    arns = _call(
        "list task definitions",
        ecs.list_task_definitions,
        familyPrefix=family,
        status="ACTIVE",
        sort="DESC",
    ).get("taskDefinitionArns", [])
    arns = [a for a in arns if diagram.revision_of(a).split(":")[0] == family]
    if not arns:
        return None
    found = _call(
        "describe the task definition", ecs.describe_task_definition, taskDefinition=arns[0]
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
            f"No task definition of family {lab_name(FAMILY)!r}",
            hint="Write task_definition.tf (listing 9.2), then plan and apply.",
        )
    name = f"{td['family']}:{td['revision']}"
    problems = _task_definition_problems(td, want_cpu, want_memory, execution_role)
    details = [
        f"size: {td.get('cpu')} CPU units, {td.get('memory')} MiB",
        f"network mode: {td.get('networkMode')}; requires: "
        f"{', '.join(td.get('requiresCompatibilities', []))}",
    ]
    if execution_role:
        details.append(f"execution role: {_role_name(td.get('executionRoleArn'))}")
    if problems:
        return Result(
            "task-definition",
            False,
            f"Task definition {name}: {problems[0]}",
            details,
            hint="Compare your task_definition.tf with listing 9.2/9.9, then plan and apply.",
        )
    return Result("task-definition", True, f"Task definition {name} is as expected", details)


def _task_definition_problems(
    td: dict[str, Any], cpu: int, memory: int, execution_role: bool
) -> list[str]:
    problems = []
    if (str(td.get("cpu")), str(td.get("memory"))) != (str(cpu), str(memory)):
        problems.append(f"size is {td.get('cpu')}/{td.get('memory')}, expected {cpu}/{memory}")
    if td.get("networkMode") != "awsvpc":
        problems.append("network_mode must be awsvpc for Fargate")
    if "FARGATE" not in td.get("requiresCompatibilities", []):
        problems.append('requires_compatibilities must contain "FARGATE"')
    if execution_role and _role_name(td.get("executionRoleArn")) != lab_name(ROLE):
        problems.append(f"execution_role_arn is not the role {lab_name(ROLE)!r} (listing 9.9)")
    return problems


def _role_name(arn: str | None) -> str:
    return arn.rsplit("/", 1)[-1] if arn else "(none)"


def _describe_service() -> dict[str, Any] | None:
    found = _call(
        "describe the service",
        clients.client("ecs").describe_services,
        cluster=lab_name(CLUSTER),
        services=[lab_name(SERVICE)],
    )
    services = [s for s in found.get("services", []) if s.get("status") == "ACTIVE"]
    return services[0] if services else None


def _steady(svc: dict[str, Any], count: int) -> bool:
    deployments = svc.get("deployments", [])
    healthy = diagram.target_health()
    ips = [t.ip for t in diagram.tasks()]
    return (
        svc["desiredCount"] == count
        and svc["runningCount"] == count
        and len(deployments) == 1
        and len(ips) == count
        and all(healthy.get(ip) == "healthy" for ip in ips)
    )


def service_steady(count: int = 2, wait: float = 120.0) -> Result:
    """The service runs `count` tasks of one deployment, all healthy behind the ALB."""
    deadline = _deadline(wait)
    svc = _describe_service()
    while svc is not None and not _steady(svc, count) and time.monotonic() < deadline:
        time.sleep(0.5)
        svc = _describe_service()
    if svc is None:
        return Result(
            "service",
            False,
            f"No ACTIVE service {lab_name(SERVICE)!r} in cluster {lab_name(CLUSTER)!r}",
            hint="Write service.tf (listing 9.4), then plan and apply.",
        )
    details = [
        f"desired {svc['desiredCount']}, running {svc['runningCount']}, "
        f"pending {svc['pendingCount']}, deployments {len(svc.get('deployments', []))}"
    ]
    if not _steady(svc, count):
        return Result(
            "service",
            False,
            f"Service {lab_name(SERVICE)!r} is not steady with {count} tasks",
            details,
            hint=_service_hint(svc),
        )
    return Result(
        "service",
        True,
        f"Service {lab_name(SERVICE)!r} is steady: {count} tasks running, all healthy",
        details,
    )


def _service_hint(svc: dict[str, Any]) -> str:
    """What to look at: the latest service event, or a stopped task's reason."""
    stopped = stopped_reason()
    if stopped:
        return f"A task stopped: {stopped}"
    events = svc.get("events", [])
    if events:
        return f"Latest service event: {events[0].get('message', '')}"
    return "Look at `ecslab ps` and the service's events."


def stopped_reason() -> str:
    """The stoppedReason of the service's most recently stopped task, if any."""
    ecs = clients.client("ecs")
    arns = ecs.list_tasks(
        cluster=lab_name(CLUSTER), serviceName=lab_name(SERVICE), desiredStatus="STOPPED"
    ).get("taskArns", [])
    if not arns:
        return ""
    found = ecs.describe_tasks(cluster=lab_name(CLUSTER), tasks=arns[:10]).get("tasks", [])
    reasons = [t.get("stoppedReason", "") for t in found if t.get("stoppedReason")]
    return reasons[-1] if reasons else ""


# --- the load balancer -------------------------------------------------------------------


def lb_url() -> str:
    """The load balancer's URL: the local listener of port 80, or the ALB's DNS name."""
    if settings.target() == "aws":  # the lab's ALB (with the learner's prefix), no other
        name = lab_name(LOAD_BALANCER)
        found = clients.client("elbv2").describe_load_balancers().get("LoadBalancers", [])
        lbs = [lb for lb in found if lb["LoadBalancerName"] == name]
        if not lbs:
            raise EcslabError("No load balancer found.", hint="Apply the network first (9.1).")
        return f"http://{lbs[0]['DNSName']}"
    from ecslab.cloud import client

    return client.url(lab_name(LOAD_BALANCER))


def nginx_answers(wait: float = 60.0) -> Result:
    """nginx's welcome page comes back through the load balancer (the book's figure 9.2)."""
    url = lb_url()
    deadline = _deadline(wait)
    status, body = _get(url)
    while (status != 200 or WELCOME not in body) and time.monotonic() < deadline:
        time.sleep(0.5)
        status, body = _get(url)
    if status == 200 and WELCOME in body:
        return Result(
            "nginx",
            True,
            f'nginx answers through the load balancer: HTTP 200, "{WELCOME}"',
            [f"URL: {url}"],
            html_extra=_page(url, body),
        )
    return Result(
        "nginx",
        False,
        f"The load balancer answers HTTP {status or 'nothing'}, not nginx's page",
        [f"URL: {url}"],
        hint=_lb_hint(status),
    )


def _get(url: str) -> tuple[int, str]:
    try:
        response = requests.get(url, timeout=5)
    except requests.RequestException:
        return 0, ""
    return response.status_code, response.text


def _lb_hint(status: int) -> str:
    if status == 503:
        reason = stopped_reason()
        more = f" A task stopped: {reason}" if reason else ""
        return "503: no healthy target. Are the service's tasks running and healthy?" + more
    if status == 502:
        return "502: a target failed to answer. Is the container port 80 (container_port)?"
    return "Is the service applied (listing 9.4)? `ecslab ps` lists the tasks."


def _page(url: str, body: str) -> str:
    """Figure 9.2: the page itself, and a link the learner's browser can open."""
    from ecslab.notebook import links

    frame = escape(body, quote=True)
    return (
        f"<p>{links.lb_anchor(url)}</p>"
        f"<iframe srcdoc=\"{frame}\" style='width:100%;height:260px;border:1px solid #ccc' "
        f"title='nginx through the load balancer'></iframe>"
    )


# --- 9.4 --------------------------------------------------------------------------------


def log_group(name: str | None = None, retention: int = 180) -> Result:
    """The log group of listing 9.5 exists with its retention."""
    name = name or lab_name(LOG_GROUP)
    found = _call(
        "describe log groups", clients.client("logs").describe_log_groups, logGroupNamePrefix=name
    ).get("logGroups", [])
    group = next((g for g in found if g["logGroupName"] == name), None)
    if group is None:
        return Result(
            "log-group",
            False,
            f"No log group {name!r}",
            hint="Write logs.tf (listing 9.5), then plan and apply.",
        )
    days = group.get("retentionInDays")
    if days != retention:
        return Result(
            "log-group",
            False,
            f"Log group {name!r} keeps logs {days} days",
            hint=f"retention_in_days = {retention} (listing 9.5).",
        )
    return Result("log-group", True, f"Log group {name!r} exists, retention {days} days")


def execution_role(name: str | None = None) -> Result:
    """The role of listing 9.8: assumable by ECS tasks, allowed to write logs."""
    name = name or lab_name(ROLE)
    iam = clients.client("iam")
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except ClientError:
        return Result(
            "execution-role",
            False,
            f"No IAM role {name!r}",
            hint="Write iam.tf (listings 9.6 to 9.8), then plan and apply.",
        )
    trust = str(role.get("AssumeRolePolicyDocument", ""))
    actions = _role_actions(iam, name)
    details = [
        f"trusted service: {'ecs-tasks.amazonaws.com' if 'ecs-tasks' in trust else '?'}",
        f"allows logs:PutLogEvents: {'yes' if 'logs:PutLogEvents' in actions else 'no'}",
    ]
    if "ecs-tasks.amazonaws.com" not in trust:
        return Result(
            "execution-role",
            False,
            f"Role {name!r} cannot be assumed by ECS tasks",
            details,
            hint='identifier = "ecs-tasks.amazonaws.com" (listing 9.8).',
        )
    if "logs:PutLogEvents" not in actions:
        return Result(
            "execution-role",
            False,
            f"Role {name!r} may not write logs",
            details,
            hint="source_policy_documents must hold the managed policy (9.7).",
        )
    return Result(
        "execution-role", True, f"Role {name!r}: ECS tasks may assume it and write logs", details
    )


def _role_actions(iam: Any, name: str) -> str:
    """All the actions of the role's policies, as one string to search in."""
    import json

    texts: list[str] = []
    for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        meta = iam.get_policy(PolicyArn=policy["PolicyArn"])["Policy"]
        version = iam.get_policy_version(
            PolicyArn=policy["PolicyArn"], VersionId=meta["DefaultVersionId"]
        )
        texts.append(json.dumps(version["PolicyVersion"]["Document"]))
    for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        texts.append(json.dumps(iam.get_role_policy(RoleName=name, PolicyName=policy_name)))
    return " ".join(texts)


def running_revision(wait: bool = False, timeout: float = 300.0) -> Result:
    """The service runs the latest revision of its task definition (not an older one).

    With wait=True, waits for a rollout to finish: the service on the latest revision and
    steady with its desired count.
    """
    deadline = _deadline(timeout if wait else 0)
    result = _revision_once()
    while wait and not result.passed and time.monotonic() < deadline:
        time.sleep(0.5)
        result = _revision_once()
    return result


def _revision_once() -> Result:
    svc, td = _describe_service(), latest_task_definition()
    if svc is None or td is None:
        return Result(
            "revision", False, "No service or task definition yet", hint="Apply section 9.3 first."
        )
    latest = f"{td['family']}:{td['revision']}"
    service_rev = diagram.revision_of(svc["taskDefinition"])
    tasks = diagram.tasks()
    task_revs = sorted({t.revision for t in tasks})
    details = [
        f"latest revision: {latest}",
        f"service's revision: {service_rev}",
        f"running tasks' revisions: {', '.join(task_revs) or 'none'}",
    ]
    if service_rev != latest:
        return Result(
            "revision",
            False,
            f"The service runs {service_rev}, not the latest {latest}",
            details,
            hint=REVISION_HINT,
        )
    if task_revs != [latest] or not _steady(svc, svc["desiredCount"]):
        return Result(
            "revision",
            False,
            f"Rolling out {latest}: not every task runs it yet",
            details,
            hint="Wait for the deployment: `ecslab ps` shows the tasks.",
        )
    return Result("revision", True, f"The service runs the latest revision, {latest}", details)


REVISION_HINT = (
    "ignore_changes = [task_definition] (listing 9.4) keeps Terraform from updating the "
    "service. Deploy the new revision: aws ecs update-service --cluster example --service "
    "example --task-definition example --force-new-deployment (or remove the "
    "ignore_changes and apply)."
)


def logs_arrive(timeout: float = 120.0) -> Result:
    """Each running task writes to its own stream `nginx/example/<task-id>` in /ecs/example."""
    deadline = _deadline(timeout)
    result = _logs_once()
    while not result.passed and time.monotonic() < deadline:
        time.sleep(0.5)
        result = _logs_once()
    if not result.passed and "not" not in result.hint:
        revision = _revision_once()
        if not revision.passed:
            result.hint = f"{revision.summary}. {REVISION_HINT}"
    return result


def _logs_once() -> Result:
    logs = clients.client("logs")
    tasks = [t for t in diagram.tasks() if t.status == "RUNNING"]
    try:
        streams = {
            s["logStreamName"]
            for s in logs.describe_log_streams(logGroupName=lab_name(LOG_GROUP)).get(
                "logStreams", []
            )
        }
    except ClientError:
        return Result(
            "logs",
            False,
            f"No log group {lab_name(LOG_GROUP)!r}",
            hint="Write logs.tf (listing 9.5), then plan and apply (not yet done?).",
        )
    wanted = {f"nginx/example/{t.task_id}" for t in tasks}
    with_events = {s for s in wanted & streams if _has_events(logs, s)}
    details = [f"running tasks: {len(tasks)}, their streams with events: {len(with_events)}"]
    if not tasks or with_events != wanted:
        return Result(
            "logs",
            False,
            "No logs from the running tasks in /ecs/example yet",
            details,
            hint="Is the logConfiguration in the running revision?",
        )
    return Result(
        "logs",
        True,
        "Logs arrive: every running task writes to nginx/example/<task-id> in "
        + lab_name(LOG_GROUP),
        details,
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
            f"{len(left)} resources are still there",
            left,
            hint="Run lab.destroy() again; if Terraform has forgotten them, "
            "`ecslab reset` wipes the local cloud.",
        )
    return Result(
        "nothing-left",
        True,
        "Nothing is left: no ECS cluster, service, load "
        "balancer, VPC, NAT gateway, log group or execution role of the lab",
    )


def leftovers() -> list[str]:
    """What of the chapter still exists, one line each."""
    if settings.target() == "aws":  # only what the lab tagged and still bills, never the rest
        from ecslab.account import leftovers as tagged

        return [f"{i.kind} {i.id} ({i.state}; {i.bills})" for i in tagged.find()]
    ecs, elbv2, ec2 = clients.client("ecs"), clients.client("elbv2"), clients.client("ec2")
    left = [
        f"ECS cluster {arn.rsplit('/', 1)[-1]}"
        for arn in ecs.list_clusters()["clusterArns"]
        if ecs.describe_clusters(clusters=[arn])["clusters"][0]["status"] == "ACTIVE"
    ]
    left += [
        f"load balancer {lb['LoadBalancerName']}"
        for lb in elbv2.describe_load_balancers()["LoadBalancers"]
    ]
    left += [
        f"target group {tg['TargetGroupName']}"
        for tg in elbv2.describe_target_groups()["TargetGroups"]
    ]
    left += [f"VPC {v['CidrBlock']}" for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]]
    left += [
        f"NAT gateway {n['NatGatewayId']}"
        for n in ec2.describe_nat_gateways()["NatGateways"]
        if n["State"] not in ("deleted", "deleting")
    ]
    if "No log group" not in log_group().summary:
        left.append(f"log group {lab_name(LOG_GROUP)}")
    if execution_role().summary != f"No IAM role {lab_name(ROLE)!r}":
        left.append(f"IAM role {lab_name(ROLE)}")
    return left


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
        raise EcslabError(f"Unknown check {unknown[0]!r}.", hint=f"Checks: {', '.join(CHECKS)}.")
    return [CHECKS[name]() for name in chosen]


from ecslab.notebook.diagnose import target_health, task_failure  # noqa: E402, F401
