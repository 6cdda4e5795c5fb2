"""ecslab: a hands-on lab for ECS Fargate with Terraform, offline against a local cloud.

The package's parts, one folder each: `notebook` (what a learner calls in a cell),
`tf` (running Terraform on the workspace), `account` (the AWS account side: clients,
cost, preflight, leftovers), `cloud` and `dataplane` (the local cloud), `authoring`
(building the lab). The notebooks' import line stays short: `from ecslab import checks,
lab, widgets` (and `diagram`, which 9.1 draws, and `rollout`, which going further uses)
loads those modules of `ecslab.notebook` on first use (PEP 562), so the CLI never pays
for ipywidgets.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ecslab.errors import EcslabError

__all__ = ["EcslabError", "checks", "diagram", "lab", "rollout", "widgets"]
__version__ = "0.1.0"

#: The notebook modules re-exported at the top, for the notebooks' one import line.
_NOTEBOOK_FACE = {"checks", "diagram", "lab", "rollout", "widgets"}


def __getattr__(name: str) -> ModuleType:
    """`from ecslab import lab` loads ecslab.notebook.lab on first use."""
    if name in _NOTEBOOK_FACE:
        return importlib.import_module(f"ecslab.notebook.{name}")
    raise AttributeError(f"module 'ecslab' has no attribute {name!r}")
