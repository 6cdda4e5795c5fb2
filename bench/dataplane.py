"""Benchmark of the local Fargate data plane (a script, not a test).

Starts a local cloud of its own (free port, tmp ECSLAB_HOME), then reports:

- first page: seconds from the end of the apply to the first nginx page through the
  local ALB. With Terraform on PATH (default), the apply is terraform/chapter9's; with
  `--boto3` (or no Terraform) the same ECS resources are created with boto3 and "the end
  of the apply" is CreateService returning (what Terraform waits for, too);
- log latency: an access-log line written (the response received) -> visible in
  FilterLogEvents, p50 and p95 over `--samples` requests;
- throughput: requests/s through the local ALB and to one nginx task directly (ratio);
- RSS of the local cloud with its 2 tasks (the host process; and with its nginx children).

Targets (issue 3): first page <= 2 s, log p95 <= 1 s, ALB >= 0.5x direct, RSS <= 300 MB.
Run: `.venv/bin/python bench/dataplane.py [--boto3] [--seconds 3] [--samples 30]`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            response.read()
            return int(response.status)
    except OSError:
        return 0


def _one(sock: socket.socket, request: bytes) -> tuple[bool, bool]:
    """Send one GET and read its response: (answered 200, server keeps the connection)."""
    sock.sendall(request)
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    head, _, body = buffer.partition(b"\r\n\r\n")
    lines = head.lower().split(b"\r\n")
    length = int(next(line.split(b":")[1] for line in lines if line.startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return head.startswith(b"HTTP/1.1 200"), b"connection: close" not in lines


def _worker(port: int, seconds: float, queue: Any) -> None:
    """Keep-alive GET / in a loop (reconnecting when nginx closes); put the 200s counted."""
    request = b"GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\n\r\n"
    done, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            keep = True
            while keep and time.monotonic() < deadline:
                try:
                    ok, keep = _one(sock, request)
                except OSError:
                    break
                done += ok
    queue.put(done)


def requests_per_second(port: int, seconds: float, workers: int) -> float:
    """Throughput of `workers` keep-alive clients (processes) against 127.0.0.1:port."""
    queue: Any = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=_worker, args=(port, seconds, queue)) for _ in range(workers)
    ]
    for p in procs:
        p.start()
    total = sum(queue.get(timeout=seconds + 30) for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def _admin(endpoint: str, path: str) -> Any:
    """GET /_ecslab/<path>, signed with this home's key (the one admin client)."""
    from ecslab.cloud import client

    return client.admin(path, port=int(endpoint.rsplit(":", 1)[1]))


def _first_page_terraform(endpoint: str) -> float:
    from fixtures_stack import copy_terraform

    from ecslab.tf.runner import Terraform

    workdir = copy_terraform(Path(tempfile.mkdtemp(prefix="bench-tf-")))
    terraform = Terraform(workdir, "local")
    terraform.init()
    terraform.apply(terraform.plan())
    return _wait_first_page(endpoint, time.monotonic())


def _first_page_boto3(endpoint: str) -> float:
    from dataplane_support import Cloud, network_and_alb, service, task_definition

    from ecslab import credentials, settings

    host = type("H", (), {"endpoint": endpoint, "credential": credentials.ensure(settings.home())})
    cloud = Cloud(host=host(), plane=None)  # type: ignore[arg-type]
    stack = network_and_alb(cloud)
    cloud.client("logs").create_log_group(logGroupName="/ecs/example")
    td = task_definition(cloud, stack)
    service(cloud, stack, td)
    return _wait_first_page(endpoint, time.monotonic())


def _wait_first_page(endpoint: str, applied: float) -> float:
    while time.monotonic() - applied < 60:
        listeners = _admin(endpoint, "loadbalancers")
        if listeners and _get(listeners[0]["url"]) == 200:
            return time.monotonic() - applied
        time.sleep(0.02)
    raise SystemExit("no page through the load balancer within 60 s")


def log_latencies(endpoint: str, url: str, samples: int) -> list[float]:
    """Seconds from an access line written to the line visible in FilterLogEvents."""
    from ecslab.account import clients

    logs = clients.client("logs", "local")
    latencies = []
    for i in range(samples):
        marker = f"latency-probe-{i}-{time.time_ns()}"
        request = urllib.request.Request(url, headers={"User-Agent": marker})
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
        written = time.monotonic()
        start = int(time.time() * 1000) - 2000
        while not any(
            marker in e["message"]
            for e in logs.filter_log_events(logGroupName="/ecs/example", startTime=start)["events"]
        ):
            time.sleep(0.01)
        latencies.append(time.monotonic() - written)
    return latencies


def rss_mb(pid: int) -> tuple[float, float]:
    """RSS of a process, and of it with all its descendants, in MB."""

    def rss(p: int) -> float:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(proc.name))
    todo, total = [pid], 0.0
    while todo:
        current = todo.pop()
        total += rss(current)
        todo += children.get(current, [])
    return rss(pid), total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--boto3", action="store_true", help="create the ECS stack with boto3, not Terraform"
    )
    parser.add_argument(
        "--seconds", type=float, default=3.0, help="duration of each throughput run"
    )
    parser.add_argument("--samples", type=int, default=30, help="log latency samples")
    parser.add_argument("--workers", type=int, default=4, help="client processes for throughput")
    args = parser.parse_args()

    from fixtures_cloud import free_port

    from ecslab.cloud import daemon
    from ecslab.tf.environment import local_env

    home = Path(tempfile.mkdtemp(prefix="bench-ecslab-"))
    os.environ.update(
        {"ECSLAB_HOME": str(home), "ECSLAB_PORT": str(free_port()), "ECSLAB_TARGET": "local"}
    )
    os.environ.update(local_env())
    status = daemon.up()
    try:
        use_terraform = not args.boto3 and shutil.which("terraform") is not None
        first = (_first_page_terraform if use_terraform else _first_page_boto3)(status.endpoint)
        url = _admin(status.endpoint, "loadbalancers")[0]["url"]
        tasks = [t for t in _admin(status.endpoint, "tasks") if t["status"] == "RUNNING"]
        direct_port = int(next(iter(tasks[0]["endpoints"].values())).split(":")[1])
        latencies = sorted(log_latencies(status.endpoint, url, args.samples))
        via_lb = requests_per_second(int(url.rsplit(":", 1)[1]), args.seconds, args.workers)
        direct = requests_per_second(direct_port, args.seconds, args.workers)
        host_rss, total_rss = rss_mb(status.pid)
        p95 = latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)]
        by = "terraform/chapter9" if use_terraform else "boto3 (CreateService)"
        scale = os.environ.get("ECSLAB_TIME_SCALE", "10 (default)")
        rows = [
            ("apply by", by),
            ("first page after apply", f"{first:.2f} s  (target <= 2 s)"),
            ("log latency p50 / p95", f"{statistics.median(latencies):.3f} s / {p95:.3f} s"),
            ("requests/s ALB / direct", f"{via_lb:.0f} / {direct:.0f} = {via_lb / direct:.2f}x"),
            ("RSS host / with nginx", f"{host_rss:.0f} MB / {total_rss:.0f} MB"),
            ("tasks running, scale", f"{len(tasks)}, {scale}"),
        ]
        for name, value in rows:
            print(f"{name + ':':26} {value}")
        print("targets: first page <= 2 s, log p95 <= 1 s, ALB >= 0.5x direct, RSS <= 300 MB")
    finally:
        daemon.down()
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
