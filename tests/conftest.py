"""Shared pytest configuration: fixtures live in small modules named after what they provide."""

pytest_plugins = ["fixtures_cloud", "fixtures_stack", "fixtures_workers"]
