"""How a check's result looks: a green or red box in a notebook, a tick or cross in text.

Rendering only: the result's fields (`passed`, `facts`, `reason`) decide; nothing here is
read back to decide anything.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from ecslab.i18n import _

if TYPE_CHECKING:
    from ecslab.notebook.checks import Result

GREEN, RED = "#188038", "#d93025"


def text(result: Result) -> str:
    """`✓ summary` with its details; on failure the hint (and AWS's reason code)."""
    lines = [f"{'✓' if result.passed else '✗'} {result.summary}"]
    lines += [f"    {d}" for d in result.details]
    if not result.passed and result.reason:
        lines.append("    " + _("AWS's reason: {reason}").format(reason=result.reason))
    if result.hint and not result.passed:
        lines.append(f"  → {result.hint}")
    return "\n".join(lines)


def html(result: Result) -> str:
    """The result as a box with a coloured edge (data attributes for the browser test)."""
    color, mark = (GREEN, "✓") if result.passed else (RED, "✗")
    details = "".join(f"<li>{escape(d)}</li>" for d in result.details)
    said = escape(_("AWS's reason: {reason}"), quote=False).format(
        reason=f"<code>{escape(result.reason)}</code>"
    )
    reason = f"<p>{said}</p>" if result.reason and not result.passed else ""
    hint = f"<p>→ {escape(result.hint)}</p>" if result.hint and not result.passed else ""
    data_reason = f" data-reason='{escape(result.reason)}'" if result.reason else ""
    return (
        f"<div class='ecslab-check' data-check='{escape(result.name)}' "
        f"data-passed='{result.passed}'{data_reason} "
        f"style='border-left:6px solid {color};padding:4px 12px;margin:4px 0'>"
        f"<b style='color:{color}'>{mark} {escape(result.summary)}</b>"
        f"{f'<ul>{details}</ul>' if details else ''}{reason}{hint}{result.html_extra}</div>"
    )


def page(url: str, body: str) -> str:
    """Figure 9.2: the page itself, and a link the learner's browser can open."""
    from ecslab.notebook import links

    frame = escape(body, quote=True)
    title = escape(_("nginx through the load balancer"), quote=True)
    return (
        f"<p>{links.lb_anchor(url)}</p>"
        f"<iframe srcdoc=\"{frame}\" style='width:100%;height:260px;border:1px solid #ccc' "
        f"title='{title}'></iframe>"
    )
