"""Keys that do not fit their columns: SQLite stores them, PostgreSQL refuses the write."""

from types import SimpleNamespace

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.records.fields import Choice
from core.tenancy import plugin_system
from core.testing import column_overflows
from core.workflow import Transition, Workflow, WorkflowEventMixin


class _Base(DeclarativeBase):
    """Models of this test only, kept out of the platform's metadata."""


class _Case(_Base):
    __tablename__ = "overflow_case"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(4))
    status: Mapped[str] = mapped_column(sa.String(8))


class _CaseEvent(WorkflowEventMixin, _Base):
    __tablename__ = "overflow_case_event"
    case_id: Mapped[int] = mapped_column()
    user_id: Mapped[int | None] = mapped_column()  # type: ignore[assignment]


class _CaseSchema(ma.Schema):
    kind = Choice("Kind", {"fire": "Fire", "flooding": "Flooding"})


def _ledger(states: dict[str, str], step: str) -> SimpleNamespace:
    workflow = Workflow(
        object_type="demo.case",
        states=states,
        transitions=[Transition(step, ("open",), "closed", "Close")],
        event_model=_CaseEvent,
        key="case_id",
        summary=lambda obj, label: str(label),
    )
    return SimpleNamespace(
        object_type="demo.case", model=_Case, schema=_CaseSchema, workflow=workflow
    )


def test_a_choice_key_a_state_and_a_step_longer_than_their_columns_are_named():
    found = column_overflows(
        [_ledger({"open": "Open", "closed": "Closed", "withdrawn_early": "?"}, "close_and_archive")]
    )
    assert found == [
        "demo.case.kind: 'flooding' has 8 characters, the column 4",
        "demo.case state: 'withdrawn_early' has 15 characters, the column 8",
        "demo.case state: 'withdrawn_early' has 15 characters, the column 12",
        "demo.case state: 'withdrawn_early' has 15 characters, the column 12",
        "demo.case step: 'close_and_archive' has 17 characters, the column 16",
    ]


def test_keys_that_fit_are_not_reported():
    class Fits(ma.Schema):
        kind = Choice("Kind", {"fire": "Fire"})

    ledger = _ledger({"open": "Open", "closed": "Closed"}, "close")
    ledger.schema = Fits
    assert column_overflows([ledger]) == []


def test_every_installed_ledger_fits_its_columns(app, world):
    with app.test_request_context():
        ledgers = [
            ledger for _name, found in plugin_system().call("jiedao_ledgers") for ledger in found
        ]
        assert len({ledger.module for ledger in ledgers}) >= 6
        assert column_overflows(ledgers) == []
