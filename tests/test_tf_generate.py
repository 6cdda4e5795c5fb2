"""Tests of ecslab.tf.generate: Terraform files generated from the Python tables."""

from __future__ import annotations

from ecslab import fargate
from ecslab.tf import generate


def test_fargate_sizes_file_is_current() -> None:
    """Is terraform/chapter9/fargate_sizes.tf what `python -m ecslab.tf.generate` would write?"""
    assert generate.stale_files() == [], "run: python -m ecslab.tf.generate"


def test_fargate_sizes_hold_every_pair() -> None:
    """Does the generated map hold every cpu value and each of its memory values?"""
    text = generate.render_fargate_sizes()
    for cpu, memories in fargate.SIZES.items():
        line = next(x for x in text.splitlines() if x.strip().startswith(f'"{cpu}"'))
        assert all(f'"{m}"' in line for m in memories)
