"""URL builders compiled on first use (core.routing): every rule of the app builds the same URLs
as Werkzeug's eagerly compiled rule would, and the private method it overrides is still there."""

from __future__ import annotations

import re

import pytest
from flask import Flask, url_for
from werkzeug.routing import AnyConverter, Map, PathConverter, Rule

from core import routing
from core.routing import LazyBuilderRule


def _value(converter) -> object:
    """A value the converter accepts for building."""
    if isinstance(converter, AnyConverter):
        return re.findall(r"[^(?:|)]+", converter.regex)[0]
    if isinstance(converter, PathConverter):
        return "a/b c"
    if converter.regex.startswith(r"\d") or "\\d" in converter.regex:
        return 7
    return "x 1/é"


def _eager(rule: Rule, app) -> Rule:
    """The same rule as Werkzeug builds it, in a map of its own with the app's converters."""
    copy = Rule(rule.rule, **rule.get_empty_kwargs())
    Map([copy], converters=app.url_map.converters)
    return copy


def test_werkzeug_still_has_the_method_the_lazy_rule_overrides():
    assert routing.LAZY_BUILDERS, "werkzeug.routing.Rule._compile_builder is gone: see core/routing"
    assert routing.rule_class() is LazyBuilderRule


def test_without_the_private_method_the_app_keeps_werkzeugs_rules(monkeypatch):
    monkeypatch.setattr(routing, "LAZY_BUILDERS", False)
    assert routing.rule_class() is Rule


def test_every_rule_builds_the_urls_werkzeug_builds(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    assert len(rules) > 100 and all(isinstance(r, LazyBuilderRule) for r in rules)
    for rule in rules:
        values = {name: _value(c) for name, c in rule._converters.items()}
        eager = _eager(rule, app)
        extra = {**values, "page": 2, "q": "王 芳"}  # unknown arguments go to the query string
        assert rule.build(values, append_unknown=False) == eager.build(values, False), rule
        assert rule.build(extra) == eager.build(extra), rule
        assert rule.build(extra) != rule.build(values, append_unknown=False) or not values


def test_a_builder_is_compiled_at_its_first_use_and_kept():
    app = Flask(__name__)
    app.url_rule_class = routing.rule_class()
    app.add_url_rule("/n/<ref>/rows/<int:row>", "row", lambda ref, row: "")
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "row")
    assert rule._build_unknown.__name__ == "first_call"  # not compiled when added
    with app.test_request_context():
        first = url_for("row", ref="a b", row=3, page=2)
        compiled = rule._build_unknown
        assert compiled.__name__ != "first_call"
        assert url_for("row", ref="a b", row=3, page=2) == first == "/n/a%20b/rows/3?page=2"
        assert rule._build_unknown is compiled
        assert rule._build.__name__ == "first_call"  # the other builder waits for its own use


@pytest.mark.parametrize("values", [{}, {"next": "/n/1"}])
def test_url_for_answers_as_before(app, values):
    with app.test_request_context():
        assert (
            url_for("accounts.login", **values)
            == _eager(
                next(r for r in app.url_map.iter_rules() if r.endpoint == "accounts.login"), app
            ).build(values)[1]
        )
