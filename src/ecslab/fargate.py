"""The Fargate task-size table: the one source of truth for valid cpu/memory pairs.

Used by the task-size widget, the local cloud's RegisterTaskDefinition validation and
(via `terraform_validation_map`) the Terraform modules' `validation` blocks.
Source: Amazon ECS Developer Guide, "Task CPU and memory" (Linux containers on Fargate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecslab import prices
from ecslab.errors import FargateSizeError
from ecslab.i18n import _

_GIB = 1024


def _steps(low_gib: int, high_gib: int, step_gib: int) -> tuple[int, ...]:
    return tuple(range(low_gib * _GIB, high_gib * _GIB + 1, step_gib * _GIB))


#: cpu units -> the memory values (MiB) Fargate accepts with it.
SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: _steps(1, 4, 1),
    1024: _steps(2, 8, 1),
    2048: _steps(4, 16, 1),
    4096: _steps(8, 30, 1),
    8192: _steps(16, 60, 4),
    16384: _steps(32, 120, 8),
}

#: Fargate on-demand prices, Linux/x86, ap-northeast-1 (Tokyo), USD: from the one price
#: table, ecslab.prices (named here for the callers of the Fargate table).
PRICES_AS_OF = prices.AS_OF
PRICE_PER_VCPU_HOUR = prices.FARGATE_VCPU_HOUR
PRICE_PER_GB_HOUR = prices.FARGATE_GB_HOUR
HOURS_PER_MONTH = prices.HOURS_PER_MONTH

#: AWS's own ClientException text (never translated: the learner meets it on AWS too);
#: the local cloud's RegisterTaskDefinition answers with it.
_INVALID = (
    "No Fargate configuration exists for given values: {cpu} CPU, {memory} memory. "
    "See the Amazon ECS documentation for the valid values."
)


@dataclass(frozen=True)
class TaskSize:
    """A valid Fargate task size, in cpu units and MiB."""

    cpu: int
    memory: int

    @property
    def vcpu(self) -> float:
        return self.cpu / 1024

    def hourly_cost(self, count: int = 1) -> float:
        """USD per hour for `count` tasks of this size running in Tokyo (unrounded)."""
        return (self.vcpu * PRICE_PER_VCPU_HOUR + self.memory / _GIB * PRICE_PER_GB_HOUR) * count

    def monthly_cost(self, count: int = 1) -> float:
        """USD per month for `count` tasks of this size running all month in Tokyo."""
        return round(self.hourly_cost(count) * HOURS_PER_MONTH, 2)


def cpu_choices() -> list[int]:
    """The cpu values Fargate offers, smallest first."""
    return sorted(SIZES)


def memory_choices(cpu: int | str) -> list[int]:
    """The memory values (MiB) Fargate allows with this cpu; empty for an unknown cpu."""
    return list(SIZES.get(parse_cpu(cpu), ()))


def parse_cpu(value: int | str) -> int:
    """cpu as ECS accepts it: units ("256", 256) or vCPU ("1vCPU", "0.25 vCPU") -> units."""
    text = str(value).strip()
    match = re.fullmatch(r"(\d*\.?\d+)\s*vcpu", text, flags=re.IGNORECASE)
    if match:
        return round(float(match.group(1)) * 1024)
    if text.isdigit():
        return int(text)
    raise FargateSizeError(f"Invalid cpu value {text!r}: use CPU units (256) or vCPU (1vCPU).")


def parse_memory(value: int | str) -> int:
    """memory as ECS accepts it: MiB ("512", 512) or GB ("1GB", "0.5 GB") -> MiB."""
    text = str(value).strip()
    match = re.fullmatch(r"(\d*\.?\d+)\s*gb", text, flags=re.IGNORECASE)
    if match:
        return round(float(match.group(1)) * _GIB)
    if text.isdigit():
        return int(text)
    raise FargateSizeError(f"Invalid memory value {text!r}: use MiB (512) or GB (1GB).")


def validate(cpu: int | str, memory: int | str) -> TaskSize:
    """Return the TaskSize, or raise FargateSizeError with AWS's own ClientException text."""
    units, mib = parse_cpu(cpu), parse_memory(memory)
    if mib not in SIZES.get(units, ()):
        raise FargateSizeError(
            _INVALID.format(cpu=units, memory=mib),
            hint=_hint(units),
        )
    return TaskSize(units, mib)


def _hint(cpu: int) -> str:
    """Our explanation under AWS's message: which values the table allows."""
    if cpu not in SIZES:
        return _("Valid cpu values: {values}.").format(values=", ".join(map(str, cpu_choices())))
    return _("With cpu {cpu}, memory can be: {values}.").format(
        cpu=cpu, values=", ".join(map(str, SIZES[cpu]))
    )


def terraform_validation_map() -> dict[str, list[int]]:
    """The table as Terraform can hold it (string keys), for generated `validation` blocks."""
    return {str(cpu): list(memory) for cpu, memory in SIZES.items()}
