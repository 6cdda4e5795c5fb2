"""Many learners on one machine: does each get a local cloud of their own, with no collision?"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ecslab import credentials, settings
from ecslab.cloud import auth

ECSLAB = str(Path(sys.executable).parent / "ecslab")


def test_hub_learners_get_distinct_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a JupyterHub machine, do 30 learners (30 uids) get 30 distinct, unprivileged ports?"""
    monkeypatch.delenv("ECSLAB_PORT", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "learner")
    ports = set()
    for uid in range(1001, 1031):
        monkeypatch.setattr(os, "getuid", lambda uid=uid: uid)
        ports.add(settings.port())
    assert len(ports) == 30 and all(20000 <= p < 40000 for p in ports)


def test_a_laptop_keeps_the_usual_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside a hub, is the default still 4566?"""
    monkeypatch.delenv("ECSLAB_PORT", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert settings.port() == 4566


def test_an_explicit_port_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does ECSLAB_PORT override the per-user port?"""
    monkeypatch.setenv("JUPYTERHUB_USER", "learner")
    monkeypatch.setenv("ECSLAB_PORT", "31000")
    assert settings.port() == 31000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.integration
def test_learners_starting_at_once_each_get_their_own_cloud(tmp_path: Path) -> None:
    """Started at the same moment, do 3 learners' clouds all answer, each with its own state,
    and each only to its own learner's key (a neighbour's key is refused)?"""
    learners = []
    for name in ("ana", "bo", "chen"):
        env = {**os.environ, "ECSLAB_HOME": str(tmp_path / name), "ECSLAB_PORT": str(_free_port())}
        learners.append(env)
    starting = [
        subprocess.Popen([ECSLAB, "up"], env=env, stdout=subprocess.DEVNULL) for env in learners
    ]
    try:
        assert [p.wait(timeout=120) for p in starting] == [0, 0, 0]
        pids = set()
        keys = [credentials.load(Path(env["ECSLAB_HOME"])) for env in learners]
        for env, key, neighbour in zip(learners, keys, keys[1:] + keys[:1], strict=True):
            url = f"http://127.0.0.1:{env['ECSLAB_PORT']}/_ecslab/status"
            assert key is not None and neighbour is not None and key != neighbour
            assert (
                requests.get(url, headers=auth.sign(neighbour, "GET", url), timeout=5).status_code
                == 400
            )
            status = requests.get(url, headers=auth.sign(key, "GET", url), timeout=5).json()
            pids.add(status["pid"])
            own_pid = (Path(env["ECSLAB_HOME"]) / "cloud.pid").read_text().strip()
            assert status["pid"] == int(own_pid) and status["port"] == int(env["ECSLAB_PORT"])
        assert len(pids) == 3
    finally:
        for env in learners:
            subprocess.run([ECSLAB, "down"], env=env, capture_output=True, timeout=60)
