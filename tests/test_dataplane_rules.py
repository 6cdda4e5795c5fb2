"""Listener rules: parsed from the ELB API's shapes, then matched by a real local listener.

Each test renders a listener's nginx.conf from rules (ecslab.dataplane.rules), starts the
real nginx on it, and asks it over HTTP which action answered: every action is a fixed
response naming itself, so the body says which rule won.
"""

from __future__ import annotations

import http.client
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dataplane_support import Cloud, http_get, lb_url, local_cloud, network_and_alb, wait_for

from ecslab.dataplane import nginxconf
from ecslab.dataplane.process import Child, free_port, wait_for_port
from ecslab.dataplane.rules import (
    Condition,
    FixedResponse,
    Forward,
    Redirect,
    Rule,
    parse_action,
    parse_condition,
    wildcard,
)
from ecslab.dataplane.runtime import NGINX


def _says(name: str) -> FixedResponse:
    return FixedResponse(200, "text/plain", name)


def _rule(priority: int, name: str, *conditions: Condition) -> Rule:
    return Rule(priority, conditions, _says(name))


DEFAULT = Rule(None, (), _says("default"))


class Listener:
    """A real nginx serving one listener's routing; `ask` returns (status, headers, body)."""

    def __init__(self, workdir: Path, routing: nginxconf.Routing) -> None:
        self.port = free_port()
        (workdir / "nginx.conf").write_text(nginxconf.listener_conf(workdir, self.port, routing))
        self.child = Child(
            [NGINX, "-p", str(workdir), "-c", "nginx.conf", "-g", "daemon off;"], workdir, None
        )
        assert wait_for_port(self.port, self.child, timeout=10)

    def ask(
        self, path: str = "/", method: str = "GET", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            conn.close()

    def body(
        self, path: str = "/", method: str = "GET", headers: dict[str, str] | None = None
    ) -> str:
        return self.ask(path, method, headers)[2]


#: Starts a listener with the given rules (then the default) on a port and protocol.
Serve = Callable[..., Listener]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    started: list[Listener] = []

    def start(*rules: Rule, port: int = 80, protocol: str = "HTTP") -> Listener:
        workdir = tmp_path / f"listener{len(started)}"
        workdir.mkdir()
        listener = Listener(workdir, nginxconf.Routing(port, (*rules, DEFAULT), (), protocol))
        started.append(listener)
        return listener

    yield start
    for listener in started:
        listener.child.stop()


def test_lowest_priority_number_wins(serve: Serve) -> None:
    """When two rules match, does the one with the lower priority number answer, and the
    default only when none matches?"""
    everything = Condition("path-pattern", ("/*",))
    api = Condition("path-pattern", ("/api/*",))
    listener = serve(_rule(10, "api", api), _rule(20, "all", everything))
    assert listener.body("/api/users") == "api"
    assert listener.body("/index.html") == "all"
    nothing = serve(_rule(5, "api", api))
    assert nothing.body("/index.html") == "default"


def test_path_pattern_is_case_sensitive_with_wildcards_and_ignores_the_query(serve: Serve) -> None:
    """Does path-pattern match `*` and `?` on the path only, case-sensitively?"""
    listener = serve(_rule(1, "img", Condition("path-pattern", ("/img/?.png", "/static/*"))))
    assert listener.body("/img/a.png") == "img"
    assert listener.body("/static/css/site.css?v=/img/a.png") == "img"
    assert listener.body("/img/ab.png") == "default"
    assert listener.body("/IMG/a.png") == "default"
    assert listener.body("/other?x=/static/1") == "default"


def test_host_header_ignores_case_and_port(serve: Serve) -> None:
    """Does host-header match `*.example.com` whatever the case, without the Host's port?"""
    listener = serve(_rule(1, "sub", Condition("host-header", ("*.example.com",))))
    assert listener.body(headers={"Host": "WWW.Example.COM:8080"}) == "sub"
    assert listener.body(headers={"Host": "example.com"}) == "default"


def test_http_header_and_method(serve: Serve) -> None:
    """Does a rule need both its conditions (an http-header value, not case-sensitive,
    and a method, case-sensitive)?"""
    agent = Condition("http-header", ("*Mobile*",), header="User-Agent")
    post = Condition("http-request-method", ("POST",))
    listener = serve(_rule(1, "mobile-post", agent, post))
    assert listener.body(method="POST", headers={"User-Agent": "x mobile y"}) == "mobile-post"
    assert listener.body(method="GET", headers={"User-Agent": "x mobile y"}) == "default"
    assert listener.body(method="POST", headers={"User-Agent": "desktop"}) == "default"


def test_query_string_pairs(serve: Serve) -> None:
    """Does query-string match a key=value pair anywhere in the query, not case-sensitively,
    and a value alone under any key?"""
    pair = Condition("query-string", (("version", "v1*"),))
    value = Condition("query-string", (("", "beta"),))
    listener = serve(_rule(1, "v1", pair), _rule(2, "beta", value))
    assert listener.body("/?a=1&Version=V1.2") == "v1"
    assert listener.body("/?release=beta") == "beta"
    assert listener.body("/?version=v2&x=betamax") == "default"


def test_source_ip(serve: Serve) -> None:
    """Does source-ip match the client's address against the CIDR blocks?"""
    loopback = serve(_rule(1, "local", Condition("source-ip", ("127.0.0.0/8",))))
    assert loopback.body() == "local"
    elsewhere = serve(_rule(1, "office", Condition("source-ip", ("192.0.2.0/24",))))
    assert elsewhere.body() == "default"


def test_redirect_to_https_keeps_host_path_and_query(serve: Serve) -> None:
    """Does listing 8.11's redirect (port 443, HTTPS, 301) send AWS's Location, with the
    request's host, path and query, and no `?` when there is no query?"""
    redirect = Redirect(status=301, protocol="HTTPS", port="443")
    listener = serve(Rule(1, (Condition("path-pattern", ("*",)),), redirect), port=8080)
    status, headers, _ = listener.ask("/a/b?c=1", headers={"Host": "example.com:8080"})
    assert (status, headers["Location"]) == (301, "https://example.com:443/a/b?c=1")
    status, headers, _ = listener.ask("/", headers={"Host": "example.com:8080"})
    assert headers["Location"] == "https://example.com:443/"


def test_redirect_with_fixed_parts_and_302(serve: Serve) -> None:
    """Does a redirect with its own host, path (reusing #{path}) and query answer 302?"""
    redirect = Redirect(302, host="new.example.com", path="/v2/#{path}", query="from=#{host}")
    listener = serve(Rule(1, (Condition("path-pattern", ("*",)),), redirect))
    status, headers, _ = listener.ask("/old?x=1", headers={"Host": "old.example.com"})
    assert status == 302
    assert headers["Location"] == "http://new.example.com:80/v2/old?from=old.example.com"


def test_fixed_response_keeps_dollars_and_quotes(serve: Serve) -> None:
    """Is a fixed response body with `$host` and quotes sent as written, with its status
    and content type?"""
    answer = FixedResponse(404, "application/json", '{"cost": "$host"}')
    listener = serve(Rule(1, (Condition("path-pattern", ("/x",)),), answer))
    status, headers, body = listener.ask("/x")
    assert (status, headers["Content-Type"], body) == (404, "application/json", answer.body)


def test_forward_to_a_group_without_targets_is_503(serve: Serve) -> None:
    """Does a rule forwarding to a target group with nothing routable answer ALB's 503?"""
    listener = serve(Rule(1, (Condition("path-pattern", ("/*",)),), Forward("arn:tg")))
    status, _, body = listener.ask("/")
    assert status == 503 and "503 Service Temporarily Unavailable" in body


def test_parse_conditions_in_both_api_forms() -> None:
    """Are the old `Values` form and each field's `*Config` form read alike?"""
    old = parse_condition({"Field": "path-pattern", "Values": ["/*"]})
    new = parse_condition({"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}})
    assert old == new == Condition("path-pattern", ("/*",))
    header = parse_condition(
        {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Env", "Values": ["a"]}}
    )
    assert header == Condition("http-header", ("a",), header="X-Env")
    query = parse_condition(
        {
            "Field": "query-string",
            "QueryStringConfig": {"Values": [{"Value": "b"}, {"Key": "k", "Value": "v"}]},
        }
    )
    assert query.values == (("", "b"), ("k", "v"))


def test_parse_redirect_defaults_and_weighted_forward() -> None:
    """Does a redirect keep AWS's defaults for the parts it omits, and a weighted forward
    pick a group whose weight is not 0?"""
    redirect = parse_action(
        [
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ]
    )
    assert redirect == Redirect(301, protocol="HTTPS", port="443")
    forward = parse_action(
        [
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [
                        {"TargetGroupArn": "arn:a", "Weight": 0},
                        {"TargetGroupArn": "arn:b", "Weight": 1},
                    ]
                },
            }
        ]
    )
    assert forward == Forward("arn:b")


def test_wildcards_escape_everything_else() -> None:
    """Is every character but `*` and `?` literal in a pattern (a dot is not "any")?"""
    assert wildcard("a.b*?") == "a\\.b.*."
    assert wildcard("v\\*1\\?") == "v\\*1\\?"  # escaped: the characters themselves


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    with local_cloud(tmp_path_factory.mktemp("rules-home")) as running:
        yield running


def _fixed(body: str) -> list[dict[str, Any]]:
    config = {"StatusCode": "200", "ContentType": "text/plain", "MessageBody": body}
    return [{"Type": "fixed-response", "FixedResponseConfig": config}]


@pytest.mark.integration
def test_rules_follow_the_live_elbv2_state(cloud: Cloud) -> None:
    """Does the local listener apply a rule as soon as CreateRule returns, and drop it
    after DeleteRule (the default action answering again)?"""
    stack = network_and_alb(cloud, name="rules")
    elbv2 = cloud.client("elbv2")
    elbv2.modify_listener(ListenerArn=stack.listener, DefaultActions=_fixed("default"))
    api = [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}}]
    rule = elbv2.create_rule(
        ListenerArn=stack.listener, Priority=10, Conditions=api, Actions=_fixed("api")
    )["Rules"][0]["RuleArn"]
    url = lb_url(cloud, "rules")
    wait_for("the rule", lambda: http_get(f"{url}/api/users") == (200, "api"))
    assert http_get(f"{url}/") == (200, "default")
    elbv2.delete_rule(RuleArn=rule)
    wait_for("the default again", lambda: http_get(f"{url}/api/users") == (200, "default"))
