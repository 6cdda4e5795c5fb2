"""A log group's events through the AWS API, like `aws logs tail` (`ecslab logs`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from ecslab.account import clients
from ecslab.errors import EcslabError
from ecslab.i18n import _


def _events(group: str, start: int | None) -> Iterator[dict[str, Any]]:
    logs = clients.client("logs", "local")
    kwargs: dict[str, Any] = {"logGroupName": group}
    if start is not None:
        kwargs["startTime"] = start
    try:
        for page in logs.get_paginator("filter_log_events").paginate(**kwargs):
            yield from page["events"]
    except logs.exceptions.ResourceNotFoundException as e:
        raise EcslabError(
            _("log group {group} does not exist").format(group=group),
            hint=_("Apply listing 9.5 (aws_cloudwatch_log_group) first."),
        ) from e


def format_event(event: dict[str, Any]) -> str:
    """Like `aws logs tail`: time, stream, message."""
    when = datetime.fromtimestamp(event["timestamp"] / 1000, UTC).isoformat(timespec="milliseconds")
    return f"{when} {event['logStreamName']} {event['message']}"


def log_lines(group: str, follow: bool = False, poll: float = 1.0) -> Iterator[str]:
    """The group's events, oldest first; with follow, keep polling for new ones."""
    seen: set[str] = set()
    start: int | None = None
    while True:
        for event in sorted(_events(group, start), key=lambda e: (e["timestamp"], e["eventId"])):
            if event["eventId"] not in seen:
                seen.add(event["eventId"])
                start = event["timestamp"]
                yield format_event(event)
        if not follow:
            return
        time.sleep(poll)
