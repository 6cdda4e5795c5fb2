"""Does a Fargate service of the local cloud behave as on AWS: tasks, load balancer, logs?"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from dataplane_support import (
    Cloud,
    Stack,
    healthy_count,
    http_get,
    lb_url,
    local_cloud,
    network_and_alb,
    open_group,
    running_tasks,
    service,
    task_definition,
    wait_for,
)

from ecslab.dataplane.awslogs import MISSING_GROUP


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    """One local cloud for the module, its ECSLAB_HOME with a space and a quote in it (as a
    learner's "My Documents" may be): every task and listener below runs from there."""
    home = tmp_path_factory.mktemp("home") / "learner's lab"
    with local_cloud(home, scale=50) as running:
        yield running


def _stack(cloud: Cloud, name: str, log_group: bool = True, **kwargs: Any) -> Stack:
    stack = network_and_alb(cloud, name=name, **kwargs)
    cloud.client("elbv2").modify_target_group_attributes(  # drain in 0.2 s at scale 50
        TargetGroupArn=stack.target_group,
        Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "10"}],
    )
    if log_group:
        cloud.client("logs").create_log_group(logGroupName=f"/ecs/{name}")
    return stack


def _logs(name: str) -> dict[str, Any]:
    return {
        "awslogs-region": "ap-northeast-1",
        "awslogs-stream-prefix": "nginx",
        "awslogs-group": f"/ecs/{name}",
    }


def _td(cloud: Cloud, stack: Stack, name: str, **container: Any) -> str:
    config = {"logDriver": "awslogs", "options": _logs(name)}
    return task_definition(cloud, stack, family=name, logConfiguration=config, **container)


def _describe(cloud: Cloud, name: str) -> dict[str, Any]:
    return dict(cloud.client("ecs").describe_services(cluster=name, services=[name])["services"][0])


def _task(cloud: Cloud, cluster: str, task_id: str) -> dict[str, Any]:
    return dict(cloud.client("ecs").describe_tasks(cluster=cluster, tasks=[task_id])["tasks"][0])


def _messages(cloud: Cloud, group: str) -> list[dict[str, Any]]:
    return list(cloud.client("logs").filter_log_events(logGroupName=group)["events"])


def _steady(cloud: Cloud, name: str, count: int) -> list[dict[str, Any]]:
    def ready() -> list[dict[str, Any]] | None:
        tasks = running_tasks(cloud, name)
        healthy = all(t["health"] == "healthy" for t in tasks)
        return tasks if len(tasks) == count and healthy else None

    return wait_for(f"{count} healthy tasks of {name}", ready)


def test_service_runs_two_tasks_and_nginx_answers_through_the_load_balancer(cloud: Cloud) -> None:
    """After CreateService, do 2 tasks run in the private subnets and nginx answer via the ALB?"""
    stack = _stack(cloud, "web")
    service(cloud, stack, _td(cloud, stack, "web"), name="web")
    tasks = _steady(cloud, "web", 2)
    assert {t["ip"].rsplit(".", 1)[0] for t in tasks} == {"10.0.65", "10.0.66"}
    assert all(re.fullmatch(r"[0-9a-f]{32}", t["id"]) for t in tasks)
    _, body = wait_for("a page", lambda: (r := http_get(lb_url(cloud, "web")))[0] == 200 and r)
    assert "<title>Welcome to nginx!</title>" in body and len(body.encode()) == 615
    described = _describe(cloud, "web")
    assert (described["runningCount"], described["pendingCount"]) == (2, 0)
    assert "(service web) has reached a steady state." in [
        e["message"] for e in described["events"]
    ]


