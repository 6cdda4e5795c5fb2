"""The host process: moto behind waitress, the admin API, and hosted services (in-process)."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fixtures_cloud import free_port

from ecslab.cloud import auth
from ecslab.cloud.server import SERVER_OPTIONS, AdminError, AdminRequest, Host
from ecslab.errors import LocalCloudError


class Recorder:
    """A hosted service that records its calls, and checks moto answers while it stops."""

    def __init__(self, name: str, calls: list[str]) -> None:
        self.name = name
        self.calls = calls
        self.host: Host | None = None

    def start(self, host: Host) -> None:
        self.calls.append(f"start {self.name}")
        self.host = host
        host.register_admin_route(f"/_ecslab/{self.name}", self.view)

    def view(self, request: AdminRequest) -> Any:
        if request.query.get("fail"):
            raise AdminError(409, f"{self.name} refuses")
        return {"name": self.name, "method": request.method, "body": request.json()}

    def stop(self) -> None:
        assert self.host is not None
        answers = _get(self.host, "/_ecslab/status")[0] == 200
        self.calls.append(f"stop {self.name} (server answers: {answers})")


@pytest.fixture(scope="module")
def calls() -> list[str]:
    return []


@pytest.fixture(scope="module")
def host(calls: list[str]) -> Iterator[Host]:
    """One in-process host for the module, with two recording services."""
    port = free_port()
    host = Host(
        port=port, region="ap-northeast-1", services=[Recorder("a", calls), Recorder("b", calls)]
    )
    host.start()
    yield host
    host.stop()


def _get(host: Host, path: str, method: str = "GET", body: bytes = b"") -> tuple[int, Any]:
    """A request signed with the host's key, its status and JSON answer."""
    headers = auth.sign(host.credential, method, f"{host.endpoint}{path}", body)
    connection = http.client.HTTPConnection("127.0.0.1", host.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def test_status_reports_pid_endpoint_and_counts(host: Host) -> None:
    """Does /_ecslab/status say who answers, where, and count resources by service?"""
    status, data = _get(host, "/_ecslab/status")
    assert status == 200
    assert data["endpoint"] == f"http://127.0.0.1:{host.port}"
    assert data["ready"] is True
    assert set(data["counts"]) == {"ec2", "elbv2", "ecs", "iam", "logs"}


def test_moto_answers_beside_the_admin_api(host: Host) -> None:
    """Does every other path reach moto (here: STS, through boto3)?"""
    import boto3

    sts = boto3.client(
        "sts",
        endpoint_url=host.endpoint,
        region_name="ap-northeast-1",
        aws_access_key_id=host.credential.access_key_id,
        aws_secret_access_key=host.credential.secret_access_key,
    )
    assert sts.get_caller_identity()["Account"] == host.account_id


def test_status_counts_what_was_created(host: Host) -> None:
    """Does a log group created through the API show in the counts?"""
    import boto3

    logs = boto3.client(
        "logs",
        endpoint_url=host.endpoint,
        region_name="ap-northeast-1",
        aws_access_key_id=host.credential.access_key_id,
        aws_secret_access_key=host.credential.secret_access_key,
    )
    logs.create_log_group(logGroupName="/test/counted")
    assert _get(host, "/_ecslab/status")[1]["counts"]["logs"]["log_groups"] >= 1


def test_managed_policies_are_loaded(host: Host) -> None:
    """Is the AWS managed policy of listing 9.6 there (MOTO_IAM_LOAD_MANAGED_POLICIES)?"""
    import boto3

    iam = boto3.client(
        "iam",
        endpoint_url=host.endpoint,
        region_name="us-east-1",
        aws_access_key_id=host.credential.access_key_id,
        aws_secret_access_key=host.credential.secret_access_key,
    )
    arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    assert (
        iam.get_policy(PolicyArn=arn)["Policy"]["PolicyName"] == "AmazonECSTaskExecutionRolePolicy"
    )


def test_hosted_services_start_in_order(host: Host, calls: list[str]) -> None:
    """Are the hosted services started in list order, once?"""
    assert calls[:2] == ["start a", "start b"]


def test_plugin_route_answers_json(host: Host) -> None:
    """Does a route a hosted service registered get the method and JSON body?"""
    status, data = _get(host, "/_ecslab/b", "POST", b'{"x": 1}')
    assert (status, data) == (200, {"name": "b", "method": "POST", "body": {"x": 1}})


def test_admin_error_becomes_its_status(host: Host) -> None:
    """Does an AdminError raised by a handler give its status and message?"""
    assert _get(host, "/_ecslab/a?fail=1") == (409, {"error": "a refuses"})


def test_unknown_admin_route_is_404(host: Host) -> None:
    """Does an unknown /_ecslab/ path answer 404 with a message, not reach moto?"""
    assert _get(host, "/_ecslab/nothing") == (
        404,
        {"error": "no admin route /_ecslab/nothing"},
    )


def test_admin_routes_must_live_under_the_prefix(host: Host) -> None:
    """Is a route outside /_ecslab/ refused, so moto's paths stay moto's?"""
    with pytest.raises(ValueError, match="admin routes live under /_ecslab/"):
        host.register_admin_route("/tasks", lambda request: None)


def test_keep_alive_connection_is_reused(host: Host) -> None:
    """Does the server keep the connection open between requests (HTTP/1.1 keep-alive)?"""
    connection = http.client.HTTPConnection("127.0.0.1", host.port, timeout=10)
    try:
        for _ in range(3):
            headers = auth.sign(host.credential, "GET", f"{host.endpoint}/_ecslab/status")
            connection.request("GET", "/_ecslab/status", headers=headers)
            response = connection.getresponse()
            assert response.status == 200
            response.read()
            assert response.getheader("Connection") != "close"
        assert connection.sock is not None
    finally:
        connection.close()


def test_idle_timeout_outlasts_go_clients() -> None:
    """Does the server keep idle connections longer than Go's AWS SDK (90 s)?"""
    assert SERVER_OPTIONS["channel_timeout"] > 90


def test_busy_port_is_a_clear_error(host: Host) -> None:
    """Does a second host on a taken port fail with a LocalCloudError that names the port?"""
    with pytest.raises(LocalCloudError, match=f"cannot listen on 127.0.0.1:{host.port}"):
        Host(port=host.port, region="ap-northeast-1").start()


def test_listens_on_loopback_only(host: Host) -> None:
    """Is the server bound to 127.0.0.1 only?"""
    assert host._server.socket.getsockname()[0] == "127.0.0.1"
    assert host._server.socket.family == socket.AF_INET


def test_stop_stops_services_in_reverse_while_moto_answers(calls: list[str]) -> None:
    """Are services stopped in reverse order, before the server stops?"""
    port = free_port()
    own: list[str] = []
    host = Host(
        port=port, region="ap-northeast-1", services=[Recorder("x", own), Recorder("y", own)]
    )
    host.start()
    host.stop()
    assert own[2:] == ["stop y (server answers: True)", "stop x (server answers: True)"]
    with pytest.raises(OSError):
        _get(host, "/_ecslab/status")


def test_stop_answers_the_request_in_flight_before_closing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Is a request still being served when the host stops answered, its worker thread
    ended, and nothing logged (no "Bad file descriptor" from a closed wake-up pipe)?"""
    host = Host(port=free_port(), region="ap-northeast-1")
    entered = threading.Event()

    def slow(_request: AdminRequest) -> Any:
        """Answers only once the server loop has ended, as a request caught by a stop."""
        entered.set()
        deadline = time.monotonic() + 10
        while host._thread is not None and host._thread.is_alive():
            assert time.monotonic() < deadline, "the server loop never ended"
            time.sleep(0.01)
        return {"answered": True}

    host.register_admin_route("/_ecslab/slow", slow)
    host.start()
    answers: list[tuple[int, Any]] = []
    client = threading.Thread(target=lambda: answers.append(_get(host, "/_ecslab/slow")))
    client.start()
    assert entered.wait(10)
    host.stop()
    client.join(10)
    assert answers == [(200, {"answered": True})]
    assert host._server.task_dispatcher.threads == set()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
