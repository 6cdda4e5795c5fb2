"""Container runtimes: how a task's container really runs on this machine.

The process runtime (the default) knows one image, the official nginx, and runs
Debian's nginx configured like it: its default page, its access-log format on stdout,
its error log on stderr, its entrypoint's lines, listening on port 80 as the image does
(mapped to a free loopback port), whatever containerPort the task definition names. The
docker runtime, chosen only with ECSLAB_RUNTIME=docker (ecslab.settings), runs the real
image instead, limited to the task's size. An image neither can run fails like a pull
failure on AWS.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ecslab import settings
from ecslab.dataplane import nginxconf
from ecslab.dataplane.process import Child, LineSink, free_port
from ecslab.errors import TaskFailedToStart

NGINX = "/usr/sbin/nginx"

_NGINX_IMAGE = re.compile(
    r"^(?:(?:docker\.io|registry-1\.docker\.io)/)?(?:library/)?nginx(?::[\w][\w.-]*)?$"
    r"|^public\.ecr\.aws/nginx/nginx(?::[\w][\w.-]*)?$"
)

#: A Docker image reference (distribution/reference's grammar): [domain[:port]/]path
#: [:tag][@digest]. Anything else (a leading `-` read as an option, spaces, shell
#: characters) is refused before it reaches a command line.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
_DOMAIN = rf"(?:{_LABEL}(?:\.{_LABEL})*(?::[0-9]+)?/)?"
IMAGE_REFERENCE = re.compile(
    rf"^{_DOMAIN}{_COMPONENT}(?:/{_COMPONENT})*(?::[\w][\w.-]{{0,127}})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$"
)

#: What the official image's /docker-entrypoint.sh prints before it starts nginx.
ENTRYPOINT_LINES = (
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
    "configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
    "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in "
    "/etc/nginx/conf.d/default.conf",
    "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
)


@dataclass(frozen=True)
class ContainerSpec:
    """What a runtime needs of one container definition, with its loopback port map and
    its task's size (the limits Fargate enforces)."""

    name: str
    image: str
    ports: dict[int, int]  # container port -> 127.0.0.1 port
    cpu_units: int = 256  # the task's cpu (1024 = one vCPU)
    memory_mib: int = 512  # the task's memory


class Runtime(Protocol):
    """Starts a container; raises TaskFailedToStart with AWS's stoppedReason."""

    name: str

    def image_ports(self, image: str) -> tuple[int, ...]:
        """The container ports the image itself listens on; () when only the image knows
        (then the task waits for its mapped ports)."""
        ...

    def check_image(self, image: str) -> None: ...

    def ready(self, image: str) -> bool: ...

    def start(self, spec: ContainerSpec, workdir: Path, sink: LineSink) -> Child: ...


def docker_ref(image: str) -> str:
    """The reference a Fargate agent resolves: docker.io/library/<repo>:<tag>."""
    name, _, tag = image.partition(":")
    first = name.split("/")[0]
    if "/" not in name:
        name = f"docker.io/library/{name}"
    elif "." not in first and ":" not in first:
        name = f"docker.io/{name}"
    return f"{name}:{tag or 'latest'}"


def pull_error(image: str, why: str) -> TaskFailedToStart:
    """A stoppedReason shaped like AWS's, with the local reason appended."""
    return TaskFailedToStart(
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        f"failed to resolve ref {docker_ref(image)}: {why}"
    )


def check_reference(image: str) -> None:
    """Refuse, as Docker would, an image string that is no image reference."""
    if not IMAGE_REFERENCE.match(image):
        raise pull_error(image, "invalid reference format")


class ProcessRuntime:
    """Runs the official nginx image as a local Debian nginx process."""

    name = "process"

    @staticmethod
    def image_ports(image: str) -> tuple[int, ...]:
        """The official image's nginx listens on 80, whatever the task definition maps: a
        containerPort of 8080 leaves nothing listening there, as on AWS."""
        return (80,)

    def start(self, spec: ContainerSpec, workdir: Path, sink: LineSink) -> Child:
        self.check_image(spec.image)
        if not Path(NGINX).exists():
            raise TaskFailedToStart(
                f"CannotStartContainerError: {NGINX} not found: the local cloud runs the "
                "nginx image with Debian's nginx; install it (sudo apt-get install nginx)"
            )
        port = spec.ports.get(80) or free_port()
        html = nginxconf.install_html(workdir)
        conf = workdir / "etc/nginx/nginx.conf"
        conf.parent.mkdir(parents=True, exist_ok=True)
        try:
            conf.write_text(nginxconf.task_conf(workdir, port, html))
        except ValueError as e:
            raise TaskFailedToStart(f"CannotStartContainerError: {e}") from e
        script = workdir / "docker-entrypoint.sh"
        script.write_text(_entrypoint(workdir, conf))
        return Child(["/bin/sh", str(script)], workdir, sink, ready_file=workdir / "nginx.pid")

    @staticmethod
    def ready(image: str) -> bool:
        """Debian's nginx is always there (or the start says it is not)."""
        return True

    @staticmethod
    def check_image(image: str) -> None:
        """Raise the pull failure AWS would give, or say why this runtime cannot run it."""
        if _NGINX_IMAGE.match(image):
            return
        repo = image.split(":")[0]
        if re.fullmatch(r"nginx/[\w.-]+", repo):
            why = (
                "pull access denied, repository does not exist or may require authorization: "
                "server message: insufficient_scope: authorization failed"
            )
        else:
            why = (
                "the local cloud's process runtime runs only the official nginx image "
                '("nginx", "nginx:<tag>", "public.ecr.aws/nginx/nginx:<tag>"); '
                "to run other images, start a Docker engine and set ECSLAB_RUNTIME=docker"
            )
        raise pull_error(image, why)


