"""The package's own errors: one base class, so callers (widgets, the CLI) can catch them all.

Every message is meant for the learner: it says what is wrong and what to do next.
"""

from __future__ import annotations


class EcslabError(Exception):
    """Base class of every error ecslab raises on purpose."""

    #: A short hint on what to do next, shown under the message.
    hint: str = ""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint


class SettingError(EcslabError):
    """An environment variable has a value ecslab cannot use."""


class FargateSizeError(EcslabError):
    """A cpu/memory pair that Fargate does not offer."""


class LocalCloudError(EcslabError):
    """The local cloud cannot start, is not running, or does not answer."""


class TerraformError(EcslabError):
    """Terraform failed; carries Terraform's own diagnostics."""


class CheckFailed(EcslabError):
    """A lab check did not pass; the hint says where to look."""


class TaskFailedToStart(EcslabError):
    """A Fargate task of the local cloud could not start; the message is AWS's stoppedReason."""


class PreflightFailed(EcslabError):
    """The environment is not ready for the chosen target (e.g. no AWS credentials)."""


class CostNotConfirmed(EcslabError):
    """AWS mode: the learner has not yet confirmed the cost estimate before the first apply."""
