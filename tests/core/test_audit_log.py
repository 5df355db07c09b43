"""The audit log: summaries in the reader's language, labelled actions, filters and links that
never reach outside the reader's subtree, export, retention."""

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from core import audit
from core.db import db
from core.models import AuditLog

A1 = "110105001001"


def test_a_lazy_summary_is_kept_as_its_message_and_shown_in_each_readers_language(app, world):
    with app.test_request_context():
        role = _l("Street admin")
        entry = audit.record(
            "assignment.create",
            node=world.node(A1).as_ref(),
            summary=_l(
                "Gave %(user)s the role %(role)s at %(place)s",
                user="li",
                role=role,
                place="永安里东社区",
            ),
        )
        db.session.commit()
        assert entry.message == "Gave %(user)s the role %(role)s at %(place)s"
        assert entry.params == {
            "user": "li",
            "role": {"msgid": "Street admin"},
            "place": "永安里东社区",
        }
        with force_locale("en"):
            assert audit.summary_of(entry) == "Gave li the role Street admin at 永安里东社区"
        with force_locale("zh_Hans_CN"):
            assert audit.summary_of(entry) == entry.summary
            assert "街道管理员" in audit.summary_of(entry)


def test_an_entry_with_plain_text_keeps_its_text_in_every_language(app, world):
    with app.test_request_context():
        entry = audit.record("node.update", node=world.node(A1).as_ref(), summary="修改了楼栋")
        db.session.commit()
        assert entry.message is None
        with force_locale("en"):
            assert audit.summary_of(entry) == "修改了楼栋"
        # An old row whose message lost a parameter shows its text, never an error.
        stored = db.session.scalar(sa.select(AuditLog).where(AuditLog.id == entry.id))
        stored.message, stored.params = "Created account %(name)s", {}
        with force_locale("en"):
            assert audit.summary_of(stored) == "修改了楼栋"