def test_logs_arrive_in_streams_named_prefix_container_task(cloud: Cloud) -> None:
    """Do the entrypoint lines and health checks arrive under nginx/example/<task-id>?"""
    stack = _stack(cloud, "logs")
    service(cloud, stack, _td(cloud, stack, "logs"), count=1, name="logs")
    (task,) = _steady(cloud, "logs", 1)
    stream = f"nginx/example/{task['id']}"

    def health_line() -> list[dict[str, Any]] | None:
        events = [e for e in _messages(cloud, "/ecs/logs") if e["logStreamName"] == stream]
        return events if any("ELB-HealthChecker/2.0" in e["message"] for e in events) else None

    events = wait_for("a health-check line", health_line)
    assert events[0]["message"] == (
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, "
        "will attempt to perform configuration"
    )
    check = next(e["message"] for e in events if "ELB-HealthChecker" in e["message"])
    assert re.fullmatch(
        r'10\.0\.[12]\.\d+ - - \[[^\]]+\] "GET / HTTP/1\.1" 200 615 '
        r'"-" "ELB-HealthChecker/2\.0" "-"',
        check,
    )


def test_requests_carry_x_forwarded_headers(cloud: Cloud) -> None:
    """Does the local ALB add X-Forwarded-For as an ALB does (seen in nginx's access log)?"""
    stack = _stack(cloud, "xff")
    service(cloud, stack, _td(cloud, stack, "xff"), count=1, name="xff")
    _steady(cloud, "xff", 1)
    url = lb_url(cloud, "xff")
    wait_for("a page", lambda: http_get(url, {"User-Agent": "xff-probe"})[0] == 200)
    line = wait_for(
        "the probe's access-log line",
        lambda: next(
            (e["message"] for e in _messages(cloud, "/ecs/xff") if "xff-probe" in e["message"]),
            None,
        ),
    )
    assert re.match(r'10\.0\.[12]\.\d+ - - .* "xff-probe" "127\.0\.0\.1"$', line)


def test_stopped_task_is_replaced(cloud: Cloud) -> None:
    """When a task is stopped, does the service start another one?"""
    stack = _stack(cloud, "replace")
    service(cloud, stack, _td(cloud, stack, "replace"), name="replace")
    first = _steady(cloud, "replace", 2)
    cloud.client("ecs").stop_task(cluster="replace", task=first[0]["arn"], reason="learner test")
    stopped = wait_for(
        "STOPPED",
        lambda: (t := _task(cloud, "replace", first[0]["id"]))["lastStatus"] == "STOPPED" and t,
    )
    assert (stopped["stopCode"], stopped["stoppedReason"]) == ("UserInitiated", "learner test")
    after = _steady(cloud, "replace", 2)
    assert first[0]["id"] not in {t["id"] for t in after}


def test_scaling_up_and_down(cloud: Cloud) -> None:
    """Does UpdateService desiredCount scale the running tasks both ways?"""
    stack = _stack(cloud, "scale")
    service(cloud, stack, _td(cloud, stack, "scale"), count=1, name="scale")
    _steady(cloud, "scale", 1)
    ecs = cloud.client("ecs")
    ecs.update_service(cluster="scale", service="scale", desiredCount=3)
    _steady(cloud, "scale", 3)
    ecs.update_service(cluster="scale", service="scale", desiredCount=1)
    wait_for("one task left", lambda: len(running_tasks(cloud, "scale")) == 1)
    stopped = [t for t in cloud.admin("tasks?all=1") if t["service"] == "scale" and t["stop_code"]]
    assert {t["stop_code"] for t in stopped} == {"ServiceSchedulerInitiated"}
    assert all(
        t["stopped_reason"].startswith("Scaling activity initiated by (deployment ecs-svc/")
        for t in stopped
    )


def test_new_revision_waits_for_update_service(cloud: Cloud) -> None:
    """Is a new task definition revision deployed only when the service is updated to it?"""
    stack = _stack(cloud, "rev")
    service(cloud, stack, _td(cloud, stack, "rev"), name="rev")
    _steady(cloud, "rev", 2)
    second = _td(cloud, stack, "rev", environment=[{"name": "V", "value": "2"}])
    checks_before = len(_messages(cloud, "/ecs/rev"))
    wait_for(
        "another health-check round", lambda: len(_messages(cloud, "/ecs/rev")) > checks_before + 2
    )
    assert {t["revision"] for t in running_tasks(cloud, "rev")} == {1}
    cloud.client("ecs").update_service(cluster="rev", service="rev", taskDefinition=second)
    wait_for(
        "revision 2 everywhere",
        lambda: (
            {(t["revision"], t["health"]) for t in running_tasks(cloud, "rev")} == {(2, "healthy")}
            and len(running_tasks(cloud, "rev")) == 2
        ),
    )
    deployments = wait_for(
        "one deployment", lambda: len(d := _describe(cloud, "rev")["deployments"]) == 1 and d
    )
    assert (
        deployments[0]["taskDefinition"] == second and deployments[0]["rolloutState"] == "COMPLETED"
    )