def _entrypoint(prefix: Path, conf: Path) -> str:
    echoes = "\n".join(f"echo {shlex.quote(line)}" for line in ENTRYPOINT_LINES)
    command = shlex.join(nginxconf.command(NGINX, prefix, conf, "stderr"))  # as the image
    return (
        "#!/bin/sh\n# Generated by ecslab.dataplane.runtime: the official image's "
        "/docker-entrypoint.sh output, then nginx in the foreground.\n"
        f"{echoes}\nexec {command}\n"
    )


class DockerRuntime:
    """Runs the real image with a Docker engine, published on 127.0.0.1 only, limited to
    the task's cpu and memory as Fargate limits it.

    Images are pulled in the background when a task enters PENDING (`check_image`); the
    task stays PENDING until its pull is done (`ready`), so a slow pull never holds up
    the scheduler. Containers carry a label with ECSLAB_HOME, so `reap` can remove what
    a crashed local cloud left running.
    """

    name = "docker"

    @staticmethod
    def image_ports(image: str) -> tuple[int, ...]:
        return ()  # the real image decides: wait for the mapped ports

    def __init__(self, home: Path | None = None) -> None:
        self.home = home
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="docker-pull")
        self._pulls: dict[str, Future[subprocess.CompletedProcess[str]]] = {}

    def check_image(self, image: str) -> None:
        check_reference(image)
        if image not in self._pulls:
            argv = ["docker", "pull", "-q", image]
            self._pulls[image] = self._pool.submit(
                subprocess.run, argv, capture_output=True, text=True, check=False
            )

    def ready(self, image: str) -> bool:
        self.check_image(image)
        return self._pulls[image].done()

    def start(self, spec: ContainerSpec, workdir: Path, sink: LineSink) -> Child:
        self.check_image(spec.image)
        pull = self._pulls[spec.image].result()
        if pull.returncode != 0:
            del self._pulls[spec.image]  # the next task tries again, as the agent would
            raise pull_error(spec.image, pull.stderr.strip() or "docker pull failed")
        return Child(self.run_argv(spec, workdir), workdir, sink)

    def run_argv(self, spec: ContainerSpec, workdir: Path) -> list[str]:
        """`docker run` for one container: named from the task id and container index
        (the workdir's last two parts), limited to the task's size, published on
        loopback only; the image, validated, after `--`."""
        check_reference(spec.image)
        publish = [f"-p127.0.0.1:{host}:{cport}" for cport, host in spec.ports.items()]
        name = f"ecslab-{workdir.parent.name}-{workdir.name}"
        limits = [f"--cpus={spec.cpu_units / 1024:g}", f"--memory={spec.memory_mib}m"]
        label = f"--label=ecslab.home={self.home}"
        argv = ["docker", "run", "--rm", "--init", label, "--name", name, *limits, *publish]
        return [*argv, "--", spec.image]

    def reap(self) -> None:
        """Remove containers a previous local cloud of this ECSLAB_HOME left running."""
        found = subprocess.run(
            ["docker", "ps", "-q", "--filter", f"label=ecslab.home={self.home}"],
            capture_output=True,
            text=True,
            check=False,
        )
        ids = found.stdout.split()
        if ids:
            subprocess.run(["docker", "rm", "-f", *ids], capture_output=True, check=False)


def docker_available() -> bool:
    """True when a docker client is installed and its engine answers."""
    if not shutil.which("docker"):
        return False
    try:
        info = subprocess.run(["docker", "info"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return info.returncode == 0


def problems() -> list[str]:
    """What keeps the data plane from working on this machine, said for the learner."""
    found = []
    if not Path(NGINX).exists():
        found.append(
            f"nginx is not installed ({NGINX} is missing): the local load balancer and the "
            "tasks run Debian's nginx. Install it: sudo apt-get install nginx "
            "(or: make system-deps)"
        )
    if settings.runtime() == "docker" and not docker_available():
        found.append(
            "ECSLAB_RUNTIME=docker, but no Docker engine answers `docker info`: tasks will "
            "fail to pull their images. Start Docker, or unset ECSLAB_RUNTIME"
        )
    return found


def default_runtime(home: Path) -> Runtime:
    """The process runtime, or Docker when ECSLAB_RUNTIME=docker asks for it: a Docker
    engine found on the machine is never used unasked (it would run any image)."""
    if settings.runtime() != "docker":
        return ProcessRuntime()
    docker = DockerRuntime(home)
    if docker_available():
        docker.reap()
    return docker
