"""Plugins the test suite installs through entry points (see tests/conftest.py: TEST_PLUGINS).

``ledger`` is a small, well-behaved plugin with a table, a migration branch, pages, API, settings,
an indicator, an export and lifecycle hooks; ``ledger_extra`` depends on it; the others are broken
on purpose, each in one way.
"""
