"""Answer an AWS SDK's retry of a request moto has already served with moto's first answer.

Why: when a response is lost on the way back (a reset connection, a client-side timeout
under load), the SDK retries the same operation. moto executes it again, so a retried
CreateSubnet or CreateNatGateway creates a second resource, the retry then fails with a
conflict ("Resource.AlreadyAssociated"), and the first one is orphaned: the apply fails
and destroy loops. Real AWS is protected by client tokens and idempotent APIs; moto
ignores them. Every AWS SDK (the Go SDK inside Terraform's provider, boto3, the AWS CLI)
sends one `amz-sdk-invocation-id` per operation and keeps it across retries, so a second
request with an id already served is a retry: replay the first answer instead of
running it again. Answers of 500 and up are not kept, so a retry after a server error
runs anew, as on AWS.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: The WSGI name of the header the AWS SDKs send once per operation, the same on retries.
INVOCATION_HEADER = "HTTP_AMZ_SDK_INVOCATION_ID"

#: How many recent operations are remembered; retries follow their first try within seconds.
MEMORY = 2048

#: How long a retry waits for its first try, still running, to finish (seconds).
WAIT_FOR_FIRST = 120.0


@dataclass
class _Answer:
    """The first try of one operation: done once moto answered."""

    done: threading.Event = field(default_factory=threading.Event)
    status: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    kept: bool = False


class RetryMemo:
    """WSGI middleware: runs each SDK operation once, replays its answer to retries."""

    def __init__(self, app: WsgiApp, memory: int = MEMORY) -> None:
        self.app = app
        self.memory = memory
        self.replayed = 0
        self._answers: OrderedDict[str, _Answer] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        key = environ.get(INVOCATION_HEADER)
        if not key:
            return self.app(environ, start_response)
        answer, first = self._claim(key)
        if not first:
            if answer.done.wait(WAIT_FOR_FIRST) and answer.kept:
                self.replayed += 1
                start_response(answer.status, answer.headers)
                return [answer.body]
            answer = self._renew(key)
        return self._serve(answer, environ, start_response)

    def _claim(self, key: str) -> tuple[_Answer, bool]:
        """The answer slot for this operation, and whether this request is its first try."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                return answer, False
            answer = self._answers[key] = _Answer()
            while len(self._answers) > self.memory:
                self._answers.popitem(last=False)
            return answer, True

    def _renew(self, key: str) -> _Answer:
        """A fresh slot for a retry whose first try failed (5xx) or never finished."""
        with self._lock:
            answer = self._answers[key] = _Answer()
            return answer

    def _serve(
        self, answer: _Answer, environ: dict[str, Any], start_response: StartResponse
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
            answer.done.set()
        start_response(answer.status, answer.headers)
        return [answer.body]


def _recorder(answer: _Answer) -> StartResponse:
    """A start_response that records the status and headers into `answer`."""

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer.status, answer.headers = status, list(headers)

    return start_response