def _unhealthy(cloud: Cloud, stack: Stack) -> dict[str, Any] | None:
    found = cloud.client("elbv2").describe_target_health(TargetGroupArn=stack.target_group)
    for description in found["TargetHealthDescriptions"]:
        if description["TargetHealth"]["State"] == "unhealthy":
            return dict(description["TargetHealth"])
    return None


def test_unhealthy_targets_are_reported_and_their_tasks_replaced(cloud: Cloud) -> None:
    """With a health-check path nginx lacks: AWS's reason, then the scheduler's replacement."""
    stack = _stack(cloud, "sick", health_path="/missing")
    service(cloud, stack, _td(cloud, stack, "sick"), count=1, grace=0, name="sick")
    assert wait_for("an unhealthy target", lambda: _unhealthy(cloud, stack)) == {
        "State": "unhealthy",
        "Reason": "Target.ResponseCodeMismatch",
        "Description": "Health checks failed with these codes: [404]",
    }
    replaced = wait_for(
        "a task stopped by the scheduler",
        lambda: next(
            (t for t in cloud.admin("tasks?all=1") if t["service"] == "sick" and t["stop_code"]),
            None,
        ),
    )
    assert (
        replaced["stopped_reason"]
        == f"Task failed ELB health checks in (target-group {stack.target_group})"
    )


def test_alb_fails_open_when_every_target_is_unhealthy(cloud: Cloud) -> None:
    """When every registered target is unhealthy, does the ALB still route to them (as AWS
    does) instead of answering 503? (A grace period of 3000 s keeps the tasks meanwhile.)"""
    stack = _stack(cloud, "failopen", health_path="/missing")
    service(cloud, stack, _td(cloud, stack, "failopen"), count=2, grace=3000, name="failopen")
    wait_for(
        "2 unhealthy targets",
        lambda: [
            d
            for d in cloud.client("elbv2").describe_target_health(
                TargetGroupArn=stack.target_group
            )["TargetHealthDescriptions"]
            if d["TargetHealth"]["State"] == "unhealthy"
        ][1:],
    )
    url = lb_url(cloud, "failopen")
    answer = wait_for("nginx through the ALB", lambda: (a := http_get(url))[0] == 200 and a)
    assert "Welcome to nginx!" in answer[1]


def test_alb_answers_503_when_no_target_is_registered(cloud: Cloud) -> None:
    """With a listener whose target group has no target, does the ALB answer ALB's 503?"""
    network_and_alb(cloud, name="empty")
    status, body = http_get(lb_url(cloud, "empty"))
    assert status == 503 and "<title>503 Service Temporarily Unavailable</title>" in body


def test_missing_log_group_fails_the_task(cloud: Cloud) -> None:
    """Without listing 9.5's log group, does the task stop with ResourceInitializationError?"""
    stack = _stack(cloud, "nolog", log_group=False)
    service(cloud, stack, _td(cloud, stack, "nolog"), count=1, name="nolog")
    stopped = wait_for(
        "a failed task",
        lambda: next(
            (
                t
                for t in cloud.admin("tasks?all=1")
                if t["service"] == "nolog" and t["status"] == "STOPPED"
            ),
            None,
        ),
    )
    assert (stopped["stop_code"], stopped["stopped_reason"]) == ("TaskFailedToStart", MISSING_GROUP)


