"""Fixes to moto, applied inside the local cloud's process before it serves.

Each patch says what moto does wrong and what AWS does. They are small on purpose: keep
what the client sent, at the model level, so every later read returns it.
"""

from __future__ import annotations


def apply() -> None:
    """Apply every patch (idempotent)."""
