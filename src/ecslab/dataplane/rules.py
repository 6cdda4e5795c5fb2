"""Listener rules as an ALB evaluates them, read from moto's listeners, matched by nginx.

A listener holds rules (priority, conditions, action) and a default action. AWS evaluates
the rules lowest priority number first; the first whose conditions all match decides, the
default action when none does ("Listener rules for your Application Load Balancer"
and "Condition types for listener rules", ELB user guide). Within one condition, any of
its values may match; a rule matches when every condition does. Per condition type (ELB
API reference, `RuleCondition` and its `*ConditionConfig` types):

- host-header: not case-sensitive, wildcards `*` (0 or more characters) and `?` (exactly 1);
- path-pattern: case-sensitive, the path of the URL only (never its query), wildcards;
- http-header: header name and values not case-sensitive, wildcards in values;
- http-request-method: case-sensitive, exact, no wildcards;
- query-string: key/value pairs (key optional), not case-sensitive, wildcards (a
  literal `*` or `?` escaped with `\\`);
- source-ip: the client's address in any of the CIDR blocks.

This module holds the model and its translation to nginx `map`/`geo` blocks (each
condition becomes a variable that is "1" when it matches; each rule a variable naming its
action when all its conditions are "1"; `$ecslab_action` the first rule's action that
matched, or the default's). `nginxconf.listener_conf` renders each action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ecslab import moto_seam

#: The variable nginx sets to the name of the action that answers a request.
ACTION_VARIABLE = "$ecslab_action"

#: The path of the request as the client sent it, without its query string.
PATH_MAP = 'map $request_uri $ecslab_path {\n    "~^(?<ecslab_p>[^?]*)" $ecslab_p;\n}'


@dataclass(frozen=True)
class Forward:
    """Forward to a target group."""

    target_group: str


@dataclass(frozen=True)
class FixedResponse:
    """Answer without a target: status code, content type, body."""

    status: int
    content_type: str
    body: str


@dataclass(frozen=True)
class Redirect:
    """Redirect; each part may reuse the request's with #{protocol}, #{host}, #{port},
    #{path} (without its leading "/") and #{query}; AWS's defaults keep them all."""

    status: int
    protocol: str = "#{protocol}"
    host: str = "#{host}"
    port: str = "#{port}"
    path: str = "/#{path}"
    query: str = "#{query}"


Action = Forward | FixedResponse | Redirect


@dataclass(frozen=True)
class Condition:
    """One rule condition: its field, its values, and the header name for http-header.
    A query-string value is (key or "", value)."""

    field: str
    values: tuple[Any, ...]
    header: str = ""


@dataclass(frozen=True)
class Rule:
    """A listener rule; the default rule has priority None and no conditions."""

    priority: int | None
    conditions: tuple[Condition, ...]
    action: Action


def parse_action(actions: list[dict[str, Any]]) -> Action | None:
    """The action that answers (the last by `Order`: authenticate actions come first);
    None for an action type the local cloud does not route (authenticate-*)."""
    datas = list(actions)
    datas.sort(key=lambda d: int(d.get("Order") or 0))
    for data in reversed(datas):
        kind = data.get("Type")
        if kind == "forward":
            return _forward(data)
        if kind == "fixed-response":
            return _fixed(data.get("FixedResponseConfig", {}))
        if kind == "redirect":
            return _redirect(data.get("RedirectConfig", {}))
    return None


def _forward(data: dict[str, Any]) -> Forward | None:
    if data.get("TargetGroupArn"):
        return Forward(str(data["TargetGroupArn"]))
    groups = data.get("ForwardConfig", {}).get("TargetGroups", [])
    weighted = [g for g in groups if int(g.get("Weight", 1) or 0) > 0] or groups
    return Forward(str(weighted[0]["TargetGroupArn"])) if weighted else None


def _fixed(config: dict[str, Any]) -> FixedResponse:
    return FixedResponse(
        status=int(config.get("StatusCode", 200)),
        content_type=str(config.get("ContentType") or "text/plain"),
        body=str(config.get("MessageBody") or ""),
    )


def _redirect(config: dict[str, Any]) -> Redirect:
    defaults = Redirect(status=301)
    return Redirect(
        status=302 if config.get("StatusCode") == "HTTP_302" else 301,
        protocol=str(config.get("Protocol") or defaults.protocol),
        host=str(config.get("Host") or defaults.host),
        port=str(config.get("Port") or defaults.port),
        path=str(config.get("Path") or defaults.path),
        query=str(config.get("Query") if config.get("Query") is not None else defaults.query),
    )


