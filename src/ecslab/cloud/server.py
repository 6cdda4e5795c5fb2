"""The local cloud's one process: moto's server on 127.0.0.1, an admin API, and hosted services.

Run it with `python -m ecslab.cloud.server --port PORT` (`ecslab up` does, in the background).

Why one process: moto keeps the AWS control plane in memory (VPCs, load balancers, ECS
services...). The local Fargate data plane must read and change those very objects (task
states, running counts, target health), so it runs here, beside moto, and reaches them
through ecslab.moto_seam.

Why waitress and not moto's own server: moto's server is werkzeug's development server,
which closes the connection after every response and was seen to fail an apply in 35
with a transport error. waitress is a production WSGI server with HTTP/1.1 keep-alive, a
fixed pool of worker threads and a bounded idle timeout (see `SERVER_OPTIONS`). Checked
against moto for the chapter's services (every call of an apply, plan and destroy),
chunked request bodies, HEAD, and S3 objects (ranges, multipart). One difference from
moto's own server: waitress drops request headers whose names contain "_" (a spoofing
guard), so S3 user metadata keys with underscores are lost; the chapter uses no S3.

The plugin contract (`HostedService`)
-------------------------------------
A hosted service is any object with `start(host)` and `stop()`:

- `start(host: Host)` is called once moto's server answers and its backends are warm, in
  the order of `hosted_services()`. It must return promptly (start its own threads). It
  may call `host.register_admin_route("/_ecslab/<name>", handler)` and read `host.region`,
  `host.endpoint`, `host.account_id`. An exception here stops the host (the log says why).
- `stop()` is called on shutdown (SIGTERM, SIGINT), in reverse order, while moto still
  answers; it must stop its threads and child processes and return within a few seconds.

Add a service by adding it to the list `hosted_services()` returns.

Who may call it
---------------
Every request, admin routes and moto's /moto-api/ included, must be SigV4-signed with the
home's own key (`ecslab.cloud.auth`): `Host.__call__` checks that first and answers a bad
or missing signature as AWS does, before moto or a handler sees anything. Requests with
an `Origin` header (a web page) are refused, and no Access-Control-* header ever leaves.

Admin API
---------
Every path under `/_ecslab/` is ours, never moto's. A handler receives an `AdminRequest`
and returns JSON-serialisable data (sent with status 200), or raises `AdminError(status,
message)`. Built in: `GET /_ecslab/status` (see `Host.status`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any, Protocol
from urllib.parse import parse_qsl, quote, urlsplit

from ecslab import credentials, moto_seam, settings
from ecslab.cloud import auth
from ecslab.cloud.admin import AdminError
from ecslab.errors import LocalCloudError

#: The prefix of our own routes; moto never serves a path under it.
ADMIN_PREFIX = "/_ecslab/"

#: waitress options. 16 threads: Terraform runs 10 operations in parallel, plus the data plane.
#: channel_timeout 300 s: longer than any client keeps an idle connection (Go's AWS SDK: 90 s),
#: so the client, not the server, closes idle keep-alive connections and never sends a
#: request on a connection the server is closing at the same instant.
SERVER_OPTIONS: dict[str, Any] = {
    "threads": 16,
    "channel_timeout": 300,
    "connection_limit": 200,
    "backlog": 1024,
    "ident": "ecslab",
    "expose_tracebacks": False,
}

StartResponse = Callable[..., Any]
log = logging.getLogger("ecslab.cloud")


@dataclass(frozen=True)
class AdminRequest:
    """What an admin handler gets: the method, path, query and raw body of the request."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes = b""

    def json(self) -> Any:
        """The body parsed as JSON (None when empty)."""
        return json.loads(self.body) if self.body else None


AdminHandler = Callable[[AdminRequest], Any]


class HostedService(Protocol):
    """Something that runs inside the host beside moto (see the module docstring)."""

    def start(self, host: Host) -> None:
        """Start (return promptly); moto answers and its backends are warm."""

    def stop(self) -> None:
        """Stop threads and child processes; moto still answers."""


