"""Fixtures that share one applied chapter-9 stack across the tests that need it."""
