"""The error an admin route raises to answer with an HTTP status (ecslab.cloud.server
serves the routes; the services it hosts, such as snapshots, raise it)."""

from __future__ import annotations


class AdminError(Exception):
    """Raised by an admin handler to answer with an HTTP error status and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
