"""Do `ecslab ps`, `ecslab url` and `ecslab logs` show the local data plane?"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dataplane_support import (
    Cloud,
    http_get,
    local_cloud,
    network_and_alb,
    service,
    task_definition,
    wait_for,
)

from ecslab import cli
from ecslab.account import logs
from ecslab.cloud import client
from ecslab.dataplane import health


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    with (
        pytest.MonkeyPatch.context() as mp,
        local_cloud(tmp_path_factory.mktemp("home"), scale=50) as running,
    ):
        mp.setenv("ECSLAB_PORT", str(running.host.port))
        mp.setenv("ECSLAB_TARGET", "local")
        stack = network_and_alb(running)
        running.client("logs").create_log_group(logGroupName="/ecs/example")
        service(running, stack, task_definition(running, stack))
        wait_for(
            "2 healthy tasks",
            lambda: [t["health"] for t in client.tasks()] == ["healthy", "healthy"],
        )
        yield running


def test_url_prints_just_the_url_and_it_answers(
    cloud: Cloud, capsys: pytest.CaptureFixture[str]
) -> None:
    """With one load balancer, does `ecslab url` print only a URL that serves nginx?"""
    assert cli.main(["url"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("http://127.0.0.1:") and "\n" not in url
    assert wait_for("a page", lambda: http_get(url)[0] == 200)


def test_url_by_name_and_unknown_name(cloud: Cloud, capsys: pytest.CaptureFixture[str]) -> None:
    """Does a name select the load balancer, and an unknown one say so?"""
    assert cli.main(["url", "example"]) == 0
    capsys.readouterr()
    assert cli.main(["url", "nope"]) == 1
    assert "no load balancer named 'nope' in the local cloud" in capsys.readouterr().err


def test_url_by_port(cloud: Cloud, capsys: pytest.CaptureFixture[str]) -> None:
    """Does `--port` pick the listener on that port, and a port without one say so?"""
    assert cli.main(["url", "--port", "80"]) == 0
    assert capsys.readouterr().out.strip() == client.url()
    assert cli.main(["url", "--port", "8080"]) == 1
    err = capsys.readouterr().err
    assert "no load balancer in the local cloud with a listener on port 8080" in err


def test_ps_lists_tasks(cloud: Cloud, capsys: pytest.CaptureFixture[str]) -> None:
    """Does `ecslab ps` list id, service, revision, status, health, IP and uptime?"""
    assert cli.main(["ps"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["TASK", "ID", "SERVICE", "REV", "STATUS", "HEALTH", "IP", "UPTIME"]
    assert len(lines) == 3 and all(
        " example  1    RUNNING  healthy  10.0.6" in line for line in lines[1:]
    )


def test_logs_prints_the_group(cloud: Cloud, capsys: pytest.CaptureFixture[str]) -> None:
    """Does `ecslab logs /ecs/example` print time, nginx/example/<task-id> and the message?"""
    first = client.tasks()[0]["id"]
    wait_for("log events", lambda: any(first in line for line in logs.log_lines("/ecs/example")))
    assert cli.main(["logs", "/ecs/example"]) == 0
    out = capsys.readouterr().out
    assert f" nginx/example/{first} /docker-entrypoint.sh: " in out


def test_logs_of_a_missing_group_is_a_clear_error(
    cloud: Cloud, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does a missing log group give a message and a hint, not a traceback?"""
    assert cli.main(["logs", "/ecs/nope"]) == 1
    assert "log group /ecs/nope does not exist" in capsys.readouterr().err


def test_matcher_syntax() -> None:
    """Does the health-check matcher read ALB's syntax (200, 200,202, 200-299)?"""
    assert health.matches(200, "200") and not health.matches(404, "200")
    assert health.matches(202, "200,202") and health.matches(204, "200-299")
