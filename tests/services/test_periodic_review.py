"""Periodic review and the currency check of external documents."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import PermissionDenied, ValidationError
from qms.services.documents import register as documents
from qms.services.documents import revisions
from qms.services.people import organisation
from tests.helpers import act, effective_document, new_draft, snapshot, to_effective
from tests.pinned_clock import days_from_today


def test_add_months_clamps_to_month_end() -> None:
    assert documents.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert documents.add_months(date(2024, 11, 15), 14) == date(2026, 1, 15)


def due_codes(engine: Engine, within: int = 30) -> list[tuple[str, str, bool]]:
    with read_session(engine) as session:
        return [
            (i.document.code, i.kind, i.overdue)
            for i in documents.review_due(session, within_days=within)
        ]


def test_review_falls_due_after_the_interval_and_is_recorded(engine: Engine) -> None:
    effective_document(engine)
    assert due_codes(engine) == []
    with read_session(engine) as session:
        today = organisation.today(session)
    with engine.begin() as connection:  # thirteen months pass
        connection.execute(
            text("UPDATE document SET last_reviewed_on = :d"),
            {"d": documents.add_months(today, -13)},
        )
    assert due_codes(engine) == [("QT-01", "periodic review", True)]
    with pytest.raises(PermissionDenied):
        act(engine, documents.record_periodic_review, "lan", code="QT-01", note="ok")
    before = snapshot(engine)
    with pytest.raises(ValidationError, match="say what the review found") as refused:
        act(engine, documents.record_periodic_review, "thu", code="QT-01", note=" ")
    assert (refused.value.field, refused.value.option) == ("note", "--note")
    assert snapshot(engine) == before
    act(engine, documents.record_periodic_review, "thu", code="QT-01", note="Vẫn phù hợp")
    assert due_codes(engine) == []
    assert due_codes(engine, within=400) == [("QT-01", "periodic review", False)]


def test_external_document_currency_check(engine: Engine) -> None:
    act(
        engine,
        revisions.create_document,
        "thu",
        code="QD-19",
        title="Quyết định 19/2014/QĐ-TTg",
        doc_type="external",
        department="VP",
        body="Áp dụng TCVN ISO 9001 vào hoạt động của cơ quan hành chính nhà nước.",
        review_interval_months=6,
        external={
            "issuer": "Thủ tướng Chính phủ",
            "external_ref": "19/2014/QĐ-TTg",
            "external_version": "2014",
            "checked_current_on": days_from_today(-200),
        },
    )
    to_effective(engine, "QD-19")
    assert due_codes(engine) == [("QD-19", "currency check", True)]
    act(engine, documents.record_periodic_review, "thu", code="QD-19", note="Còn hiệu lực")
    with read_session(engine) as session:
        doc = documents.get_document(session, "QD-19")
        assert doc.checked_current_on == organisation.today(session)
        assert (doc.issuer, doc.external_ref) == ("Thủ tướng Chính phủ", "19/2014/QĐ-TTg")
    assert due_codes(engine) == []


def test_a_draft_has_no_review_due(engine: Engine) -> None:
    new_draft(engine)
    assert due_codes(engine, within=10_000) == []
    with pytest.raises(ValidationError, match="no effective issue"):
        act(engine, documents.record_periodic_review, "thu", code="QT-01", note="x")
