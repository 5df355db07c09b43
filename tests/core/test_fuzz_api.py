"""A bounded schemathesis run over the API's own OpenAPI document (issue 12, finding 7).

Every operation of ``/api/v1/openapi.json`` is called through the WSGI app with generated input,
as the district admin through a personal API token, a fixed number of times: no answer may be
a server error, and every answer must be one the document lists — its status code, its content
type and its body's schema. Half of the cases of an operation with a place or a record in its
path name a real one (a record of each ledger is made first), so the answers are not all 404s.
Hypothesis is derandomized and the clock stopped, so a run makes the same calls each time.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.db import db
from tests.plugins.registry.conftest import make_code, make_id

A1, STREET_A, DISTRICT = "110105001001", "110105001", "110105"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 15  # generated cases per operation, and as many again naming real places and records
# Within a path, writes come before reads (so lists have records to show) and deletes last.
METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE"]
PLACES = {"community": A1, "node": DISTRICT, "ref": STREET_A}
# One record of each ledger, made through the API before the run: (plural, path, body); ``{x}``
# in a body is the id of the record made for ledger ``x``.
RECORDS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "units",
        "registry/units",
        {"name": "模糊测试企业", "credit_code": make_code(), "kind": "enterprise"},
    ),
    ("residents", "registry/residents", {"name": "张三", "id_number": make_id()}),
    (
        "households",
        "registry/households",
        {"building": "1号楼", "room": "101", "head_name": "张三"},
    ),
    ("enterprises", "safety/enterprises", {"unit_id": "{units}"}),
    (
        "hazard_sources",
        "safety/hazard_sources",
        {"enterprise_id": "{enterprises}", "name": "液氨罐", "grade": "1"},
    ),
    ("hazards", "safety/hazards", {"description": "配电箱未上锁", "found_on": "2026-06-01"}),
    ("inspections", "safety/inspections", {"done_on": "2026-06-01"}),
    ("trainings", "safety/trainings", {"held_on": "2026-06-01", "title": "消防培训"}),
    ("trainees", "safety/trainings/{trainings}/trainees", {"name": "李四"}),
    ("activities", "safety/activities", {"held_on": "2026-06-01", "title": "安全宣传"}),
    ("accidents", "safety/accidents", {"occurred_on": "2026-06-01"}),
]


@pytest.fixture
def district_admin_token(app, world, jiedao_clock) -> Iterator[tuple[str, dict[str, int]]]:
    """A personal API token of the district admin, with every plugin module on in A1 and one
    record of each ledger there; the token and the records' ids by ledger."""
    from core.accounts.services import issue_token
    from tenants import modules

    jiedao_clock("2026-06-15T10:00:00+08:00")
    with app.app_context():
        modules.enable(db.session, world.node(A1), "safety")
        token = issue_token(db.session, world.user("d_admin"), "fuzz")
        ids = {"users": world.user("worker").id}
        db.session.commit()
    client = app.test_client()
    for plural, path, body in RECORDS:
        filled = {k: ids[v[1:-1]] if str(v).startswith("{") else v for k, v in body.items()}
        made = client.post(
            f"/api/v1/c/{A1}/{path.format(**ids)}",
            json=filled,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert made.status_code == 201, (plural, made.get_json())
        ids[plural] = made.get_json()["id"]
    yield token, ids


def _real_path(operation: Any, ids: dict[str, int]) -> list[dict[str, Any]]:
    """Path parameters naming real places and records for ``operation``: one set per ledger
    its path can name (``{plural}``, ``{owners}``), or the ledger named just before
    ``{record_id}``."""
    names = {parameter.name for parameter in operation.path_parameters}
    fixed = {k: v for k, v in PLACES.items() if k in names}
    if "user_id" in names:
        fixed["user_id"] = ids["users"]
    if "record_id" not in names:
        return [fixed] if fixed else []
    segments = operation.path.split("/")
    before = segments[segments.index("{record_id}") - 1]
    if before.startswith("{"):
        key = before[1:-1]
        enum = operation.path_parameters.get(key).definition["schema"]["enum"]
        plurals = [plural for plural in enum if plural in ids]
        return [{**fixed, key: p, "record_id": ids[p]} for p in plurals]
    return [{**fixed, "record_id": ids[before]}] if before in ids else [fixed]


@dataclass
class Run:
    """What the run saw: the answers' status codes by operation, and each distinct failure."""

    headers: dict[str, str]
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return sum(sum(counts.values()) for counts in self.statuses.values())

    def fuzz(self, operation: Any, strategy: st.SearchStrategy, examples: int) -> None:
        """Call ``operation`` with ``examples`` cases of ``strategy``, checking each answer."""
        seen: set[str] = set()
        statuses = self.statuses.setdefault(operation.label, Counter())

        @given(case=strategy)
        @settings(
            max_examples=examples,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            try:
                response = case.call(headers=self.headers)
            except Exception as exc:  # the app raised through the test client: a 500
                statuses[500] += 1
                found = [f"raised {type(exc).__name__}: {exc}"]
            else:
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=self.headers)
                    return
                except (Failure, FailureGroup) as exc:
                    group = exc.exceptions if isinstance(exc, FailureGroup) else [exc]
                    found = [
                        f"[{response.status_code}] {f.title}: {f.message[:1200]}" for f in group
                    ]
            for text in found:
                if text[:80] not in seen:
                    seen.add(text[:80])
                    sent = f"{case.path_parameters} {case.query} {case.body!r:.300}"
                    self.failures.append(f"{operation.label} {sent}\n{text}")

        call()


def test_every_operation_answers_as_its_document_says(app, district_admin_token):
    token, ids = district_admin_token
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    run = Run(headers={"Authorization": f"Bearer {token}"})
    started = time.monotonic()
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: (op.path, METHODS.index(op.method.upper())),
    )
    for operation in operations:
        real = _real_path(operation, ids)
        strategy = operation.as_strategy()
        if real:
            named = (operation.as_strategy(path_parameters=path) for path in real)
            strategy = st.one_of(strategy, *named)
        run.fuzz(operation, strategy, EXAMPLES * (2 if real else 1))
    took = time.monotonic() - started
    for label, statuses in run.statuses.items():
        print(label, dict(sorted(statuses.items())))
    print(f"{len(operations)} operations, {run.calls} calls, {took:.1f} s")
    assert not run.failures, "\n\n".join(run.failures)
