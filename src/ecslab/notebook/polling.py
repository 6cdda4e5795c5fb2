"""Waiting for something real (a rollout, a log event) in AWS time, without sleeping blind.

A check that waits asks again every half second until what it asks is true or a deadline
passes. The deadline is in AWS seconds, divided by the local cloud's time scale (time runs
faster locally), plus some slack so a busy machine does not turn a slow rollout into a
failed check.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from ecslab import settings

T = TypeVar("T")

#: Real seconds added to a long wait: a busy machine (a classroom server, CI) must not turn
#: a slow rollout into a failed check.
SLACK = 30.0
#: How often to ask again.
INTERVAL = 0.5


def deadline(aws_seconds: float) -> float:
    """A monotonic deadline `aws_seconds` of AWS time from now (scaled locally), plus slack."""
    scale = settings.time_scale() if settings.target() == "local" else 1.0
    slack = SLACK if aws_seconds >= 60 else 2.0
    return time.monotonic() + aws_seconds / max(scale, 1.0) + slack


def until(ask: Callable[[], T], done: Callable[[T], bool], aws_seconds: float) -> T:
    """Ask until `done(answer)` or the deadline; the last answer either way."""
    end = deadline(aws_seconds)
    answer = ask()
    while not done(answer) and time.monotonic() < end:
        time.sleep(INTERVAL)
        answer = ask()
    return answer
