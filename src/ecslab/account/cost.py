"""What the chapter costs on real AWS, and the explicit "yes" asked before the first apply.

Local mode is free and never asks. In AWS mode the chapter's stack bills by the hour from
the moment it exists (two NAT gateways are most of it), so the learner sees the estimate
and types a confirmation; it is recorded under ECSLAB_HOME with the date and amount, per
account and region (STS says which account the credentials reach): a confirmation given
for one account never lets an apply bill another. Every path that applies asks it first
(`lab.apply`, the background apply of `lab.setup`/`ecslab prepare`, which refuses to start
without it). Binder keeps nothing after a session, so the state that destroys the stack
would be lost: AWS mode refuses to be confirmed there.
Prices are on-demand, ap-northeast-1 (Tokyo), USD, dated: all from the one price table,
`ecslab.prices` (Fargate's through the Fargate size table, `ecslab.fargate`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ecslab import fargate, prices, settings
from ecslab.errors import CostNotConfirmed
from ecslab.i18n import N_, _, width

#: Tokyo on-demand prices (USD), from the one price table (ecslab.prices).
PRICES_AS_OF = prices.AS_OF

#: What the learner types to confirm (deliberately not "y").
CONFIRMATION = "yes, bill my AWS account"

#: The chapter's stack: 2 NAT gateways (one per AZ), each with an EIP; an internet-facing
#: ALB in two AZs (one public IPv4 per AZ), at least one LCU; 2 tasks of the chosen size,
#: in private subnets without a public IPv4 (assign_public_ip = false, listing 9.4).
NAT_GATEWAYS = 2
ALB_ADDRESSES = 2
TASKS = 2
TASK_PUBLIC_ADDRESSES = 0
#: Log volume of a lab: health checks every 30 s from 2 AZs to 2 tasks, ~150 bytes a line.
LOG_GB_PER_HOUR = 2 * 2 * 120 * 150 / 1e9


@dataclass(frozen=True)
class Line:
    """One item of the bill: what, how many, the unit price and its unit, USD per hour."""

    item: str
    quantity: int
    per_hour: float
    unit_price: float = 0.0
    unit: str = "hour"

    @property
    def per_month(self) -> float:
        return self.per_hour * prices.HOURS_PER_MONTH


@dataclass(frozen=True)
class Estimate:
    """The chapter's cost, itemised like a bill, with the date and region of the prices."""

    lines: tuple[Line, ...]
    prices_as_of: date
    region: str = prices.REGION

    @property
    def per_hour(self) -> float:
        return round(sum(line.per_hour for line in self.lines), 4)

    @property
    def per_month(self) -> float:
        """USD for a stack kept all month (730 hours)."""
        return round(sum(line.per_month for line in self.lines), 2)

    def for_hours(self, hours: float) -> float:
        """USD for a stack kept `hours` hours (a workshop is about 3)."""
        return round(self.per_hour * hours, 2)

    def text(self) -> str:
        """A table for the notebook and the CLI."""
        prices_of = _("${hour}/h  ${month}/month")
        rows = [
            f"  {line.item}{' ' * max(0, 52 - width(line.item))} x{line.quantity}  "
            + prices_of.format(hour=f"{line.per_hour:.4f}", month=f"{line.per_month:>6.2f}")
            for line in self.lines
        ]
        total = _(
            "Total ${hour}/hour: ${lab} for a 3-hour lab, ${day} a day, ${month} a month if "
            "you forget to destroy."
        ).format(
            hour=f"{self.per_hour:.3f}",
            lab=f"{self.for_hours(3):.2f}",
            day=f"{self.for_hours(24):.2f}",
            month=f"{self.per_month:.0f}",
        )
        return "\n".join(
            [
                _("Estimated cost in {region} (on-demand prices of {date}):").format(
                    region=self.region, date=self.prices_as_of
                ),
                *rows,
                f"  {total}",
                f"  {not_included()}",
            ]
        )

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        """A bill: item, quantity, unit price, per hour, per month; the total; the date."""
        from html import escape

        rows = "".join(
            f"<tr><td>{escape(line.item)}</td><td style='text-align:right'>{line.quantity}</td>"
            f"<td style='text-align:right'>{_unit(line)}</td>"
            f"<td style='text-align:right'>{line.per_hour:.4f}</td>"
            f"<td style='text-align:right'>{line.per_month:.2f}</td></tr>"
            for line in self.lines
        )
        label = escape(_("Total"))
        total = (
            "<tr style='font-weight:bold;border-top:2px solid #5f6368'>"
            f"<td>{label}</td><td></td>"
            f"<td></td><td style='text-align:right'>{self.per_hour:.4f}</td>"
            f"<td style='text-align:right'>{self.per_month:.2f}</td></tr>"
        )
        caption = _(
            "The chapter's stack on AWS, {region} (Tokyo), on-demand prices of {date}, USD"
        ).format(region=escape(self.region), date=self.prices_as_of)  # our text: no escape
        heads = "".join(f"<th scope='col'>{escape(_(head))}</th>" for head in BILL_COLUMNS)
        return (
            f"<table class='ecslab-bill'><caption>{caption}</caption>"
            f"<tr>{heads}</tr>{rows}{total}</table>"
            f"<p>{escape(not_included())}</p>"
        )


