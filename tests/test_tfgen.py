"""Tests of ecslab.tfgen: Terraform files generated from the Python tables."""

from __future__ import annotations

from ecslab import fargate, tfgen


def test_fargate_sizes_file_is_current() -> None:
    """Is terraform/chapter9/fargate_sizes.tf what `python -m ecslab.tfgen` would write?"""
    assert tfgen.stale_files() == [], "run: python -m ecslab.tfgen"


def test_fargate_sizes_hold_every_pair() -> None:
    """Does the generated map hold every cpu value and each of its memory values?"""
    text = tfgen.render_fargate_sizes()
    for cpu, memories in fargate.SIZES.items():
        line = next(x for x in text.splitlines() if x.strip().startswith(f'"{cpu}"'))
        assert all(f'"{m}"' in line for m in memories)
