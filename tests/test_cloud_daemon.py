"""Starting, stopping, inspecting and resetting the local cloud as a background process.

Each test has its own ECSLAB_HOME and free port, and stops what it started.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures_cloud import free_port

from ecslab.account import clients
from ecslab.cloud import daemon, dataplane_dir, pid_file
from ecslab.errors import LocalCloudError


@pytest.fixture
def own_cloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A home and port of the test's own; whatever runs there is stopped afterwards."""
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ECSLAB_PORT", str(free_port()))
    monkeypatch.setenv("ECSLAB_TARGET", "local")
    yield tmp_path / "home"
    daemon.down()


def test_up_answers_and_says_where(own_cloud: Path) -> None:
    """Does `up` return only once the cloud answers, with its endpoint and pid?"""
    status = daemon.up()
    assert status.running
    assert status.endpoint == f"http://127.0.0.1:{os.environ['ECSLAB_PORT']}"
    assert pid_file().read_text().strip() == str(status.pid)
    assert clients.client("sts").get_caller_identity()["Account"] == "123456789012"


def test_up_twice_is_a_no_op(own_cloud: Path) -> None:
    """Does a second `up` keep the running process?"""
    first = daemon.up()
    assert daemon.up().pid == first.pid


def test_status_when_not_running(own_cloud: Path) -> None:
    """Does `status` say not running (without starting anything)?"""
    status = daemon.status()
    assert not status.running
    assert status.pid is None
    assert not pid_file().exists()


def test_status_counts_resources(own_cloud: Path) -> None:
    """Does `status` count a created VPC under ec2?"""
    daemon.up()
    clients.client("ec2").create_vpc(CidrBlock="10.1.0.0/16")
    assert daemon.status().counts["ec2"]["vpcs"] == 1


def test_stale_pid_file_is_cleaned(own_cloud: Path) -> None:
    """Is a pid file naming a dead process removed, and `up` starts anyway?"""
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    own_cloud.mkdir(parents=True)
    pid_file().write_text(dead.stdout.decode())
    assert not daemon.status().running
    assert not pid_file().exists()
    assert daemon.up().running


def test_pid_file_of_another_program_is_not_trusted(own_cloud: Path) -> None:
    """Is a pid file naming a live process that is not our server treated as stale?"""
    own_cloud.mkdir(parents=True)
    pid_file().write_text(str(os.getpid()))
    assert daemon.status().pid is None
    assert not pid_file().exists()


def test_port_held_by_another_program_is_a_clear_error(own_cloud: Path) -> None:
    """Does `up` on a port another program listens on fail at once, saying so?"""
    with socket.socket() as other:
        other.bind(("127.0.0.1", int(os.environ["ECSLAB_PORT"])))
        other.listen()
        with pytest.raises(LocalCloudError, match="already used by another program") as error:
            daemon.up()
    assert "ECSLAB_PORT" in error.value.hint
    assert not pid_file().exists()


def test_start_failure_shows_the_log(own_cloud: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Does a server that dies while starting give an error with the end of its log?"""
    monkeypatch.setattr(daemon, "SERVER_MODULE", "ecslab.cloud.no_such_module")
    with pytest.raises(LocalCloudError, match="exited while starting") as error:
        daemon.up()
    assert "No module named ecslab.cloud.no_such_module" in str(error.value)


def test_down_stops_the_process(own_cloud: Path) -> None:
    """Does `down` stop the process and remove the pid file?"""
    pid = daemon.up().pid
    assert daemon.down() is True
    assert pid is not None and not Path(f"/proc/{pid}").exists()
    assert not pid_file().exists()


def test_down_when_not_running(own_cloud: Path) -> None:
    """Does `down` without a running cloud say so (False), without error?"""
    assert daemon.down() is False


def test_reset_empties_the_cloud(own_cloud: Path) -> None:
    """After `reset`, is the VPC created before gone and the cloud running again?"""
    daemon.up()
    clients.client("ec2").create_vpc(CidrBlock="10.2.0.0/16")
    status = daemon.reset()
    assert status.running
    assert status.counts["ec2"]["vpcs"] == 0


def test_reset_removes_dataplane_state_and_keeps_workspace(
    own_cloud: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does `reset` drop the data plane's state dir but never touch the learner's workspace?"""
    workspace = tmp_path / "workspace"
    monkeypatch.setenv("ECSLAB_WORKSPACE", str(workspace))
    (workspace / "main.tf").parent.mkdir(parents=True)
    (workspace / "main.tf").write_text("# mine")
    daemon.up()
    (dataplane_dir() / "tasks").mkdir(parents=True, exist_ok=True)
    daemon.reset()
    assert not (dataplane_dir() / "tasks").exists()
    assert (workspace / "main.tf").read_text() == "# mine"


def test_concurrent_ups_start_one_cloud(own_cloud: Path) -> None:
    """Do two `up`s at the same moment (two notebooks) end with one cloud, both answered?"""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(lambda _: daemon.up(), range(2)))
    assert statuses[0].pid == statuses[1].pid
    assert daemon.status().pid == statuses[0].pid


def test_status_finds_the_port_it_was_started_on(
    own_cloud: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ECSLAB_PORT changes, does `status` still find the cloud where it runs?"""
    started = daemon.up()
    monkeypatch.setenv("ECSLAB_PORT", str(free_port()))
    status = daemon.status()
    assert status.running and status.endpoint == started.endpoint


def test_dataplane_problems_are_read_from_the_cloud(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nginx missing, does `up`'s reading of the data plane say so, with the fix?"""
    from dataplane_support import local_cloud

    from ecslab.dataplane import runtime

    monkeypatch.setattr(runtime, "NGINX", str(tmp_path / "no-nginx"))
    with local_cloud(tmp_path / "home") as cloud:
        problems = daemon.dataplane_problems(cloud.host.port)
    assert len(problems) == 1
    assert problems[0].startswith(f"nginx is not installed ({tmp_path / 'no-nginx'} is missing)")
    assert "sudo apt-get install nginx" in problems[0]


def test_up_carries_the_dataplane_problems(
    own_cloud: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does `up` return what the data plane of the cloud it started reports?"""
    asked: list[int] = []

    def reading(port: int) -> list[str]:
        asked.append(port)
        return ["nginx is not installed"]

    monkeypatch.setattr(daemon, "dataplane_problems", reading)
    status = daemon.up()
    assert status.running and status.problems == ["nginx is not installed"]
    assert asked == [int(os.environ["ECSLAB_PORT"])]


def test_up_reports_no_problem_where_nginx_is_installed(own_cloud: Path) -> None:
    """Where nginx is installed (as `make system-deps` does), does `up` report no problem?"""
    from ecslab.dataplane import runtime

    assert Path(runtime.NGINX).exists(), "this test needs nginx: make system-deps"
    assert daemon.up().problems == []