def test_awslogs_create_group_creates_the_group(cloud: Cloud) -> None:
    """With awslogs-create-group "true", does the task create its group and run?"""
    stack = _stack(cloud, "mkgroup", log_group=False)
    config = {
        "logDriver": "awslogs",
        "options": _logs("mkgroup") | {"awslogs-create-group": "true"},
    }
    td = task_definition(cloud, stack, family="mkgroup", logConfiguration=config)
    service(cloud, stack, td, count=1, name="mkgroup")
    _steady(cloud, "mkgroup", 1)
    groups = cloud.client("logs").describe_log_groups(logGroupNamePrefix="/ecs/mkgroup")[
        "logGroups"
    ]
    assert [g["logGroupName"] for g in groups] == ["/ecs/mkgroup"]


def test_book_image_typo_fails_like_a_pull_failure(cloud: Cloud) -> None:
    """Does listing 9.3's `nginx/latest` stop the task with CannotPullContainerError?"""
    stack = _stack(cloud, "typo")
    service(cloud, stack, _td(cloud, stack, "typo", image="nginx/latest"), count=1, name="typo")
    stopped = wait_for(
        "a failed task",
        lambda: next(
            (
                t
                for t in cloud.admin("tasks?all=1")
                if t["service"] == "typo" and t["status"] == "STOPPED"
            ),
            None,
        ),
    )
    assert stopped["stop_code"] == "TaskFailedToStart"
    assert stopped["stopped_reason"].startswith(
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        "failed to resolve ref docker.io/nginx/latest:latest: pull access denied"
    )


def test_run_task_and_stop_task(cloud: Cloud) -> None:
    """Does a standalone RunTask go PROVISIONING -> RUNNING, and StopTask stop it?"""
    stack = _stack(cloud, "oneoff")
    td = _td(cloud, stack, "oneoff")
    ecs = cloud.client("ecs")
    ecs.create_cluster(clusterName="oneoff")
    network = {
        "awsvpcConfiguration": {
            "subnets": stack.private[:1],
            "securityGroups": [stack.security_group],
        }
    }
    task = ecs.run_task(
        cluster="oneoff", taskDefinition=td, launchType="FARGATE", networkConfiguration=network
    )["tasks"][0]
    assert task["lastStatus"] == "PROVISIONING" and re.search(r"/[0-9a-f]{32}$", task["taskArn"])
    ip = next(
        d["value"] for d in task["attachments"][0]["details"] if d["name"] == "privateIPv4Address"
    )
    assert ip.startswith("10.0.65.")
    wait_for("RUNNING", lambda: _task(cloud, "oneoff", task["taskArn"])["lastStatus"] == "RUNNING")
    assert ecs.list_tasks(cluster="oneoff")["taskArns"] == [task["taskArn"]]
    ecs.stop_task(cluster="oneoff", task=task["taskArn"])
    stopped = wait_for(
        "STOPPED",
        lambda: (t := _task(cloud, "oneoff", task["taskArn"]))["lastStatus"] == "STOPPED" and t,
    )
    assert stopped["stopCode"] == "UserInitiated" and stopped["containers"][0]["exitCode"] == 0
    assert ecs.list_tasks(cluster="oneoff")["taskArns"] == []


def _target_health(cloud: Cloud, stack: Stack) -> list[dict[str, Any]]:
    found = cloud.client("elbv2").describe_target_health(TargetGroupArn=stack.target_group)
    return [d["TargetHealth"] for d in found["TargetHealthDescriptions"]]


def test_target_health_goes_initial_then_healthy(cloud: Cloud) -> None:
    """Does DescribeTargetHealth report real states (not moto's instant healthy): `initial`
    while the first checks fail (nginx has no /ready.html yet), then `healthy` after one
    passing check, never `unhealthy` in between? Checks come every 300 s (6 s real)."""
    stack = _stack(cloud, "states", interval=300, health_path="/ready.html")
    service(cloud, stack, _td(cloud, stack, "states"), count=1, name="states")
    (first,) = wait_for("a checked target", lambda: _target_health(cloud, stack))
    seen = [first]
    if first["State"] == "initial" and first["Reason"] == "Elb.RegistrationInProgress":
        seen += wait_for(
            "the first health check",
            lambda: [h for h in _target_health(cloud, stack) if h != first],
        )
    assert seen[-1] == {
        "State": "initial",
        "Reason": "Elb.InitialHealthChecking",
        "Description": "Initial health checks in progress",
    }
    (task,) = running_tasks(cloud, "states")
    home = cloud.plane.agent.home  # type: ignore[union-attr]
    (html,) = (home / "tasks" / task["id"]).glob("*/usr/share/nginx/html")
    (html / "ready.html").write_text("ok")
    wait_for("a healthy target", lambda: healthy_count(cloud, stack) == 1)
    assert _target_health(cloud, stack) == [{"State": "healthy"}]


