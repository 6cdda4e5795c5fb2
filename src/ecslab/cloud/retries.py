"""Answer an AWS SDK's retry of a request moto has already served with moto's first answer.

Why: when a response is lost on the way back (a reset connection, a client-side timeout
under load), the SDK retries the same operation. moto executes it again, so a retried
CreateSubnet or CreateNatGateway creates a second resource, the retry then fails with a
conflict ("Resource.AlreadyAssociated"), and the first one is orphaned: the apply fails
and destroy loops. Real AWS is protected by client tokens and idempotent APIs; moto
ignores them. Every AWS SDK (the Go SDK inside Terraform's provider, boto3, the AWS CLI)
sends one `amz-sdk-invocation-id` per operation and keeps it across retries, so a second
request with an id already served, for the same operation and body, is a retry: replay
the first answer instead of running it again. The body is part of the key, so a client
that reuses an id for a different request (a bug, or a replayed id) is served afresh,
never handed another request's answer. Answers of 500 and up are not kept, so a retry
after a server error runs anew, as on AWS. What is kept is bounded in bytes: answers
are forgotten oldest first.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: The WSGI name of the header the AWS SDKs send once per operation, the same on retries.
INVOCATION_HEADER = "HTTP_AMZ_SDK_INVOCATION_ID"

#: How many bytes of answers are remembered; retries follow their first try within seconds.
MEMORY_BYTES = 16 * 1024 * 1024

#: How long a retry waits for its first try, still running, to finish (seconds).
WAIT_FOR_FIRST = 120.0

#: What names the operation besides the body: method, path, query, JSON target.
_OPERATION = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "HTTP_X_AMZ_TARGET")

Key = tuple[str, str]  # invocation id, digest of operation and body


@dataclass
class _Answer:
    """The first try of one operation: done once moto answered."""

    done: threading.Event = field(default_factory=threading.Event)
    status: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    kept: bool = False
    counted: int = 0  # bytes this answer adds to the memo's total, once finished

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + len(self.status)


def request_key(invocation: str, environ: dict[str, Any]) -> Key:
    """The invocation id with a digest of the operation and its body. The body is read
    once and put back (`wsgi.input`), so the application reads it as sent."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    digest = hashlib.sha256()
    for name in _OPERATION:
        digest.update(str(environ.get(name, "")).encode() + b"\0")
    digest.update(body)
    return invocation, digest.hexdigest()


class RetryMemo:
    """WSGI middleware: runs each SDK operation once, replays its answer to retries."""

    def __init__(self, app: WsgiApp, memory_bytes: int = MEMORY_BYTES) -> None:
        self.app = app
        self.memory_bytes = memory_bytes
        self.replayed = 0
        self.waiting = 0  # retries now waiting for their first try (tests watch this)
        self._answers: OrderedDict[Key, _Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def remembered_bytes(self) -> int:
        """Bytes of the answers kept for retries."""
        with self._lock:
            return self._bytes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        invocation = environ.get(INVOCATION_HEADER)
        if not invocation:
            return self.app(environ, start_response)
        key = request_key(invocation, environ)
        answer, first = self._claim(key)
        if not first:
            if self._wait(answer) and answer.kept:
                self.replayed += 1
                start_response(answer.status, answer.headers)
                return [answer.body]
            answer = self._renew(key)
        return self._serve(key, answer, environ, start_response)

    def _wait(self, answer: _Answer) -> bool:
        with self._lock:
            self.waiting += 1
        try:
            return answer.done.wait(WAIT_FOR_FIRST)
        finally:
            with self._lock:
                self.waiting -= 1

    def _claim(self, key: Key) -> tuple[_Answer, bool]:
        """The answer slot for this operation, and whether this request is its first try."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                return answer, False
            answer = self._answers[key] = _Answer()
            return answer, True

    def _renew(self, key: Key) -> _Answer:
        """A fresh slot for a retry whose first try failed (5xx) or never finished."""
        with self._lock:
            self._forget(key)
            answer = self._answers[key] = _Answer()
            return answer

    def _keep(self, key: Key, answer: _Answer) -> None:
        """Count a finished answer's bytes; forget the oldest answers beyond the bound."""
        with self._lock:
            if self._answers.get(key) is not answer:
                return  # forgotten while it ran
            if not answer.kept or answer.size > self.memory_bytes:
                self._forget(key)
                return
            answer.counted = answer.size
            self._bytes += answer.counted
            while self._bytes > self.memory_bytes:
                self._forget(next(iter(self._answers)))

    def _forget(self, key: Key) -> None:
        answer = self._answers.pop(key, None)
        if answer is not None:
            self._bytes -= answer.counted

    def _serve(
        self, key: Key, answer: _Answer, environ: dict[str, Any], start_response: StartResponse
    ) -> list[bytes]:
        """Run the request through moto, keep the answer for retries, and send it."""
        try:
            result = self.app(environ, _recorder(answer))
            try:
                answer.body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            answer.kept = int(answer.status.split(" ", 1)[0]) < 500
        finally:
            self._keep(key, answer)
            answer.done.set()
        start_response(answer.status, answer.headers)
        return [answer.body]


def _recorder(answer: _Answer) -> StartResponse:
    """A start_response that records the status and headers into `answer`."""

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer.status, answer.headers = status, list(headers)

    return start_response
