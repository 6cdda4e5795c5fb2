"""Fixtures that start a local cloud of the tests' own (owned by the control-plane work)."""
