"""The local cloud seen from outside: the one client of its admin API.

`admin()` is the only code that calls `/_ecslab/...`; `tasks()` and `load_balancers()`
read it; `url()` is the one rule for finding a load balancer's local address (what a
browser opens instead of the ALB's DNS name). (A log group's events come through the AWS
API instead: ecslab.account.logs.)
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from ecslab import credentials, settings
from ecslab.cloud import auth
from ecslab.errors import EcslabError, LocalCloudError
from ecslab.i18n import N_, _

_NOT_RUNNING_HINT = N_("Start it with: ecslab up")


#: Straight to loopback: a proxy set in the shell never sees (or breaks) the local cloud.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def admin(path: str, timeout: float = 5, port: int | None = None, post: Any = None) -> Any:
    """GET /_ecslab/<path> on the local cloud (on `port`, default settings.port()), parsed;
    POST when `post` is given (sent as JSON).

    Signed with the home's key: the admin API answers its learner only."""
    url = f"{settings.local_endpoint(port)}/_ecslab/{path}"
    method, body = ("GET", b"") if post is None else ("POST", json.dumps(post).encode())
    headers = auth.sign(credentials.ensure(settings.home()), method, url, body)
    request = urllib.request.Request(url, data=body or None, headers=headers, method=method)
    try:
        with _DIRECT.open(request, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        said = _error_of(e)
        answered = _("the local cloud answered {code} to {url}").format(code=e.code, url=url)
        raise LocalCloudError(answered + said) from e
    except OSError as e:
        raise LocalCloudError(
            _("the local cloud does not answer at {url}").format(url=url), hint=_(_NOT_RUNNING_HINT)
        ) from e


def _error_of(error: urllib.error.HTTPError) -> str:
    """ ": " and the message of an admin route's JSON error, or nothing."""
    try:
        return f": {json.load(error)['error']}"
    except (ValueError, KeyError, TypeError, OSError):
        return ""


def tasks(include_stopped: bool = False) -> list[dict[str, Any]]:
    """Tasks of the local cloud, as rows (id, service, revision, status, health, ip, ...)."""
    return list(admin("tasks?all=1" if include_stopped else "tasks"))


def problems() -> list[str]:
    """What keeps the local data plane from running tasks here (e.g. no nginx)."""
    return list(admin("dataplane").get("problems", []))


def load_balancers() -> list[dict[str, Any]]:
    """Local listeners: load balancer name, DNS name, listener port, local URL."""
    return list(admin("loadbalancers"))


def url(name: str | None = None, port: int | None = None) -> str:
    """The local URL of a load balancer's listener on `port` (port 80's when it has several
    and no port is given); the only load balancer's when no name is given."""
    listeners = load_balancers()
    if name:
        listeners = [x for x in listeners if name in (x["load_balancer"], x["dns_name"])]
    if port is not None:
        listeners = [x for x in listeners if x["listener_port"] == port]
    names = sorted({x["load_balancer"] for x in listeners})
    if not listeners:
        raise EcslabError(
            _no_load_balancer(name, port),
            hint=_("Apply the chapter's Terraform first (it creates the ALB and its listener)."),
        )
    if len(names) > 1:
        raise EcslabError(
            _("several load balancers: {names}").format(names=", ".join(names)),
            hint=_("Name one: ecslab url NAME"),
        )
    return str(min(listeners, key=lambda x: (x["listener_port"] != 80, x["listener_port"]))["url"])


def _no_load_balancer(name: str | None, port: int | None) -> str:
    """Why `url` found nothing: no load balancer (of that name) (with that port)."""
    if name and port is not None:
        text = _(
            "no load balancer named {name!r} in the local cloud with a listener on port {port}"
        )
    elif name:
        text = _("no load balancer named {name!r} in the local cloud")
    elif port is not None:
        text = _("no load balancer in the local cloud with a listener on port {port}")
    else:
        text = _("no load balancer in the local cloud")
    return text.format(name=name, port=port)


def _uptime(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def format_tasks(rows: list[dict[str, Any]]) -> str:
    """`ecslab ps`: one line per task."""
    header = ("TASK ID", "SERVICE", "REV", "STATUS", "HEALTH", "IP", "UPTIME")
    lines = [header] + [
        (
            r["id"],
            r["service"] or "-",
            str(r["revision"]),
            r["status"],
            r["health"],
            r["ip"],
            _uptime(r["uptime_seconds"]) if r["status"] == "RUNNING" else "-",
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )
