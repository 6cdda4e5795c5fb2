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
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ecslab import book, settings
from ecslab.account import clients, cost
from ecslab.credentials import KEY_PREFIX
from ecslab.errors import EcslabError, PreflightFailed
from ecslab.i18n import _, pgettext, width
from ecslab.tf import providers, workspace


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
        return Check(_("AWS provider"), False, str(e), e.hint)
    if mirror is None:
        return Check(_("AWS provider"), True, _("from the Terraform registry (needs internet)"))
    versions = ", ".join(providers.provider_versions(mirror))
    found = _("hashicorp/aws {versions} from {mirror}").format(versions=versions, mirror=mirror)
    return Check(_("AWS provider"), True, found)


def check_local_cloud() -> Check:
    """The local cloud answers on its port."""
    from ecslab.cloud import daemon

    state = daemon.status()
    if state.running:
        return Check(
            _("Local cloud"), True, _("running at {endpoint}").format(endpoint=state.endpoint)
        )
    return Check(
        _("Local cloud"),
        False,
        _("not running (expected at {endpoint})").format(endpoint=state.endpoint),
        _("Start it: run `ecslab up` in a terminal, or the setup cell again."),
    )


def check_no_local_endpoint() -> Check:
    """AWS mode must not inherit the local cloud's endpoint (boto3 and Terraform honour it)."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if endpoint:
        return Check(
            _("AWS endpoint"),
            False,
            _("AWS_ENDPOINT_URL={endpoint} would send every call there, not to AWS").format(
                endpoint=endpoint
            ),
            _(
                "It is left over from local mode: restart the notebook's kernel (or open a new "
                "terminal, or `unset AWS_ENDPOINT_URL`), set ECSLAB_TARGET=aws, run this again."
            ),
        )
    return Check(_("AWS endpoint"), True, _("AWS's own"))


def check_credentials() -> Check:
    """AWS credentials the SDKs (and Terraform) will find; refuses to guess."""
    credentials = clients.session("aws").get_credentials()
    if credentials is None:
        return Check(
            _("AWS credentials"),
            False,
            _("none found (no AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws/credentials or SSO login)"),
            _(
                "Run `aws configure` (or `aws sso login --profile NAME` and set AWS_PROFILE), "
                "then run this again. Or set ECSLAB_TARGET=local to work offline for free."
            ),
        )
    if credentials.access_key.startswith(KEY_PREFIX):
        return Check(
            _("AWS credentials"),
            False,
            _("these are the local cloud's own key, left over from local mode"),
            _(
                "Restart the notebook's kernel (or open a new terminal) with ECSLAB_TARGET=aws, "
                "so your own credentials are used."
            ),
        )
    found = _("found ({method})").format(method=credentials.method)
    return Check(_("AWS credentials"), True, found)


def check_region() -> Check:
    """The region everything will be created in (and priced for)."""
    region = clients.session("aws").region_name
    if region == settings.DEFAULT_REGION:
        return Check(_("AWS region"), True, region)
    note = _("{region} (cost estimate is for ap-northeast-1)").format(region=region)
    return Check(_("AWS region"), True, note)


def check_identity() -> Check:
    """Who STS says we are: the account that will be billed."""
    try:
        who = clients.client("sts", "aws").get_caller_identity()
    except (ClientError, BotoCoreError) as e:
        return Check(
            _("AWS identity"),
            False,
            _("STS refused the credentials: {error}").format(error=e),
            _(
                "Your credentials are expired or wrong: log in again (`aws sso login`, "
                "`aws configure`) and rerun."
            ),
        )
    account = _("account {account}, {arn}").format(account=who["Account"], arn=who["Arn"])
    return Check(_("AWS identity"), True, account)


def check_name_prefix() -> Check:
    """The prefix and tags that keep learners of one account apart."""
    prefix = settings.name_prefix()
    if not prefix:
        return Check(
            _("Name prefix"),
            True,
            _("none: names are the book's (fine in an account of your own)"),
            _("Sharing an account with other learners? Set ECSLAB_NAME_PREFIX (e.g. your name)."),
        )
    starts = _("{prefix!r}: resource names start with {prefix}-").format(prefix=prefix)
    return Check(_("Name prefix"), True, starts)


#: The chapter's names that must be unique per account and region (the book's, before the
#: learner's prefix), by resource type.


def _aws(service: str) -> Any:
    return clients.client(service, "aws")


def _cluster(name: str) -> bool:
    found = _aws("ecs").describe_clusters(clusters=[name])["clusters"]
    return any(c["status"] == "ACTIVE" for c in found)


def _load_balancer(name: str) -> bool:
    return bool(_aws("elbv2").describe_load_balancers(Names=[name])["LoadBalancers"])


def _target_group(name: str) -> bool:
    return bool(_aws("elbv2").describe_target_groups(Names=[name])["TargetGroups"])


def _log_group(name: str) -> bool:
    groups = _aws("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return any(g["logGroupName"] == name for g in groups)


def _role(name: str) -> bool:
    _aws("iam").get_role(RoleName=name)
    return True


#: How to ask whether a resource of each type exists under a name.
_LOOKUPS: dict[str, Callable[[str], bool]] = {
    "aws_ecs_cluster": _cluster,
    "aws_lb": _load_balancer,
    "aws_lb_target_group": _target_group,
    "aws_cloudwatch_log_group": _log_group,
    "aws_iam_role": _role,
}

#: The "not found" error codes of those lookups.
_NOT_FOUND = ("LoadBalancerNotFound", "TargetGroupNotFound", "NoSuchEntity")


def _exists(kind: str, name: str) -> bool:
    """Whether a resource of this type and name exists in the account (and region)."""
    try:
        return _LOOKUPS[kind](name)
    except ClientError as e:
        if e.response["Error"]["Code"] in _NOT_FOUND:
            return False
        raise


def _names_in_state() -> set[tuple[str, str]]:
    """(type, name) of what the learner's own Terraform state holds (theirs to reuse)."""
    import json

    path = workspace.root() / "terraform.tfstate"
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return set()
    return {
        (res["type"], str(inst["attributes"].get("name") or inst["attributes"].get("family")))
        for res in state.get("resources", [])
        for inst in res.get("instances", [])
        if res.get("mode") == "managed"
    }


