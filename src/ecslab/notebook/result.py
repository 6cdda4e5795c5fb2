"""A check's result, and how it looks: a green or red box in a notebook, a tick or cross
in text.

Rendering only reads the result: its fields (`passed`, `facts`, `reason`) decide, and
nothing rendered is read back to decide anything. `checks` makes results, `diagnose`
explains failures with them; both import this module, and this module neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from ecslab.errors import CheckFailed
from ecslab.i18n import _


@dataclass
class Result:
    """The outcome of one check: a clear pass or a failure with what to look at next.

    Decide on `passed`, `facts` and `reason`; `summary`, `details` and `hint` are for
    people, in the learner's language (ecslab.i18n; AWS's codes and messages quoted in
    them stay English), rendered by `text` and `html` below and never parsed.
    """

    name: str
    passed: bool
    summary: str
    details: list[str] = field(default_factory=list)
    hint: str = ""
    html_extra: str = ""
    #: What was found, as data (a stopped reason, a status code, a revision...): decide on these.
    facts: dict[str, Any] = field(default_factory=dict)
    #: AWS's own code for why it failed when AWS gives one ("CannotPullContainerError",
    #: "Target.ResponseCodeMismatch"), else "".
    reason: str = ""

    @property
    def found(self) -> bool:
        """Whether the thing checked exists at all (facts["exists"], default: passed)."""
        return bool(self.facts.get("exists", self.passed))

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return text(self)

    def _repr_html_(self) -> str:
        return html(self)

    def require(self) -> Result:
        """Raise CheckFailed when the check did not pass (for scripts and tests)."""
        if not self.passed:
            raise CheckFailed(self.summary, hint=self.hint)
        return self


def reason_code(stopped_reason: str) -> str:
    """AWS's code at the head of a stoppedReason ("CannotPullContainerError: ..."), or ""."""
    head = stopped_reason.split(":", 1)[0].strip()
    return head if head.isidentifier() and head[:1].isupper() else ""


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