#: The columns of the bill (shown with `_`).
BILL_COLUMNS = (N_("Item"), N_("Qty"), N_("Unit price"), N_("Per hour"), N_("Per month (730 h)"))


def not_included() -> str:
    """What the bill leaves out, said with it."""
    return _(
        "Not included: data processed by the NAT gateways (${price}/GB: "
        "image pulls, log shipping) and data out to the internet; a lab moves well under 1 GB."
    ).format(price=prices.NAT_GATEWAY_GB)


def _unit(line: Line) -> str:
    return f"{line.unit_price:g}/{line.unit}" if line.unit_price else "-"


def estimate(cpu: int | str = 256, memory: int | str = 512) -> Estimate:
    """The cost of the chapter's stack with tasks of this size (the book's 256/512)."""
    size = fargate.validate(cpu, memory)
    ipv4 = prices.PUBLIC_IPV4_HOUR
    lines = (
        Line(
            _("NAT gateway (one per AZ)"),
            NAT_GATEWAYS,
            NAT_GATEWAYS * prices.NAT_GATEWAY_HOUR,
            prices.NAT_GATEWAY_HOUR,
        ),
        Line(
            _("Public IPv4 address of each NAT gateway (EIP)"),
            NAT_GATEWAYS,
            NAT_GATEWAYS * ipv4,
            ipv4,
        ),
        Line(
            _("Application Load Balancer (under 1 LCU)"),
            1,
            prices.ALB_HOUR + prices.ALB_LCU_HOUR,
            prices.ALB_HOUR + prices.ALB_LCU_HOUR,
        ),
        Line(
            _("Public IPv4 address of the ALB (one per AZ)"),
            ALB_ADDRESSES,
            ALB_ADDRESSES * ipv4,
            ipv4,
        ),
        Line(
            _("Fargate task {cpu} CPU / {memory} MiB").format(cpu=size.cpu, memory=size.memory),
            TASKS,
            round(size.hourly_cost(TASKS), 5),
            round(size.hourly_cost(), 5),
        ),
        Line(
            _("Public IPv4 of the tasks (private subnets: none)"),
            TASK_PUBLIC_ADDRESSES,
            TASK_PUBLIC_ADDRESSES * ipv4,
            ipv4,
        ),
        Line(
            _("CloudWatch Logs, {megabytes} MB/day ingested + stored").format(
                megabytes=f"{LOG_GB_PER_HOUR * 24 * 1000:.0f}"
            ),
            1,
            _logs_per_hour(),
            prices.LOGS_INGEST_GB,
            "GB",
        ),
    )
    return Estimate(lines, prices.AS_OF)


def _logs_per_hour() -> float:
    storage = LOG_GB_PER_HOUR * prices.LOGS_STORAGE_GB_MONTH  # kept a month at most in a lab
    return round(LOG_GB_PER_HOUR * prices.LOGS_INGEST_GB + storage, 6)


