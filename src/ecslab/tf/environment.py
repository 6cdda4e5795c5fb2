"""The environment variables that point Terraform, the AWS CLI and boto3 at a target.

Switching between the local cloud and real AWS is environment only (DESIGN.md): the
learner's Terraform never names an endpoint. Local mode must never reach real AWS, so it
does not only add the endpoint: it replaces the credentials and removes every variable
that could lead a client to other credentials or another endpoint (a profile, a session
token, a service-specific endpoint, a switch that ignores AWS_ENDPOINT_URL).

The local cloud's credential is never an environment variable: it sits in the cloud's
own shared credentials file (`ecslab.credentials`), named by AWS_SHARED_CREDENTIALS_FILE,
so neither `ecslab env` nor a notebook ever prints a secret. Loopback is added to
NO_PROXY, so a proxy set in the shell never sees (or breaks) local traffic.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path

from ecslab import settings

#: Removed in local mode: each could make a client use real credentials or endpoints.
#: (The local cloud's key comes from its credentials file, which these would beat.)
LOCAL_REMOVED = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_METADATA_URL",
    *(
        # The AWS provider's legacy endpoint variables, which beat AWS_ENDPOINT_URL.
        f"{prefix}{service}_ENDPOINT"
        for prefix in ("TF_AWS_", "AWS_")
        for service in ("STS", "IAM", "S3", "DYNAMODB")
    ),
)

#: Never printed by `ecslab env` (they would land in a notebook's output).
SECRET_NAMES = frozenset({"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"})

#: Hosts that must never go through a proxy in local mode.
LOOPBACK = ("127.0.0.1", "localhost")

#: Set by ecslab: `export_lines` prints them even when the shell already has the value.
MANAGED = frozenset(
    {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_ENDPOINT_URL",
        "AWS_EC2_METADATA_DISABLED",
        "TF_CLI_CONFIG_FILE",
        "CHECKPOINT_DISABLE",
        "PATH",
        "NO_PROXY",
        "no_proxy",
    }
)

#: Prefix of the per-service endpoint variables (AWS_ENDPOINT_URL_EC2...), which win over
#: AWS_ENDPOINT_URL: removed in both modes.
SERVICE_ENDPOINT_PREFIX = "AWS_ENDPOINT_URL_"


def local_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The full environment (base: os.environ) for a client of the local cloud."""
    env = _without(base, LOCAL_REMOVED)
    env.update(_region_vars(settings.region()))
    env["AWS_CONFIG_FILE"] = str(_empty_config())
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(_local_credentials())
    env["AWS_ENDPOINT_URL"] = settings.local_endpoint()
    env["AWS_EC2_METADATA_DISABLED"] = "true"  # never probe an instance metadata service
    env.update(no_proxy_vars(env))
    env.update(_terraform_vars(env))
    return env


def aws_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The full environment for real AWS: the user's credentials, no local endpoint."""
    env = _without(base, ("AWS_ENDPOINT_URL",))
    home = str(settings.home())
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        if env.get(name, "").startswith(home):  # left over from `eval "$(ecslab env)"`
            del env[name]
    if not (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")):
        env.update(_region_vars(settings.DEFAULT_REGION))
    env.update(_terraform_vars(env))
    return env


def target_env(target: str | None = None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for `target` (default: settings.target())."""
    return aws_env(base) if (target or settings.target()) == "aws" else local_env(base)


def apply(target: str | None = None, environ: MutableMapping[str, str] | None = None) -> None:
    """Make `environ` (os.environ) the target's environment in place: set what it sets
    and delete what it removes (`os.environ.update(target_env())` would keep AWS_PROFILE)."""
    environ = os.environ if environ is None else environ
    env = target_env(target, base=environ)
    for name in [n for n in environ if n not in env]:
        del environ[name]
    environ.update(env)


def export_lines(
    env: Mapping[str, str], base: Mapping[str, str] | None = None, unset: Iterable[str] = ()
) -> str:
    """Shell lines that turn `base` (os.environ) into `env`: `unset`, then `export`, sorted.

    Variables ecslab sets are always exported, and `unset` names always unset, so the
    lines also work pasted into another shell.
    """
    base = os.environ if base is None else base
    removed = sorted({n for n in base if n not in env} | {n for n in unset if n not in env})
    changed = sorted(n for n in env if n in MANAGED or env[n] != base.get(n))
    lines = [f"unset {name}" for name in removed]
    lines += [
        f"export {name}={shlex.quote(env[name])}" for name in changed if name not in SECRET_NAMES
    ]
    return "\n".join(lines) + "\n"


def removed_names(target: str | None = None) -> tuple[str, ...]:
    """The variables the target's environment never has (for `export_lines(unset=...)`)."""
    return ("AWS_ENDPOINT_URL",) if (target or settings.target()) == "aws" else LOCAL_REMOVED


def is_endpoint_override(name: str) -> bool:
    """A per-service endpoint variable (AWS_ENDPOINT_URL_EC2...), which beats AWS_ENDPOINT_URL."""
    return name.startswith(SERVICE_ENDPOINT_PREFIX)


def _without(base: Mapping[str, str] | None, names: tuple[str, ...]) -> dict[str, str]:
    """A copy of base without `names` and without any per-service endpoint."""
    source = os.environ if base is None else base
    return {k: v for k, v in source.items() if k not in names and not is_endpoint_override(k)}


def _region_vars(region: str) -> dict[str, str]:
    """Both region variables: Terraform's provider reads AWS_REGION, older tools the other."""
    return {"AWS_REGION": region, "AWS_DEFAULT_REGION": region}


def _local_credentials() -> Path:
    """The local cloud's shared credentials file (made with its key on first use)."""
    from ecslab import credentials

    credentials.ensure(settings.home())
    return credentials.credentials_file(settings.home())


def _empty_config() -> Path:
    """An empty AWS config file, so no profile of the user's can be read."""
    path = _local_credentials().parent / "config"
    if not path.exists() or path.stat().st_size:
        path.write_text("")
    return path


def no_proxy_vars(base: Mapping[str, str]) -> dict[str, str]:
    """NO_PROXY and no_proxy with loopback added (tools read one or the other)."""
    current = base.get("NO_PROXY") or base.get("no_proxy") or ""
    hosts = [h for h in current.split(",") if h.strip()]
    value = ",".join([*hosts, *(h for h in LOOPBACK if h not in hosts)])
    return {"NO_PROXY": value, "no_proxy": value}


def _terraform_vars(base: Mapping[str, str]) -> dict[str, str]:
    """TF_CLI_CONFIG_FILE: the project's own Terraform CLI config (never ~/.terraformrc);
    CHECKPOINT_DISABLE: Terraform never asks HashiCorp for updates (offline, no delay);
    PATH: the venv's bin first, so `aws`, `ecslab` and a Terraform installed into the venv
    answer in notebook cells (`!aws ...`) and shells, as the book's commands expect."""
    from ecslab.tf.providers import cli_config_file, venv_bin

    return {
        "TF_CLI_CONFIG_FILE": str(cli_config_file()),
        "CHECKPOINT_DISABLE": "1",
        "PATH": with_venv_bin(base.get("PATH", os.defpath), venv_bin()),
    }


def with_venv_bin(path: str, folder: Path) -> str:
    """PATH with `folder` first (once), the rest kept in order."""
    parts = [p for p in path.split(os.pathsep) if p and p != str(folder)]
    return os.pathsep.join([str(folder), *parts])
