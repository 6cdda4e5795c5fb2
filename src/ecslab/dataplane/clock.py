"""Time in the local data plane: AWS's durations, run faster by a scale factor.

The data plane thinks in AWS seconds (a 30 s health-check interval, a 300 s
deregistration delay) and waits `real(seconds)` on the wall clock, so one setting
(`ECSLAB_TIME_SCALE`) makes the whole lab brisk, and 1 restores AWS's own timings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ecslab import settings

#: How long AWS takes for the steps of a Fargate task we model (AWS seconds).
#: Measured orders of magnitude on AWS: ENI attach and pull are each a few seconds.
PROVISIONING_SECONDS = 3.0
PENDING_SECONDS = 4.0
STOPPING_SECONDS = 2.0


@dataclass(frozen=True)
class Clock:
    """Converts AWS durations to wall-clock ones; `scale` > 1 runs faster than AWS."""

    scale: float = field(default_factory=settings.time_scale)

    def __post_init__(self) -> None:
        if self.scale <= 0:
            from ecslab.errors import SettingError

            raise SettingError(f"ECSLAB_TIME_SCALE must be positive, not {self.scale}")

    def real(self, aws_seconds: float) -> float:
        """Wall-clock seconds for `aws_seconds` of AWS time."""
        return aws_seconds / self.scale

    @staticmethod
    def now() -> float:
        """Monotonic wall-clock seconds, for deadlines."""
        return time.monotonic()

    def deadline(self, aws_seconds: float) -> float:
        """The monotonic instant `aws_seconds` of AWS time from now."""
        return self.now() + self.real(aws_seconds)
