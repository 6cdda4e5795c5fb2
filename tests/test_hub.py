"""Does a real JupyterHub serve three learners at once, each on a lab and a cloud of their own?

tests/hub_support.py starts the hub (pinned JupyterHub, configurable-http-proxy from npm,
SimpleLocalProcessSpawner: one OS user, a HOME per learner) on 127.0.0.1; every learner's
server starts through `binder/start`, as the Binder image's does. Three learners then
work at the same moment in headless Chromium, through the hub's URL only: log in, land
on the first lab of their desk, open 9.3 (their own copy, answers typed: the solution's),
run it down to its first nginx check, open the load balancer's page through jupyter-server-proxy
under /user/NAME/, then 9.4 to its logs check. Afterwards each learner's cloud holds only
their own cluster, on a port of its own, and refuses a neighbour's key with AWS's error.
Screenshots go to test-artifacts/hub/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hub_support import ARTIFACTS, FIRST, Hub, HubError, Session, at_once, running_hub
from test_browser import CHROMIUM

from ecslab import credentials, settings

#: Three learners' 9.3 and 9.4 share the machine's cores: minutes on a quiet 2-core machine,
#: far more on a loaded one (pytest's default timeout is 900 s for any test).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.restores_starts,
    pytest.mark.timeout(1800),
]

LEARNERS = ("ana", "bo", "chen")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """JupyterHub with its proxy, three learners allowed, their homes prepared."""
    try:
        with running_hub(tmp_path_factory.mktemp("hub"), list(LEARNERS)) as started:
            yield started
    except HubError as e:
        pytest.fail(str(e))


@pytest.fixture(scope="module")
def sessions(hub: Hub) -> dict[str, Session]:
    """The three learners' sessions, run at the same time."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make system-deps` installs it")
    seen = at_once(hub, list(LEARNERS))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # when each learner got where (bench's data)
    times = {name: session.times for name, session in seen.items()}
    (ARTIFACTS / "times.json").write_text(json.dumps(times, indent=2))
    return seen


# --- what each learner got ----------------------------------------------------------------


def test_each_learner_lands_on_the_first_lab_of_their_own_desk(
    hub: Hub, sessions: dict[str, Session]
) -> None:
    """Through the hub's URL, does each learner land on the first lab of their desk, a copy
    that `binder/start` placed in their own HOME?"""
    for name, seen in sessions.items():
        assert seen.landed_on.startswith(f"{hub.url}user/{name}/lab/tree/desk/{FIRST}")
        assert (hub.home(name) / "desk" / FIRST).is_file()


def test_each_learner_reaches_nginx_through_the_server_proxy(
    sessions: dict[str, Session],
) -> None:
    """Does each learner's nginx check pass, and their load balancer's page open through
    jupyter-server-proxy under their own /user/NAME/?"""
    for name, seen in sessions.items():
        assert seen.nginx_check == "True", name
        assert seen.lb_href is not None and seen.lb_href.startswith(f"/user/{name}/proxy/")
        assert "Welcome to nginx!" in seen.lb_page, name


def test_each_learner_sees_their_logs_arrive(sessions: dict[str, Session]) -> None:
    """Does each learner's 9.4 logs check pass?"""
    assert {name: seen.logs_check for name, seen in sessions.items()} == dict.fromkeys(
        LEARNERS, "True"
    )


def _cloud_of(hub: Hub, name: str) -> tuple[str, credentials.Credential]:
    """A learner's cloud endpoint (the port it recorded in their home) and their key."""
    home = hub.home(name) / ".ecslab"
    port = json.loads((home / "cloud.json").read_text())["port"]
    key = credentials.load(home)
    assert key is not None, name
    return f"http://127.0.0.1:{port}", key


def _ecs(endpoint: str, key: credentials.Credential) -> Any:
    return boto3.client(
        "ecs",
        endpoint_url=endpoint,
        region_name=settings.DEFAULT_REGION,
        aws_access_key_id=key.access_key_id,
        aws_secret_access_key=key.secret_access_key,
    )


def test_each_cloud_is_its_learners_alone(hub: Hub, sessions: dict[str, Session]) -> None:
    """Does each learner's cloud run on a port of its own, hold their cluster, and refuse a
    neighbour's key as AWS refuses an unknown one?"""
    clouds = {name: _cloud_of(hub, name) for name in sessions}
    assert len({endpoint for endpoint, _ in clouds.values()}) == len(LEARNERS)
    for name, neighbour in zip(LEARNERS, LEARNERS[1:] + LEARNERS[:1], strict=True):
        endpoint, key = clouds[name]
        arns = _ecs(endpoint, key).list_clusters()["clusterArns"]
        assert [arn.rsplit("/", 1)[1] for arn in arns] == ["example"]
        with pytest.raises(ClientError) as refused:
            _ecs(endpoint, clouds[neighbour][1]).list_clusters()
        assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"