def hosted_services() -> list[HostedService]:
    """The services the host runs beside moto: started in this order, stopped in reverse."""
    from ecslab.cloud.snapshot import Snapshots
    from ecslab.dataplane import DataPlane

    plane = DataPlane()
    return [plane, Snapshots(plane)]


@dataclass
class Host:
    """moto's WSGI app plus our admin routes, served by waitress; hosts `HostedService`s."""

    port: int
    region: str
    services: list[HostedService] = field(default_factory=list)
    #: The one key that may sign requests (`run` reads the home's; tests get a random one).
    credential: credentials.Credential = field(default_factory=credentials.Credential.generate)
    started_at: float = field(default_factory=time.time)
    ready: bool = False
    _routes: dict[str, AdminHandler] = field(default_factory=dict)
    _moto: Any = None
    _server: Any = None
    _thread: threading.Thread | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)
    _started: list[HostedService] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        """The AWS endpoint URL clients use."""
        return settings.local_endpoint(self.port)

    @property
    def account_id(self) -> str:
        """The account moto files resources under for the fake credentials we hand out."""
        return moto_seam.default_account_id()

    def register_admin_route(self, path: str, handler: AdminHandler) -> None:
        """Serve `handler` at `path`, which must start with /_ecslab/."""
        if not path.startswith(ADMIN_PREFIX):
            raise ValueError(f"admin routes live under {ADMIN_PREFIX}, not {path!r}")
        self._routes[path.rstrip("/")] = handler

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI entry point: a valid signature first, then our admin routes or moto."""
        received = _received(environ)
        denied = auth.verify(received, self.credential)
        if denied is not None:
            return _deny(environ, received, denied, start_response)
        return self._dispatch(environ, _without_cors(start_response))

    def _dispatch(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Our admin routes, else moto (for requests already verified, or made in-process)."""
        if environ.get("PATH_INFO", "").startswith(ADMIN_PREFIX):
            return self._admin(environ, start_response)
        return self._moto(environ, start_response)  # type: ignore[no-any-return]

    def _admin(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        """Answer an admin request as JSON."""
        request = _admin_request(environ)
        handler = self._routes.get(request.path.rstrip("/"))
        try:
            if handler is None:
                raise AdminError(404, f"no admin route {request.path}")
            status, body = 200, handler(request)
        except AdminError as e:
            status, body = e.status, {"error": e.message}
        except Exception as e:
            log.exception("admin route %s failed", request.path)
            status, body = 500, {"error": f"{type(e).__name__}: {e}"}
        data = json.dumps(body, default=str).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        return [data]

    def status(self, _request: AdminRequest | None = None) -> dict[str, Any]:
        """What `ecslab status` shows: who, where, since when, and what moto holds."""
        from ecslab.cloud import inventory

        return {
            "pid": os.getpid(),
            "endpoint": self.endpoint,
            "port": self.port,
            "region": self.region,
            "ready": self.ready,
            "started_at": self.started_at,
            "uptime_seconds": round(time.time() - self.started_at, 1),
            "services": [type(s).__name__ for s in self._started],
            "counts": inventory.counts(self.account_id, self.region),
        }

    def start(self) -> None:
        """Bind, serve, warm moto, then start the hosted services."""
        self._moto = _moto_app(self.region)
        self.register_admin_route(ADMIN_PREFIX + "status", self.status)
        self._server = _bind(self, self.port)
        self._thread = threading.Thread(target=self._serve, name="waitress", daemon=True)
        self._thread.start()
        warm(self)
        for service in self.services:
            service.start(self)
            self._started.append(service)
        self.ready = True

    def _serve(self) -> None:
        """waitress's loop, one poll at a time, so `stop` can end it from another thread."""
        from waitress import wasyncore

        server = self._server
        while not self._stopping.is_set():
            wasyncore.loop(timeout=1.0, map=server._map, use_poll=True, count=1)

    def stop(self) -> None:
        """Stop the hosted services (in reverse), then the server."""
        self.ready = False
        while self._started:
            service = self._started.pop()
            try:
                service.stop()
            except Exception:
                log.exception("stopping %s failed", type(service).__name__)
        if self._server is not None:
            self._stopping.set()
            self._server.pull_trigger()
            if self._thread is not None:
                self._thread.join(timeout=10)
            self._close_server()

    def _close_server(self) -> None:
        """Let the worker threads answer the requests in flight, then close every socket.

        Order matters: a worker pulls the trigger when it finishes a request, and pulling
        a closed trigger raised "Bad file descriptor" (or wrote into a reused fd).
        """
        from waitress import wasyncore

        self._server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(self._server._map)  # listener, trigger, keep-alive channels


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
}


