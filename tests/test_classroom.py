"""Many learners on one machine: does each get a local cloud of their own, with no collision?"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ecslab import credentials, settings
from ecslab.cloud import auth, daemon

ECSLAB = str(Path(sys.executable).parent / "ecslab")


def test_on_a_hub_home_and_desk_default_to_the_learners_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Learners of one hub may share a checkout (and an OS user): do their cloud's home and
    their desk default to their own HOME there, and to the checkout elsewhere?"""
    for name in ("ECSLAB_HOME", "ECSLAB_DESK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "ana"))
    monkeypatch.setenv("JUPYTERHUB_USER", "ana")
    assert (settings.home(), settings.desk()) == (tmp_path / "ana/.ecslab", tmp_path / "ana/desk")
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert settings.home() == settings.PROJECT_ROOT / ".ecslab"


def test_a_laptop_keeps_the_usual_port(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With no cloud recorded and no ECSLAB_PORT, is the port still 4566?"""
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.delenv("ECSLAB_PORT", raising=False)
    assert settings.port() == 4566


def test_an_explicit_port_wins_over_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With no cloud recorded, does ECSLAB_PORT decide?"""
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.setenv("ECSLAB_PORT", "31000")
    assert settings.port() == 31000


def test_the_recorded_port_wins_while_its_cloud_lives(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Does the port a live cloud recorded in its home beat ECSLAB_PORT, and stop counting
    once that process is gone?"""
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.setenv("ECSLAB_PORT", "31000")
    settings.cloud_state_file().write_text(json.dumps({"pid": os.getpid(), "port": 31999}))
    assert settings.port() == 31999
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    settings.cloud_state_file().write_text(json.dumps({"pid": int(gone.stdout), "port": 31999}))
    assert settings.port() == 31000


@pytest.mark.parametrize(
    ("hub", "busy", "default_taken"),
    [(False, False, True), (False, True, False), (True, False, False)],
)
def test_a_cloud_without_ecslab_port_takes_4566_only_off_a_hub_and_when_free(
    monkeypatch: pytest.MonkeyPatch, hub: bool, busy: bool, default_taken: bool
) -> None:
    """Off a hub, does a cloud take 4566 when free and another port when not; on a hub,
    always a port the kernel hands out (never one derived from the user)?"""
    if hub:
        monkeypatch.setenv("JUPYTERHUB_USER", "ana")
    else:
        monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setattr(daemon, "_port_busy", lambda port: busy and port == 4566)
    port = daemon._choose_port()
    assert (port == settings.DEFAULT_PORT) is default_taken and 1024 < port < 65536


@pytest.mark.integration
def test_learners_starting_at_once_each_get_their_own_cloud(tmp_path: Path) -> None:
    """Started at the same moment on one hub, with no ECSLAB_PORT, do 3 learners' clouds
    each take a port of their own, record it in their home (which their `aws` then uses),
    and answer only their own learner's key (a neighbour's key is refused)?"""
    learners = []
    for name in ("ana", "bo", "chen"):
        env = {**os.environ, "ECSLAB_HOME": str(tmp_path / name), "JUPYTERHUB_USER": name}
        env.pop("ECSLAB_PORT", None)
        learners.append(env)
    starting = [
        subprocess.Popen([ECSLAB, "up"], env=env, stdout=subprocess.DEVNULL) for env in learners
    ]
    try:
        assert [p.wait(timeout=120) for p in starting] == [0, 0, 0]
        keys = [credentials.load(Path(env["ECSLAB_HOME"])) for env in learners]
        ports = [_recorded_port(env) for env in learners]
        assert len(set(ports)) == 3
        neighbours = keys[1:] + keys[:1]
        for env, port, key, neighbour in zip(learners, ports, keys, neighbours, strict=True):
            url = f"http://127.0.0.1:{port}/_ecslab/status"
            assert key is not None and neighbour is not None and key != neighbour
            refused = requests.get(url, headers=auth.sign(neighbour, "GET", url), timeout=5)
            assert refused.status_code == 400 and "UnrecognizedClientException" in refused.text
            status = requests.get(url, headers=auth.sign(key, "GET", url), timeout=5).json()
            own_pid = (Path(env["ECSLAB_HOME"]) / "cloud.pid").read_text().strip()
            assert status["pid"] == int(own_pid) and status["port"] == port
            exports = subprocess.run([ECSLAB, "env"], env=env, capture_output=True, text=True)
            assert f"export AWS_ENDPOINT_URL=http://127.0.0.1:{port}\n" in exports.stdout
    finally:
        for env in learners:
            subprocess.run([ECSLAB, "down"], env=env, capture_output=True, timeout=60)


def _recorded_port(env: dict[str, str]) -> int:
    """The port a learner's cloud recorded in their home."""
    return int(json.loads((Path(env["ECSLAB_HOME"]) / "cloud.json").read_text())["port"])
