"""Which link does the learner see for the load balancer's page in each setting?"""

from __future__ import annotations

import pytest

from ecslab import i18n
from ecslab.notebook.links import lb_anchor, lb_link


def test_local_jupyterlab_keeps_the_loopback_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a hub, is the 127.0.0.1 URL shown unchanged?"""
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    assert lb_link("http://127.0.0.1:41234/") == "http://127.0.0.1:41234/"


@pytest.mark.parametrize("prefix", ["/user/ana/", "/binder/jupyter/user/org-ecslab-abc123/"])
def test_hub_and_binder_go_through_the_server_proxy(
    monkeypatch: pytest.MonkeyPatch, prefix: str
) -> None:
    """On JupyterHub or Binder, is the link `{prefix}proxy/{port}/`?"""
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", prefix)
    assert lb_link("http://127.0.0.1:41234/") == f"{prefix}proxy/41234/"


def test_path_and_query_survive_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does a deep link keep its path and query behind the proxy?"""
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ana/")
    assert lb_link("http://localhost:8080/index.html?x=1") == "/user/ana/proxy/8080/index.html?x=1"


def test_a_real_alb_name_is_never_proxied(monkeypatch: pytest.MonkeyPatch) -> None:
    """In AWS mode the ALB's DNS name is public: is it left alone even on a hub?"""
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ana/")
    url = "http://example-123.ap-northeast-1.elb.amazonaws.com/"
    assert lb_link(url) == url


def test_anchor_opens_in_a_new_tab(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does the notebook's anchor point at the proxied link and open a new tab?"""
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ana/")
    html = lb_anchor("http://127.0.0.1:9/")
    assert 'href="/user/ana/proxy/9/"' in html and 'target="_blank"' in html


def test_anchor_speaks_japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does the anchor read Japanese in the Japanese edition (the URL unchanged)?"""
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    with i18n.speaking("ja"):
        html = lb_anchor("http://127.0.0.1:9/")
    assert html == (
        '<a href="http://127.0.0.1:9/" target="_blank" rel="noopener">'
        "ロードバランサーのページを開く</a>"
    )