def _received(environ: dict[str, Any]) -> auth.Received:
    """What SigV4 covers, read from the WSGI request; the body is put back for moto."""
    length = environ.get("CONTENT_LENGTH")
    stream = environ["wsgi.input"]
    body = stream.read(int(length)) if length else stream.read()
    environ["wsgi.input"] = BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    headers = {
        name[5:].replace("_", "-").lower(): str(value)
        for name, value in environ.items()
        if name.startswith("HTTP_")
    }
    for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(name):
            headers[name.replace("_", "-").lower()] = str(environ[name])
    raw = environ.get("REQUEST_URI") or quote(environ.get("PATH_INFO", "/"))
    return auth.Received(
        method=environ.get("REQUEST_METHOD", "GET"),
        raw_path=urlsplit(raw).path or "/",
        query=environ.get("QUERY_STRING", ""),
        headers=headers,
        body=body,
    )


def _deny(
    environ: dict[str, Any],
    received: auth.Received,
    denied: auth.Denial,
    start_response: StartResponse,
) -> list[bytes]:
    """AWS's answer to a bad or missing signature (our own routes answer as JSON)."""
    path = environ.get("PATH_INFO", "")
    ours = path.startswith((ADMIN_PREFIX, "/moto-api"))
    kind = "json" if ours else auth.protocol(received.headers, received.query, received.body)
    status, headers, body = auth.denial(denied, kind)
    log.warning("refused %s %s: %s", received.method, path, denied.reason)
    start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
    return [body]


def _without_cors(start_response: StartResponse) -> StartResponse:
    """start_response that drops Access-Control-* headers (moto's Flask apps add them)."""

    def strip(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        kept = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
        return start_response(status, kept, exc_info) if exc_info else start_response(status, kept)

    return strip


def _admin_request(environ: dict[str, Any]) -> AdminRequest:
    """Read the parts of a WSGI request an admin handler needs."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    return AdminRequest(
        method=environ.get("REQUEST_METHOD", "GET"),
        path=environ.get("PATH_INFO", ""),
        query=dict(parse_qsl(environ.get("QUERY_STRING", ""))),
        body=body,
    )


def _moto_app(region: str) -> Any:
    """moto's own WSGI app (dispatching on the request to each service's Flask app), patched,
    behind `RetryMemo` so an SDK's retry never runs a create twice."""
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"  # listing 9.6's aws_iam_policy
    from ecslab.cloud import moto_patches
    from ecslab.cloud.retries import RetryMemo

    moto_patches.apply(region)
    return RetryMemo(moto_seam.server_app())


def _bind(app: Host, port: int) -> Any:
    """A waitress server on a socket bound to 127.0.0.1:port (loopback only), not yet serving.

    We bind the socket ourselves: a busy port is then a clear error before waitress builds
    anything (it would leak its own socket and wake-up pipe on a failed bind).
    """
    import socket

    from waitress.server import create_server

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
    except OSError as e:
        sock.close()
        raise LocalCloudError(
            f"cannot listen on 127.0.0.1:{port}: {e.strerror or e}",
            hint="Another program uses this port: stop it or set ECSLAB_PORT to a free port.",
        ) from e
    return create_server(app, sockets=[sock], **SERVER_OPTIONS)


