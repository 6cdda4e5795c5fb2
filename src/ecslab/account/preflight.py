"""Is this environment ready for the chosen target? (`ecslab preflight`, every setup cell.)

Each check returns what it found and, when something is missing, what to do: a learner
reads a short table, never a traceback. In AWS mode the credentials, region and the
identity STS reports are shown, so the learner sees *which* account is about to be billed;
without working credentials `require()` refuses to go on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from ecslab import settings
from ecslab.account import clients, cost
from ecslab.cloud import auth
from ecslab.errors import EcslabError, PreflightFailed
from ecslab.tf import providers


@dataclass(frozen=True)
class Check:
    """One line of the preflight table."""

    name: str
    ok: bool
    detail: str
    hint: str = ""


def check_terraform() -> Check:
    """A Terraform recent enough for the chapter."""
    try:
        binary = providers.terraform_binary()
        version = ".".join(map(str, providers.terraform_version(binary)))
    except EcslabError as e:
        return Check("Terraform", False, str(e), e.hint)
    return Check("Terraform", True, f"{version} ({binary})")


def check_provider() -> Check:
    """Where hashicorp/aws comes from: a mirror (offline) or the registry (needs internet)."""
    try:
        mirror = providers.find_mirror()
    except EcslabError as e:
        return Check("AWS provider", False, str(e), e.hint)
    if mirror is None:
        return Check("AWS provider", True, "from the Terraform registry (needs internet)")
    versions = ", ".join(providers.provider_versions(mirror))
    return Check("AWS provider", True, f"hashicorp/aws {versions} from {mirror}")


def check_local_cloud() -> Check:
    """The local cloud answers on its port."""
    from ecslab.cloud import daemon

    state = daemon.status()
    if state.running:
        return Check("Local cloud", True, f"running at {state.endpoint}")
    return Check(
        "Local cloud",
        False,
        f"not running (expected at {state.endpoint})",
        "Start it: run `ecslab up` in a terminal, or the setup cell again.",
    )


def check_no_local_endpoint() -> Check:
    """AWS mode must not inherit the local cloud's endpoint (boto3 and Terraform honour it)."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if endpoint:
        return Check(
            "AWS endpoint",
            False,
            f"AWS_ENDPOINT_URL={endpoint} would send every call there, not to AWS",
            "It is left over from local mode: restart the notebook's kernel (or open a new "
            "terminal, or `unset AWS_ENDPOINT_URL`), set ECSLAB_TARGET=aws, run this again.",
        )
    return Check("AWS endpoint", True, "AWS's own")


def check_credentials() -> Check:
    """AWS credentials the SDKs (and Terraform) will find; refuses to guess."""
    credentials = clients.session("aws").get_credentials()
    if credentials is None:
        return Check(
            "AWS credentials",
            False,
            "none found (no AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws/credentials or SSO login)",
            "Run `aws configure` (or `aws sso login --profile NAME` and set AWS_PROFILE), "
            "then run this again. Or set ECSLAB_TARGET=local to work offline for free.",
        )
    if credentials.access_key.startswith(auth.KEY_PREFIX):
        return Check(
            "AWS credentials",
            False,
            "these are the local cloud's own key, left over from local mode",
            "Restart the notebook's kernel (or open a new terminal) with ECSLAB_TARGET=aws, "
            "so your own credentials are used.",
        )
    return Check("AWS credentials", True, f"found ({credentials.method})")


def check_region() -> Check:
    """The region everything will be created in (and priced for)."""
    region = clients.session("aws").region_name
    note = "" if region == settings.DEFAULT_REGION else " (cost estimate is for ap-northeast-1)"
    return Check("AWS region", True, f"{region}{note}")


def check_identity() -> Check:
    """Who STS says we are: the account that will be billed."""
    try:
        who = clients.client("sts", "aws").get_caller_identity()
    except (ClientError, BotoCoreError) as e:
        return Check(
            "AWS identity",
            False,
            f"STS refused the credentials: {e}",
            "Your credentials are expired or wrong: log in again (`aws sso login`, "
            "`aws configure`) and rerun.",
        )
    return Check("AWS identity", True, f"account {who['Account']}, {who['Arn']}")


def check_name_prefix() -> Check:
    """The prefix and tags that keep learners of one account apart."""
    prefix = settings.name_prefix()
    if not prefix:
        return Check(
            "Name prefix",
            True,
            "none: names are the book's (fine in an account of your own)",
            "Sharing an account with other learners? Set ECSLAB_NAME_PREFIX (e.g. your name).",
        )
    return Check("Name prefix", True, f"{prefix!r}: resource names start with {prefix}-")


def check_cost() -> Check:
    """Whether the cost estimate was confirmed (asked before the first apply)."""
    if cost.is_confirmed("aws"):
        return Check("Cost confirmed", True, "yes")
    per_hour = cost.estimate().per_hour
    return Check(
        "Cost confirmed",
        True,
        f"not yet: about ${per_hour:.2f}/hour once applied; you will be asked first",
    )


LOCAL_CHECKS: tuple[Callable[[], Check], ...] = (check_terraform, check_provider, check_local_cloud)
AWS_CHECKS: tuple[Callable[[], Check], ...] = (
    check_terraform,
    check_provider,
    check_no_local_endpoint,
    check_credentials,
    check_region,
    check_identity,
    check_name_prefix,
    check_cost,
)


def run(target: str | None = None) -> list[Check]:
    """Every check for `target` (default: ECSLAB_TARGET); identity only with credentials."""
    if (target or settings.target()) == "local":
        return [check() for check in LOCAL_CHECKS]
    results: list[Check] = []
    for check in AWS_CHECKS:
        if check is check_identity and not all(r.ok for r in results):
            continue  # no credentials, or a local endpoint: don't call STS
        results.append(check())
    return results


def report(checks: list[Check], target: str | None = None) -> str:
    """The table the CLI prints and the setup cell shows."""
    lines = [f"ecslab preflight (target: {target or settings.target()})"]
    for check in checks:
        mark = "ok " if check.ok else "MISSING"
        lines.append(f"  [{mark:>7}] {check.name}: {check.detail}")
        if check.hint and not check.ok:
            lines.append(f"            -> {check.hint}")
    return "\n".join(lines)


def require(target: str | None = None) -> list[Check]:
    """Run the checks; raise PreflightFailed (with the table) if any failed."""
    checks = run(target)
    failed = [c for c in checks if not c.ok]
    if failed:
        raise PreflightFailed(
            report(checks, target), hint=" ".join(c.hint for c in failed if c.hint)
        )
    return checks
