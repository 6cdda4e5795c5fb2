"""After `terraform apply` of chapter 9: does nginx answer, do 2 tasks run, do logs arrive?"""

from __future__ import annotations

from typing import Any

import pytest
from dataplane_support import http_get, wait_for

from ecslab.account import clients
from ecslab.cloud import client

pytestmark = pytest.mark.integration


def _running() -> list[dict[str, Any]]:
    return [t for t in client.tasks() if t["service"] == "example" and t["status"] == "RUNNING"]


def test_nginx_answers_through_ecslab_url(applied_chapter: Any) -> None:
    """Does the ALB's local URL serve nginx's default page (figure 9.2)?"""
    url = client.url()
    _, body = wait_for(
        "nginx through the load balancer", lambda: (r := http_get(url))[0] == 200 and r, 30
    )
    assert "<h1>Welcome to nginx!</h1>" in body


def test_two_tasks_run(applied_chapter: Any) -> None:
    """Does the service keep desired_count = 2 tasks of revision 1 running, healthy?"""
    tasks = wait_for(
        "2 healthy tasks",
        lambda: len(t := _running()) == 2 and all(x["health"] == "healthy" for x in t) and t,
        30,
    )
    assert {t["task_definition"] for t in tasks} == {"example:1"}


def test_health_check_lines_arrive_per_task_stream(applied_chapter: Any) -> None:
    """Do health-check lines arrive in /ecs/example under nginx/example/<task-id> (9.4.3)?"""
    tasks = wait_for("2 tasks", lambda: len(t := _running()) == 2 and t, 30)
    ids = {t["id"] for t in tasks}
    logs = clients.client("logs", "local")

    def checked_streams() -> set[str] | None:
        events = logs.filter_log_events(logGroupName="/ecs/example")["events"]
        streams = {e["logStreamName"] for e in events if '"ELB-HealthChecker/2.0"' in e["message"]}
        return streams if streams >= {f"nginx/example/{i}" for i in ids} else None

    assert wait_for("health-check lines of both tasks", checked_streams, 60)