def _record() -> Path:
    return settings.home() / "aws-cost-confirmed.json"


def where() -> str:
    """`ACCOUNT/REGION` the AWS credentials reach now (the key of a confirmation)."""
    from ecslab.account import clients

    account = clients.client("sts", "aws").get_caller_identity()["Account"]
    return f"{account}/{clients.session('aws').region_name}"


def _confirmations() -> dict[str, Any]:
    try:
        data = json.loads(_record().read_text())
    except (OSError, ValueError):
        return {}
    found = data.get("confirmations") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def confirm(answer: str, current: Estimate | None = None) -> Path:
    """Record the learner's confirmation for the account and region the credentials reach;
    `answer` must be exactly CONFIRMATION."""
    if answer.strip() != CONFIRMATION:
        raise CostNotConfirmed(
            _("Not confirmed: nothing will be created in your AWS account."),
            hint=_('To go on, type exactly: "{confirmation}"').format(confirmation=CONFIRMATION),
        )
    if settings.target() != "aws":  # and never ask AWS who we are from local mode
        raise CostNotConfirmed(
            _("Nothing to confirm: local mode is free and never bills."),
            hint=_("AWS mode is chosen with ECSLAB_TARGET=aws (see the README's Real AWS)."),
        )
    refuse_without_persistence()
    current = current or estimate()
    record = {"confirmed_at": datetime.now(UTC).isoformat(), "usd_per_hour": current.per_hour}
    confirmations, here = _confirmations(), where()
    confirmations[here] = record | {"lines": [asdict(x) for x in current.lines]}
    return _save(confirmations, sorted({*_used(), here}))


def _save(confirmations: dict[str, Any], used: list[str]) -> Path:
    path = _record()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"confirmations": confirmations, "used": used}, indent=2))
    return path


def _used() -> list[str]:
    """Every ACCOUNT/REGION ever confirmed here (kept after `forget`, for the leftovers)."""
    try:
        used = json.loads(_record().read_text()).get("used", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [str(x) for x in used] if isinstance(used, list) else []


def regions_used(account: str) -> list[str]:
    """The regions of `account` the lab was ever allowed to apply in (`ecslab leftovers`
    looks in each)."""
    return sorted({key.split("/", 1)[1] for key in _used() if key.startswith(f"{account}/")})


def refuse_without_persistence() -> None:
    """On Binder nothing survives the session, the Terraform state included: refuse AWS mode."""
    if settings.on_binder():
        raise CostNotConfirmed(
            _(
                "AWS mode is refused on Binder: the session's files, your Terraform state "
                "included, vanish when it ends, leaving billable resources nothing can destroy."
            ),
            hint=_(
                "Use AWS mode from a laptop or a JupyterHub with persistent storage; "
                "on Binder, stay with the free local cloud (ECSLAB_TARGET=local)."
            ),
        )


def is_confirmed(target: str | None = None) -> bool:
    """True in local mode (free), or once the cost was confirmed for the account and region
    the credentials reach now (False when STS cannot say which)."""
    if (target or settings.target()) == "local":
        return True
    if settings.on_binder():
        return False
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return where() in _confirmations()
    except (BotoCoreError, ClientError):
        return False


def require_confirmation() -> None:
    """Call before every apply: raises CostNotConfirmed in AWS mode until `confirm()` was
    called for this account and region."""
    if settings.target() == "aws":
        refuse_without_persistence()
    if not is_confirmed():
        raise CostNotConfirmed(
            _("This apply creates billable resources in your AWS account.")
            + "\n"
            + estimate().text(),
            hint=_(
                'Confirm with ecslab.account.cost.confirm("{confirmation}") '
                "or `ecslab cost --confirm`."
            ).format(confirmation=CONFIRMATION),
        )


def forget() -> None:
    """Drop this account and region's confirmation (after a destroy): the next stack asks."""
    from botocore.exceptions import BotoCoreError, ClientError

    if settings.target() != "aws":
        return
    confirmations = _confirmations()
    try:
        confirmations.pop(where(), None)
    except (BotoCoreError, ClientError):
        confirmations = {}
    _save(confirmations, _used())
