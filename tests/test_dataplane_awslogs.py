"""Does the awslogs driver deliver lines as on AWS, and stay quiet when its group vanishes?"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from dataplane_support import REGION

from ecslab.cloud.server import Host
from ecslab.dataplane.awslogs import AwsLogs
from ecslab.dataplane.process import free_port

OPTIONS = {"awslogs-group": "/ecs/driver", "awslogs-stream-prefix": "nginx"}


@pytest.fixture(scope="module")
def logs_client() -> Iterator[Any]:
    """A CloudWatch Logs client of an in-process local cloud (moto only, no data plane)."""
    host = Host(port=free_port(), region=REGION)
    host.start()
    try:
        yield boto3.session.Session().client(
            "logs",
            region_name=REGION,
            endpoint_url=host.endpoint,
            aws_access_key_id=host.credential.access_key_id,
            aws_secret_access_key=host.credential.secret_access_key,
        )
    finally:
        host.stop()


@pytest.fixture
def driver(logs_client: Any) -> Iterator[AwsLogs]:
    """The driver, with the group of OPTIONS created afresh."""
    logs_client.create_log_group(logGroupName=OPTIONS["awslogs-group"])
    driver = AwsLogs(lambda _region: logs_client, REGION)
    yield driver
    driver.close()
    groups = logs_client.describe_log_groups(logGroupNamePrefix=OPTIONS["awslogs-group"])
    for group in groups["logGroups"]:
        logs_client.delete_log_group(logGroupName=group["logGroupName"])


def _messages(logs_client: Any, stream: str) -> list[str]:
    events = logs_client.get_log_events(
        logGroupName=OPTIONS["awslogs-group"], logStreamName=stream, startFromHead=True
    )["events"]
    return [e["message"] for e in events]


def test_vanished_group_is_said_once_per_stream(
    driver: AwsLogs, logs_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """After the log group is deleted under a running task, do many batches give one warning
    (naming the stream and AWS's error), not one per batch?"""
    target = driver.open(OPTIONS, "example", "a1")
    logs_client.delete_log_group(logGroupName=OPTIONS["awslogs-group"])
    caplog.set_level(logging.WARNING, logger="ecslab.dataplane.awslogs")
    for n in range(3):
        driver.write(target, f"line {n}")
        driver.flush()
    warnings = [r.getMessage() for r in caplog.records if r.name == "ecslab.dataplane.awslogs"]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "PutLogEvents to /ecs/driver/nginx/example/a1 failed, its lines are dropped: "
    )
    assert "ResourceNotFoundException" in warnings[0]


def test_closed_stream_sends_its_last_lines_then_no_more(driver: AwsLogs, logs_client: Any) -> None:
    """When the task stops, are its buffered lines sent, and lines written after dropped?"""
    target = driver.open(OPTIONS, "example", "b2")
    driver.write(target, "last words")
    driver.close_stream(target)
    driver.write(target, "after the stop")
    driver.flush()
    assert _messages(logs_client, target.stream) == ["last words"]


def test_filter_log_events_answers_as_the_book_prints_it(driver: AwsLogs, logs_client: Any) -> None:
    """Does `filter-log-events` give each event the book's fields, with an eventId as AWS
    forms it (a 56-digit number holding the timestamp and ingestion time), rising in order?"""
    target = driver.open(OPTIONS, "example", "book")
    for line in ("first", "second"):
        driver.write(target, line)
    driver.flush()
    events = logs_client.filter_log_events(logGroupName=OPTIONS["awslogs-group"])["events"]
    assert [e["message"] for e in events] == ["first", "second"]
    for event in events:
        assert set(event) == {"logStreamName", "timestamp", "message", "ingestionTime", "eventId"}
        assert event["logStreamName"] == "nginx/example/book"
        assert len(event["eventId"]) == 56 and event["eventId"].isdigit()
        assert int(event["eventId"]) >> 144 == event["timestamp"]
        assert (int(event["eventId"]) >> 80) & (2**64 - 1) == event["ingestionTime"]
    assert int(events[0]["eventId"]) < int(events[1]["eventId"])
