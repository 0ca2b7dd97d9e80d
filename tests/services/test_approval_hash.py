"""The approver signs exactly what they were shown: an approval that names the content
hash of another text is refused by the service, whichever adapter sends it."""

from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import ValidationError
from qms.services.documents import register as documents
from qms.services.documents import revisions
from tests.helpers import act, new_draft, refused, statuses
from tests.seed import PASSWORD


def _in_review(engine: Engine) -> str:
    new_draft(engine, "QT-01")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    with read_session(engine) as session:
        return documents.revisions_of(session, documents.get_document(session, "QT-01"))[
            -1
        ].content_hash


def test_approval_of_another_text_is_refused_and_changes_nothing(engine: Engine) -> None:
    shown = _in_review(engine)
    refused(engine, ValidationError, revisions.approve, "hai", "changed after you opened it",
            code="QT-01", password=PASSWORD, content_hash="0" * 64)  # fmt: skip
    act(engine, revisions.approve, "hai", code="QT-01", password=PASSWORD, content_hash=shown)
    assert statuses(engine, "QT-01") == {1: "approved"}