def parse_condition(data: dict[str, Any]) -> Condition:
    """A condition as the ELB API gives it: `Values` (the old form, host-header and
    path-pattern only) or the field's own `*Config`."""
    field = str(data.get("Field", ""))
    if field == "http-header":
        config = data.get("HttpHeaderConfig", {})
        return Condition(field, tuple(config.get("Values", [])), str(config["HttpHeaderName"]))
    if field == "query-string":
        pairs = data.get("QueryStringConfig", {}).get("Values", [])
        return Condition(field, tuple((p.get("Key") or "", p.get("Value", "")) for p in pairs))
    config_name = {
        "host-header": "HostHeaderConfig",
        "path-pattern": "PathPatternConfig",
        "http-request-method": "HttpRequestMethodConfig",
        "source-ip": "SourceIpConfig",
    }.get(field, "")
    values = data.get(config_name, {}).get("Values") or data.get("Values") or []
    return Condition(field, tuple(values))


def listener_rules(listener: moto_seam.Listener) -> tuple[Rule, ...]:
    """The rules of a listener, lowest priority number first, then its default rule.
    Rules whose action the local cloud cannot route are left out; such a default action
    answers ALB's 503 (a forward to no target)."""
    rules = []
    for rule in listener.rules:
        default = rule.priority is None
        action = parse_action(list(rule.actions)) or (Forward("") if default else None)
        if action is None:
            continue
        conditions = () if default else tuple(parse_condition(c) for c in rule.conditions)
        rules.append(Rule(rule.priority, conditions, action))
    return tuple(sorted(rules, key=lambda r: (r.priority is None, r.priority or 0)))


def wildcard(pattern: str, any_char: str = ".") -> str:
    """An AWS wildcard pattern as a regular expression body: `*` is 0 or more characters,
    `?` exactly one, `\\*` and `\\?` the characters themselves (QueryStringConditionConfig),
    everything else literal."""
    parts = []
    escaped = False
    for char in pattern:
        if escaped or char not in "*?\\":
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append(f"{any_char}*" if char == "*" else any_char)
    return "".join(parts)


def condition_regexes(condition: Condition) -> tuple[str, list[str]]:
    """(nginx variable to match, nginx map regexes, any of which matches) for a condition
    other than source-ip. `~*` is case-insensitive, `~` case-sensitive."""
    field = condition.field
    if field == "host-header":
        return "$host", [f"~*^{wildcard(v)}$" for v in condition.values]
    if field == "path-pattern":
        return "$ecslab_path", [f"~^{wildcard(v)}$" for v in condition.values]
    if field == "http-header":
        name = condition.header.lower().replace("-", "_")
        return f"$http_{name}", [f"~*^{wildcard(v)}$" for v in condition.values]
    if field == "http-request-method":
        return "$request_method", [f"~^{re.escape(v)}$" for v in condition.values]
    if field == "query-string":
        return "$args", [_query_regex(key, value) for key, value in condition.values]
    raise ValueError(f"no nginx match for a {field!r} condition")


def _query_regex(key: str, value: str) -> str:
    name = wildcard(key, "[^&=]") + "=" if key else "(?:[^&=]*=)?"
    return f"~*(?:^|&){name}{wildcard(value, '[^&]')}(?:&|$)"


def quoted(text: str) -> str:
    """`text` as an nginx quoted string, for map keys (which take no variables)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def action_name(index: int) -> str:
    """The name of the listener's index-th rule's action (the internal location's)."""
    return f"a{index}"


def match_blocks(rules: tuple[Rule, ...]) -> str:
    """The nginx http-level blocks that set $ecslab_action for a request."""
    blocks = [PATH_MAP]
    matched = []
    for index, rule in enumerate(rules):
        if rule.priority is None:
            continue
        names = []
        for number, condition in enumerate(rule.conditions):
            name = f"$ecslab_r{index}_c{number}"
            names.append(name)
            blocks.append(_condition_block(name, condition))
        rule_var = f"$ecslab_r{index}"
        ones = quoted("1" * len(names))
        blocks.append(
            f'map "{"".join(names)}" {rule_var} {{\n    default "";\n'
            f'    {ones} "{action_name(index)}";\n}}'
        )
        matched.append(rule_var)
    default = next(i for i, r in enumerate(rules) if r.priority is None)
    source = "|".join(matched) + "|"
    blocks.append(
        f'map "{source}" {ACTION_VARIABLE} {{\n    default "{action_name(default)}";\n'
        '    "~^\\\\|*(?<ecslab_a>[^|]+)" $ecslab_a;\n}'
    )
    return "\n".join(blocks)


def _condition_block(name: str, condition: Condition) -> str:
    if condition.field == "source-ip":
        cidrs = "".join(f"    {cidr} 1;\n" for cidr in condition.values)
        return f'geo {name} {{\n    default "";\n{cidrs}}}'
    source, regexes = condition_regexes(condition)
    lines = "".join(f'    {quoted(regex)} "1";\n' for regex in regexes)
    return f'map {source} {name} {{\n    default "";\n{lines}}}'
