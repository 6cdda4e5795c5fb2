"""Does a task's container behave like the official nginx image, and die with the cloud?"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from dataplane_support import http_get, wait_for

from ecslab.dataplane import nginxconf, process
from ecslab.dataplane.process import Child, free_port, reap_stale, wait_for_port
from ecslab.dataplane.runtime import (
    ENTRYPOINT_LINES,
    ContainerSpec,
    DockerRuntime,
    ProcessRuntime,
    default_runtime,
    docker_available,
)
from ecslab.errors import TaskFailedToStart


def _run_nginx(tmp_path: Path) -> tuple[Child, int, list[tuple[str, str]]]:
    lines: list[tuple[str, str]] = []
    port = free_port()
    spec = ContainerSpec("example", "nginx:latest", {80: port})
    child = ProcessRuntime().start(
        spec, tmp_path / "example", lambda s, line: lines.append((s, line))
    )
    assert wait_for_port(port, child, timeout=10)
    return child, port, lines


def test_a_home_with_spaces_and_quotes_serves_the_page(tmp_path: Path) -> None:
    """Does nginx start and serve its page when ECSLAB_HOME holds a space, a quote and a
    semicolon (paths are quoted in nginx.conf and the entrypoint)?"""
    home = tmp_path / 'my lab; it\'s "here"'
    child, port, _ = _run_nginx(home)
    try:
        assert "Welcome to nginx!" in http_get(f"http://127.0.0.1:{port}/")[1]
        assert (home / "example" / "nginx.pid").exists()
    finally:
        child.stop()


def test_a_home_with_a_dollar_fails_the_task_with_a_reason(tmp_path: Path) -> None:
    """Is a `$` in the path (nginx would expand it in `root`) a task failure that says
    why, not a traceback?"""
    spec = ContainerSpec("example", "nginx:latest", {80: free_port()})
    with pytest.raises(TaskFailedToStart) as info:
        ProcessRuntime().start(spec, tmp_path / "a$b" / "0", lambda s, line: None)
    assert str(info.value).startswith("CannotStartContainerError: the local cloud cannot serve")


def test_docker_run_is_limited_named_from_ids_and_takes_the_image_after_options(
    tmp_path: Path,
) -> None:
    """Does `docker run` carry the task size as --cpus/--memory, a name made of the task
    id and container index, loopback-only ports, and the image last, after `--`?"""
    spec = ContainerSpec("web", "nginx:1.25", {80: 4700}, cpu_units=512, memory_mib=1024)
    argv = DockerRuntime(tmp_path).run_argv(spec, tmp_path / "tasks" / "abc123" / "0")
    assert argv[-2:] == ["--", "nginx:1.25"]
    assert {"--cpus=0.5", "--memory=1024m", "--name", "ecslab-abc123-0"} <= set(argv)
    assert "-p127.0.0.1:4700:80" in argv


@pytest.mark.parametrize("image", ["--privileged", "nginx latest", "nginx;id", "../../x", ""])
def test_docker_refuses_an_image_that_is_no_image_reference(tmp_path: Path, image: str) -> None:
    """Is an image string that is not a Docker reference refused as a pull failure, before
    any command line sees it?"""
    spec = ContainerSpec("web", image, {80: 4700})
    with pytest.raises(TaskFailedToStart) as info:
        DockerRuntime(tmp_path).run_argv(spec, tmp_path / "tasks" / "t" / "0")
    assert str(info.value).endswith(": invalid reference format")


def test_docker_is_never_used_unasked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a Docker engine that answers (a stand-in `docker` on PATH), is the process
    runtime still the default, and Docker chosen only with ECSLAB_RUNTIME=docker?"""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "docker").write_text("#!/bin/sh\nexit 0\n")
    (fake / "docker").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("ECSLAB_RUNTIME", raising=False)
    assert docker_available()
    assert isinstance(default_runtime(tmp_path), ProcessRuntime)
    monkeypatch.setenv("ECSLAB_RUNTIME", "docker")
    assert isinstance(default_runtime(tmp_path), DockerRuntime)


@pytest.mark.parametrize(
    "image",
    [
        "nginx",
        "nginx:latest",
        "nginx:1.25",
        "docker.io/library/nginx:1.25",
        "public.ecr.aws/nginx/nginx:1.25",
    ],
)
def test_nginx_image_names_are_known(image: str) -> None:
    """Does the process runtime accept every spelling of the official image?"""
    ProcessRuntime.check_image(image)


def test_book_typo_image_is_a_pull_failure() -> None:
    """Does `nginx/latest` (listing 9.3) fail as AWS fails it, in AWS's words only (the
    lab explains it, in the learner's language: checks.task_failure)?"""
    with pytest.raises(TaskFailedToStart) as info:
        ProcessRuntime.check_image("nginx/latest")
    assert str(info.value).startswith(
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        "failed to resolve ref docker.io/nginx/latest:latest: "
        "pull access denied, repository does not exist"
    )
    assert str(info.value).endswith("server message: insufficient_scope: authorization failed")


