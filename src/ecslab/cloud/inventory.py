"""Count what the learner created in moto, by service, for `ecslab status`.

Read from moto's in-process models (this runs inside the host), through ecslab.moto_seam.
Things moto makes on its own (the default VPC and its subnets and security group, AWS
managed IAM policies) are left out: the learner did not create them and `destroy` does
not remove them.
"""

from __future__ import annotations

from ecslab import moto_seam

Counts = dict[str, dict[str, int]]


def counts(account_id: str, region: str) -> Counts:
    """{service: {resource kind: number}} for the services the chapter uses."""
    return moto_seam.resource_counts(account_id, region)
