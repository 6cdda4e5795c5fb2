"""Fixtures that start a local cloud of the tests' own (owned by the control-plane work).

`local_cloud` (session): a local cloud on a free port with ECSLAB_HOME in a tmp dir, and
the local target's environment set in os.environ for the whole session, so Terraform
subprocesses and notebook kernels started by tests inherit it. Never port 4566, never the
repo's .ecslab. Stopped at the end of the session.

`aws_client` (function): `aws_client("ecs")` gives a boto3 client of that local cloud.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class LocalCloud:
    """A running local cloud of the tests: where it answers and the environment to reach it."""

    endpoint: str
    home: Path
    port: int
    env: dict[str, str]

    @property
    def credential(self) -> Any:
        """The key this cloud answers to (in its home's credentials file)."""
        from ecslab import credentials

        return credentials.load(self.home)

    def client(self, service: str) -> Any:
        """A boto3 client of this local cloud."""
        from ecslab.account import clients

        return clients.client(service, target="local")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def local_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    """Start a local cloud for the session, with its environment in os.environ."""
    from ecslab.cloud import daemon
    from ecslab.tf.environment import local_env

    home = tmp_path_factory.mktemp("ecslab-home")
    port = free_port()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ECSLAB_HOME", str(home))
        mp.setenv("ECSLAB_PORT", str(port))
        mp.setenv("ECSLAB_TARGET", "local")
        env = local_env()
        _apply_env(mp, env)
        status = daemon.up()
        try:
            yield LocalCloud(endpoint=status.endpoint, home=home, port=port, env=env)
        finally:
            daemon.down()


def _apply_env(mp: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    """Make os.environ equal to env (set what differs, remove what env lacks)."""
    import os

    for name in [n for n in os.environ if n not in env]:
        mp.delenv(name)
    for name, value in env.items():
        if os.environ.get(name) != value:
            mp.setenv(name, value)


@pytest.fixture
def aws_client(local_cloud: LocalCloud) -> Callable[[str], Any]:
    """A factory of boto3 clients of the session's local cloud: aws_client("ec2")."""
    return local_cloud.client
