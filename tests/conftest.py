"""Shared fixtures. Fixture modules live in tests/fixtures/ and are registered here."""

pytest_plugins = [
    "tests.fixtures.services",
    "tests.fixtures.factories",
    "tests.fixtures.sandbox",
    "tests.fixtures.worker",
]
