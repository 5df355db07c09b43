"""Imports its models only when asked (through jiedao_models) — the prefix check still sees them."""

from types import SimpleNamespace

from core.plugins import Manifest


def _models():
    from tests.fixture_plugins import lazy_models_tables

    return [lazy_models_tables]


plugin = SimpleNamespace(
    manifest=Manifest(name="lazy_models", label="x", version="1"), jiedao_models=_models
)