def test_essential_container_exit_stops_and_replaces_the_task(cloud: Cloud) -> None:
    """If nginx dies (kill -9), does the task stop as EssentialContainerExited, exit 137?"""
    import os
    import signal

    stack = _stack(cloud, "crash")
    service(cloud, stack, _td(cloud, stack, "crash"), count=1, name="crash")
    (task,) = _steady(cloud, "crash", 1)
    pid_file = cloud.plane.agent.home / "tasks" / task["id"] / "0" / "nginx.pid"  # type: ignore[union-attr]
    os.kill(int(pid_file.read_text()), signal.SIGKILL)
    stopped = wait_for(
        "the task to stop",
        lambda: (t := _task(cloud, "crash", task["id"]))["lastStatus"] == "STOPPED" and t,
    )
    assert (stopped["stopCode"], stopped["stoppedReason"]) == (
        "EssentialContainerExited",
        "Essential container in task exited",
    )
    assert stopped["containers"][0]["exitCode"] == 137
    assert _steady(cloud, "crash", 1)[0]["id"] != task["id"]


def test_grace_period_delays_replacement_of_unhealthy_tasks(cloud: Cloud) -> None:
    """Is an unhealthy task left alone for health_check_grace_period_seconds?"""
    stack = _stack(cloud, "grace", health_path="/missing")
    service(cloud, stack, _td(cloud, stack, "grace"), count=1, grace=150, name="grace")
    stopped = wait_for(
        "the unhealthy task to be stopped",
        lambda: next(
            (t for t in cloud.admin("tasks?all=1") if t["service"] == "grace" and t["stop_code"]),
            None,
        ),
    )
    described = _task(cloud, "grace", stopped["id"])
    waited = (described["stoppingAt"] - described["startedAt"]).total_seconds()
    assert waited >= 150 / 50  # 150 AWS seconds at time scale 50


def test_deregistered_target_drains(cloud: Cloud) -> None:
    """After StopTask, does DescribeTargetHealth show draining with AWS's reason?"""
    stack = network_and_alb(cloud, name="drain")
    cloud.client("logs").create_log_group(logGroupName="/ecs/drain")
    service(cloud, stack, _td(cloud, stack, "drain"), count=1, name="drain")
    (task,) = _steady(cloud, "drain", 1)
    cloud.client("ecs").stop_task(cluster="drain", task=task["arn"])
    elbv2 = cloud.client("elbv2")
    target = [{"Id": task["ip"], "Port": 80}]

    def draining() -> dict[str, Any] | None:
        found = elbv2.describe_target_health(TargetGroupArn=stack.target_group, Targets=target)
        state = found["TargetHealthDescriptions"][0]["TargetHealth"]
        return dict(state) if state["State"] == "draining" else None

    assert wait_for("draining", draining) == {
        "State": "draining",
        "Reason": "Target.DeregistrationInProgress",
        "Description": "Target deregistration is in progress",
    }
    assert _task(cloud, "drain", task["id"])["lastStatus"] == "DEACTIVATING"


def test_force_new_deployment_replaces_every_task(cloud: Cloud) -> None:
    """Does UpdateService forceNewDeployment roll the tasks onto a new deployment?"""
    stack = _stack(cloud, "force")
    service(cloud, stack, _td(cloud, stack, "force"), name="force")
    before = {t["id"] for t in _steady(cloud, "force", 2)}
    first = _describe(cloud, "force")["deployments"][0]["id"]
    cloud.client("ecs").update_service(cluster="force", service="force", forceNewDeployment=True)

    def replaced() -> bool:
        tasks = running_tasks(cloud, "force")
        fresh = [t for t in tasks if t["id"] not in before and t["health"] == "healthy"]
        return len(tasks) == 2 and len(fresh) == 2

    wait_for("2 new healthy tasks", replaced)
    (deployment,) = wait_for(  # the old deployment goes once its tasks have drained
        "one deployment", lambda: (d := _describe(cloud, "force")["deployments"])[1:] == [] and d
    )
    assert deployment["id"] != first and deployment["status"] == "PRIMARY"