#: One cheap read per service the chapter uses: (service, X-Amz-Target or None, body).
_WARM_CALLS = [
    ("ec2", None, "Action=DescribeVpcs&Version=2016-11-15"),
    ("elasticloadbalancing", None, "Action=DescribeLoadBalancers&Version=2015-12-01"),
    ("ecs", "AmazonEC2ContainerServiceV20141113.ListClusters", "{}"),
    ("iam", None, "Action=ListRoles&Version=2010-05-08"),
    ("logs", "Logs_20140328.DescribeLogGroups", "{}"),
    ("sts", None, "Action=GetCallerIdentity&Version=2011-06-15"),
]


def warm(host: Host) -> None:
    """Send each service one request in-process, so moto builds its backends and Flask apps
    (and loads IAM's managed policies) now rather than during the learner's first apply."""
    from werkzeug.test import EnvironBuilder

    for service, target, body in _WARM_CALLS:
        credential = f"test/20260101/{host.region}/{service}/aws4_request"
        headers = {"Authorization": f"AWS4-HMAC-SHA256 Credential={credential}, Signature=0"}
        content_type = "application/x-www-form-urlencoded"
        if target:
            headers["X-Amz-Target"] = target
            content_type = "application/x-amz-json-1.1"
        builder = EnvironBuilder(
            method="POST",
            path="/",
            headers=list(headers.items()),
            data=body,
            content_type=content_type,
        )
        environ = builder.get_environ()
        environ["HTTP_HOST"] = f"127.0.0.1:{host.port}"
        result = host._dispatch(environ, lambda status, headers, exc_info=None: None)
        b"".join(result)


def _isolate_environment(port: int, credential: credentials.Credential) -> None:
    """Make this process deaf to the user's AWS settings: moto itself builds boto3 sessions
    (e.g. to list regions) and fails on an AWS_PROFILE it cannot find."""
    from ecslab.tf.environment import LOCAL_REMOVED, is_endpoint_override, no_proxy_vars

    for name in [*os.environ]:
        if name in LOCAL_REMOVED or is_endpoint_override(name):
            del os.environ[name]
    os.environ["AWS_ACCESS_KEY_ID"] = credential.access_key_id
    os.environ["AWS_SECRET_ACCESS_KEY"] = credential.secret_access_key
    os.environ.update(no_proxy_vars(os.environ))  # the data plane calls this very server
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ["MOTO_PORT"] = str(port)


def run(port: int, region: str) -> None:
    """Run the host until SIGTERM or SIGINT, then stop it cleanly.

    Signal handlers (not a blocked mask and sigwait): a blocked mask would be inherited by
    every process the data plane starts, and nginx would then ignore SIGTERM.
    """
    received: list[int] = []
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signum)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    credential = credentials.ensure(settings.home())
    _isolate_environment(port, credential)
    host = Host(port=port, region=region, services=hosted_services(), credential=credential)
    try:
        host.start()
        log.info("ecslab local cloud ready on %s (pid %d)", host.endpoint, os.getpid())
        stop.wait()
        log.info("stopping on %s", signal.Signals(received[0]).name)
    finally:
        host.stop()
    log.info("stopped")


def main(argv: list[str] | None = None) -> int:
    """`python -m ecslab.cloud.server [--port N] [--region R]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=settings.port())
    parser.add_argument("--region", default=settings.region())
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        run(args.port, args.region)
    except LocalCloudError as e:
        log.error("%s %s", e, e.hint)
        return 2
    return 0


if __name__ == "__main__":
    # Run the module under its own name, not as __main__: a hosted service that imports
    # ecslab.cloud.server must get the classes the running Host catches.
    from ecslab.cloud.server import main as run_main

    sys.exit(run_main())
