"""RetryMemo: an SDK's retry of an operation moto already served gets the first answer."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from ecslab.cloud.retries import INVOCATION_HEADER, RetryMemo


class CountingApp:
    """A WSGI app that answers with a new number on every call it really runs."""

    def __init__(self, status: str = "200 OK") -> None:
        self.calls = 0
        self.status = status
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.entered.set()
        assert self.gate.wait(10), "the test never opened the gate"
        self.calls += 1
        start_response(self.status, [("Content-Type", "text/plain")])
        return [f"resource-{self.calls}".encode()]


def _call(
    app: RetryMemo, invocation: str | None, body: bytes = b"Action=CreateVpc"
) -> tuple[str, bytes]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"] = status

    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    if invocation:
        environ[INVOCATION_HEADER] = invocation
    answer = b"".join(app(environ, start_response))
    return seen["status"], answer


def _until(what: str, probe: Callable[[], bool]) -> None:
    """Wait until another thread has reached the state `probe` looks for."""
    deadline = time.monotonic() + 10
    while not probe():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.001)


def test_retry_with_the_same_invocation_id_replays_the_first_answer() -> None:
    """Does a retried create return the first resource instead of creating a second?"""
    inner = CountingApp()
    app = RetryMemo(inner)
    assert _call(app, "op-1") == ("200 OK", b"resource-1")
    assert _call(app, "op-1") == ("200 OK", b"resource-1")
    assert inner.calls == 1
    assert app.replayed == 1


def test_distinct_operations_each_run() -> None:
    """Do two operations (two invocation ids) both reach moto?"""
    inner = CountingApp()
    app = RetryMemo(inner)
    _call(app, "op-1")
    assert _call(app, "op-2") == ("200 OK", b"resource-2")
    assert inner.calls == 2


def test_requests_without_an_invocation_id_always_run() -> None:
    """Is a request from a client that sends no invocation id passed straight through?"""
    inner = CountingApp()
    app = RetryMemo(inner)
    _call(app, None)
    _call(app, None)
    assert inner.calls == 2


def test_retry_after_a_server_error_runs_again() -> None:
    """Is a 5xx answer not replayed, so the retry gets a real second try, as on AWS?"""
    inner = CountingApp(status="500 Internal Server Error")
    app = RetryMemo(inner)
    _call(app, "op-1")
    inner.status = "200 OK"
    assert _call(app, "op-1") == ("200 OK", b"resource-2")


def test_retry_during_the_first_try_waits_for_its_answer() -> None:
    """Does a retry that arrives while the first try still runs get the first's answer?
    The first try is held inside the app until the retry is seen waiting for it."""
    inner = CountingApp()
    inner.gate.clear()
    app = RetryMemo(inner)
    first: list[tuple[str, bytes]] = []
    runner = threading.Thread(target=lambda: first.append(_call(app, "op-1")))
    runner.start()
    assert inner.entered.wait(10)
    retry: list[tuple[str, bytes]] = []
    retrier = threading.Thread(target=lambda: retry.append(_call(app, "op-1")))
    retrier.start()
    _until("the retry to wait for the first try", lambda: app.waiting == 1)
    assert retry == [] and inner.calls == 0
    inner.gate.set()
    runner.join(10)
    retrier.join(10)
    assert first == retry == [("200 OK", b"resource-1")]
    assert inner.calls == 1 and app.replayed == 1


def test_same_invocation_id_with_another_body_runs_again() -> None:
    """Is a request reusing an id for another body served afresh, not handed the first's
    answer?"""
    inner = CountingApp()
    app = RetryMemo(inner)
    _call(app, "op-1", b"Action=CreateVpc&CidrBlock=10.0.0.0/16")
    assert _call(app, "op-1", b"Action=DeleteVpc&VpcId=vpc-1") == ("200 OK", b"resource-2")
    assert inner.calls == 2 and app.replayed == 0


def test_memory_is_bounded_in_bytes() -> None:
    """Does the memo forget the oldest answers once they exceed its bytes, and still replay
    the newest?"""
    inner = CountingApp()
    app = RetryMemo(inner, memory_bytes=200)
    for n in range(20):
        _call(app, f"op-{n}")
    assert 0 < app.remembered_bytes <= 200
    assert _call(app, "op-19") == ("200 OK", b"resource-20")
    assert _call(app, "op-0") == ("200 OK", b"resource-21")  # forgotten: runs again


def test_local_cloud_replays_a_retried_create_vpc(aws_client: Any) -> None:
    """Through the real server: does a CreateVpc retried with its invocation id make one VPC?"""
    ec2 = aws_client("ec2")

    def same_invocation(request: Any, **_: Any) -> None:
        request.headers["amz-sdk-invocation-id"] = "fixed-invocation-for-test"

    ec2.meta.events.register("before-send.ec2.CreateVpc", same_invocation)
    first = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    again = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.42.0.0/16"]}])["Vpcs"]
    assert first == again
    assert [v["VpcId"] for v in vpcs] == [first]
    ec2.delete_vpc(VpcId=first)