def check_names_free() -> Check:
    """The lab's names must not already exist in the account unless the learner's state
    holds them: Terraform would adopt or collide with someone else's (an ECS cluster of
    the same name is silently adopted, and destroyed with the lab)."""
    from ecslab.tf.overrides import prefixed

    ours = _names_in_state()
    try:
        taken = [
            f"{kind} {prefixed(name)!r}"
            for kind, name in book.OWNED
            if (kind, prefixed(name)) not in ours and _exists(kind, prefixed(name))
        ]
    except (ClientError, BotoCoreError) as e:
        return Check(
            _("Lab names free"),
            False,
            _("could not look: {error}").format(error=e),
            _("Check your permissions."),
        )
    if taken:
        return Check(
            _("Lab names free"),
            False,
            _("already in this account, and not in your Terraform state: {names}").format(
                names=", ".join(taken)
            ),
            _(
                "Someone (or an earlier lab) uses these names: set your own prefix, e.g. "
                "export ECSLAB_NAME_PREFIX=yourname, then rerun."
            ),
        )
    return Check(_("Lab names free"), True, _("none of the lab's names is taken"))


def check_cost() -> Check:
    """Whether the cost estimate was confirmed (asked before the first apply)."""
    if cost.is_confirmed("aws"):
        return Check(_("Cost confirmed"), True, pgettext("preflight", "yes"))
    per_hour = cost.estimate().per_hour
    return Check(
        _("Cost confirmed"),
        True,
        _("not yet: about ${per_hour}/hour once applied; you will be asked first").format(
            per_hour=f"{per_hour:.2f}"
        ),
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
    check_names_free,
    check_cost,
)


def run(target: str | None = None) -> list[Check]:
    """Every check for `target` (default: ECSLAB_TARGET); identity only with credentials."""
    if (target or settings.target()) == "local":
        return [check() for check in LOCAL_CHECKS]
    results: list[Check] = []
    for check in AWS_CHECKS:
        if check in (check_identity, check_names_free) and not all(r.ok for r in results):
            continue  # no credentials, or a local endpoint: don't call AWS
        results.append(check())
    return results


def report(checks: list[Check], target: str | None = None) -> str:
    """The table the CLI prints and the setup cell shows."""
    lines = [_("ecslab preflight (target: {target})").format(target=target or settings.target())]
    for check in checks:
        mark = pgettext("preflight", "ok ") if check.ok else pgettext("preflight", "MISSING")
        lines.append(f"  [{_padded(mark, 7)}] {check.name}: {check.detail}")
        if check.hint and not check.ok:
            lines.append(f"            -> {check.hint}")
    return "\n".join(lines)


def _padded(text: str, columns: int) -> str:
    """text right-aligned in `columns` terminal columns (a CJK character takes two)."""
    return " " * max(0, columns - width(text)) + text


def require(target: str | None = None) -> list[Check]:
    """Run the checks; raise PreflightFailed (with the table) if any failed."""
    checks = run(target)
    failed = [c for c in checks if not c.ok]
    if failed:
        raise PreflightFailed(
            report(checks, target), hint=" ".join(c.hint for c in failed if c.hint)
        )
    return checks