def test_fixed_response_listener(cloud: Cloud) -> None:
    """Does a listener with chapter 8's fixed-response default action answer its body?"""
    stack = network_and_alb(cloud, name="fixed")
    elbv2 = cloud.client("elbv2")
    body = "これは『HTTP』です"
    config = {"StatusCode": "200", "ContentType": "text/plain", "MessageBody": body}
    elbv2.modify_listener(
        ListenerArn=stack.listener,
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": config}],
    )
    url = lb_url(cloud, "fixed")
    assert wait_for("the fixed response", lambda: http_get(url) == (200, body))


def test_deregistering_from_a_deleted_target_group_is_quiet(
    cloud: Cloud, caplog: pytest.LogCaptureFixture
) -> None:
    """When terraform destroy deletes the target group before the task stops, does the task
    still stop without an error logged (nothing left to deregister from)?"""
    stack = _stack(cloud, "gone")
    service(cloud, stack, _td(cloud, stack, "gone"), count=1, name="gone")
    (task,) = _steady(cloud, "gone", 1)
    elbv2 = cloud.client("elbv2")
    elbv2.delete_listener(ListenerArn=stack.listener)
    elbv2.delete_target_group(TargetGroupArn=stack.target_group)
    caplog.clear()
    cloud.client("ecs").update_service(cluster="gone", service="gone", desiredCount=0)
    wait_for(
        "the task to stop",
        lambda: _task(cloud, "gone", task["id"])["lastStatus"] == "STOPPED",
    )
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert errors == []


def test_listeners_of_all_regions_live_side_by_side(cloud: Cloud) -> None:
    """With a load balancer in a second region, does the first region's listener keep its
    URL (listeners reconcile over every region at once, not one region at a time)?"""
    network_and_alb(cloud, name="tokyo")
    before = lb_url(cloud, "tokyo")
    ec2 = cloud.client("ec2", region="us-west-2")
    elbv2 = cloud.client("elbv2", region="us-west-2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{n}.0/24", AvailabilityZone=f"us-west-2{az}")[
            "Subnet"
        ]["SubnetId"]
        for n, az in enumerate("ab")
    ]
    http = open_group(ec2, vpc, "oregon-http", 80, "0.0.0.0/0")
    lb = elbv2.create_load_balancer(Name="oregon", Subnets=subnets, SecurityGroups=[http])[
        "LoadBalancers"
    ][0]
    config = {"StatusCode": "200", "ContentType": "text/plain", "MessageBody": "oregon"}
    elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": config}],
    )
    assert http_get(lb_url(cloud, "oregon")) == (200, "oregon")
    assert lb_url(cloud, "tokyo") == before
    assert http_get(before)[0] == 503


def test_a_container_port_the_image_does_not_listen_on_is_unhealthy(cloud: Cloud) -> None:
    """With containerPort 8080 (nginx listens on 80, as in the image), does the task still
    run while its target fails its health checks, as on AWS?"""
    stack = _stack(cloud, "port8080")
    cloud.client("ec2").authorize_security_group_ingress(  # open: nothing listens is the point
        GroupId=stack.security_group,
        IpProtocol="tcp",
        FromPort=8080,
        ToPort=8080,
        CidrIp="10.0.0.0/16",
    )
    mappings = [{"protocol": "tcp", "containerPort": 8080}]
    td = _td(cloud, stack, "port8080", portMappings=mappings)
    service(cloud, stack, td, count=1, grace=3000, name="port8080", port=8080)
    assert wait_for("an unhealthy target", lambda: _unhealthy(cloud, stack)) == {
        "State": "unhealthy",
        "Reason": "Target.FailedHealthChecks",
        "Description": "Health checks failed",
    }
    (task,) = running_tasks(cloud, "port8080")
    assert task["status"] == "RUNNING"