def test_other_images_say_what_the_process_runtime_runs() -> None:
    """Does an image the process runtime cannot run say why and what to do?"""
    with pytest.raises(
        TaskFailedToStart, match=r"docker\.io/library/httpd:2\.4: .*start a Docker engine"
    ):
        ProcessRuntime.check_image("httpd:2.4")


def test_nginx_serves_the_official_default_page_and_logs(tmp_path: Path) -> None:
    """Default page, entrypoint lines on stdout, notices on stderr, image's log format?"""
    child, port, lines = _run_nginx(tmp_path)
    try:
        status, body = http_get(
            f"http://127.0.0.1:{port}/", {"User-Agent": "probe", nginxconf.PEER_HEADER: "10.0.1.63"}
        )
        assert status == 200 and len(body.encode()) == 615 and "Welcome to nginx!" in body
        access = wait_for(
            "the access line", lambda: next((m for s, m in lines if '"probe"' in m), None)
        )
        assert access.startswith("10.0.1.63 - - [") and access.endswith(
            '"GET / HTTP/1.1" 200 615 "-" "probe" "-"'
        )
    finally:
        child.stop()
    assert [m for s, m in lines if s == "stdout"][: len(ENTRYPOINT_LINES)] == list(ENTRYPOINT_LINES)
    assert any(s == "stderr" and m.endswith("start worker processes") for s, m in lines)


def test_listener_answers_502_when_its_target_fails(tmp_path: Path) -> None:
    """Does the local ALB answer ALB's 502 when a target refuses the connection?"""
    port, dead = free_port(), free_port()
    conf = nginxconf.listener_conf(
        tmp_path, port, nginxconf.forwarding(80, [("127.0.0.1", dead, "10.0.1.5")])
    )
    (tmp_path / "nginx.conf").write_text(conf)
    child = Child(
        ["/usr/sbin/nginx", "-p", str(tmp_path), "-c", "nginx.conf", "-g", "daemon off;"],
        tmp_path,
        None,
    )
    try:
        assert wait_for_port(port, child, timeout=10)
        status, body = http_get(f"http://127.0.0.1:{port}/")
        assert status == 502 and "<title>502 Bad Gateway</title>" in body
    finally:
        child.stop()


def _nginx_pids(marker: Path) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if str(marker).encode() in (proc / "cmdline").read_bytes():
                    pids.append(int(proc.name))
            except OSError:
                continue
    return pids


def test_tasks_die_with_a_crashed_local_cloud(tmp_path: Path) -> None:
    """If the local cloud is killed -9, do its nginx processes go too (no orphans)?"""
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from ecslab.dataplane.runtime import ProcessRuntime, ContainerSpec
        from ecslab.dataplane.process import free_port, wait_for_port
        port = free_port()
        spec = ContainerSpec("c", "nginx", {{80: port}})
        child = ProcessRuntime().start(spec, Path({str(tmp_path)!r}) / "c", None)
        wait_for_port(port, child, 10)
        print(port, flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        parent.stdout.readline()
        assert _nginx_pids(tmp_path), "nginx did not start"
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
    wait_for("nginx to exit", lambda: not _nginx_pids(tmp_path), timeout=10)


def test_supervisor_stops_its_child_when_the_lifeline_closes(tmp_path: Path) -> None:
    """When the supervisor's stdin (the local cloud's lifeline) reaches end-of-file, does it
    stop its child and exit with the child's status (143, TERM)?"""
    supervisor = subprocess.Popen(
        ["/bin/sh", "-c", process._SUPERVISOR, "ecslab-supervisor", "sleep", "30"],
        cwd=tmp_path,  # where it writes child.pid
        stdin=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert supervisor.stdin is not None
        supervisor.stdin.close()  # what the kernel does when the local cloud dies
        assert supervisor.wait(timeout=10) == 128 + signal.SIGTERM
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(supervisor.pid, signal.SIGKILL)
        supervisor.wait()


def test_stale_process_groups_are_reaped(tmp_path: Path) -> None:
    """Does the next start kill what a previous run left (pgid files under its home)?"""
    child, _, _ = _run_nginx(tmp_path)
    os.kill(child.pid, signal.SIGSTOP)  # a supervisor that can no longer act, as after a crash
    try:
        assert reap_stale(tmp_path) == 1
        wait_for("nginx to exit", lambda: not _nginx_pids(tmp_path), timeout=10)
    finally:
        child.popen.wait(timeout=10)


@pytest.mark.skipif(
    not docker_available(),
    reason="no Docker engine reachable (docker info fails): the docker runtime needs one",
)
def test_docker_runtime_runs_the_real_image(tmp_path: Path) -> None:
    """Where a Docker engine answers, does the real nginx image serve its page on loopback?"""
    port = free_port()
    child = DockerRuntime(tmp_path).start(
        ContainerSpec("example", "nginx:latest", {80: port}),
        tmp_path / "tasks" / "t" / "0",
        lambda s, m: None,
    )
    try:
        assert wait_for_port(port, child, timeout=120)
        assert "Welcome to nginx!" in http_get(f"http://127.0.0.1:{port}/")[1]
    finally:
        child.stop()
