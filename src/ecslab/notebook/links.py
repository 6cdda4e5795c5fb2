"""Links the learner's browser can open, wherever JupyterLab runs.

On a laptop the browser and the local cloud share 127.0.0.1, so the load balancer's URL
works as is. On JupyterHub or Binder the browser is elsewhere: 127.0.0.1 there is the
learner's own machine. jupyter-server-proxy serves any loopback port of the server
under `{JUPYTERHUB_SERVICE_PREFIX}proxy/{port}/`, behind the hub's own login.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ecslab import settings
from ecslab.i18n import _

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def lb_link(url: str) -> str:
    """The link to show for a load balancer URL: proxied on JupyterHub/Binder, else `url`."""
    parts = urlsplit(url)
    prefix = settings.jupyterhub_prefix()
    if not prefix or parts.hostname not in _LOOPBACK or parts.port is None:
        return url
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{prefix.rstrip('/')}/proxy/{parts.port}{path}{query}"


def lb_anchor(url: str, text: str | None = None) -> str:
    """An HTML anchor for notebooks: opens `lb_link(url)` in a new tab."""
    text = text or _("Open the load balancer's page")
    return f'<a href="{lb_link(url)}" target="_blank" rel="noopener">{text}</a>'
