"""boto3 sessions and clients for the current target, used by every other module.

Local mode builds the session from the local cloud's endpoint and its own key (read from
the cloud's credentials file, `ecslab.credentials`) only: it never reads the user's
profile, config or credentials files, so a notebook can never reach real AWS by accident.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
import botocore.session

from ecslab import credentials, settings


def endpoint_url(target: str | None = None) -> str | None:
    """The endpoint clients use: the local cloud's, or None (AWS's own) for `aws`."""
    if (target or settings.target()) == "aws":
        return None
    return settings.local_endpoint()


def session(target: str | None = None, region: str | None = None) -> boto3.Session:
    """A boto3 session for `target` (default: settings.target()), in `region` (default:
    the target's)."""
    if (target or settings.target()) == "aws":
        return boto3.Session(region_name=region or _aws_region())
    return boto3.Session(
        botocore_session=_isolated_botocore(), region_name=region or settings.region()
    )


def client(service: str, target: str | None = None, region: str | None = None) -> Any:
    """A boto3 client of `service` for `target`, pointed at the local cloud in local mode."""
    return session(target, region).client(service, endpoint_url=endpoint_url(target))


def _isolated_botocore() -> botocore.session.Session:
    """A botocore session that ignores AWS_PROFILE, config files and other credentials."""
    core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    core.set_config_variable("config_file", "/dev/null")
    core.set_config_variable("credentials_file", "/dev/null")
    key = local_credential()
    core.set_credentials(key.access_key_id, key.secret_access_key)
    return core


def local_credential() -> credentials.Credential:
    """The local cloud's key (made on first use, as `ecslab up` would)."""
    return credentials.ensure(settings.home())


def _aws_region() -> str:
    """The user's region for real AWS, else the book's."""
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    return region or settings.DEFAULT_REGION
