"""The printed trail's data: the filtered events oldest first, the whole chain's state
and anchor when printed, who may print it, and how many events one print holds."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
from qms.errors import PermissionDenied, ValidationError
from qms.services.people import users
from qms.services.trail import anchors as trail_anchors
from qms.services.trail import chain as trail
from qms.services.trail import view as trail_view
from tests.helpers import drop_guards, effective_document, new_draft

QT01 = trail_view.TrailFilter(entity_id="QT-01")


def test_the_print_holds_the_filtered_events_and_the_chain_at_printing(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    new_draft(engine, "QT-02")
    with read_session(engine) as session:
        printed = trail_view.print_data(session, viewer=None, filters=QT01, language="en")
        everything = list(trail.iter_all(session))
        newest = trail_anchors.take(session)
    wanted = [e for e in everything if e.entity_id.startswith("QT-01")]
    assert [r.seq for r in printed.rows] == [e.seq for e in wanted]  # oldest first
    assert [r.hash for r in printed.rows] == [e.hash for e in wanted]
    # The renderer takes naive UTC times, on PostgreSQL too (which returns them aware).
    assert all(r.at.tzinfo is None for r in printed.rows)
    first = wanted[0].at
    assert printed.rows[0].at == (first.replace(tzinfo=None) if first.tzinfo else first)
    assert printed.filters == (("entity_id", "QT-01"),)
    assert (printed.chain_events, printed.chain_problem) == (len(everything), "")
    assert printed.anchor.startswith(f'{{"seq": {newest.seq}, "hash": "{newest.hash}"')
    assert printed.language == "en"


def test_long_details_are_shortened_for_print(engine: Engine) -> None:
    with write_session(engine) as session:
        trail.record(session, actor="admin", action="bulk.note", entity="bulk", entity_id="1",
                     payload={"reason": "Nội dung rất dài. " * 100})  # fmt: skip
        session.commit()
    with read_session(engine) as session:
        bulk = trail_view.TrailFilter(entity="bulk")
        bulk_print = trail_view.print_data(session, viewer=None, filters=bulk, language="vi")
        (row,) = bulk_print.rows
    # Cut at a word boundary within the limit, whitespace collapsed, with an ellipsis.
    assert (
        trail_view.PRINTED_DETAIL_CHARS // 2 < len(row.details) <= trail_view.PRINTED_DETAIL_CHARS
    )
    full = "lý do: " + "Nội dung rất dài. " * 100
    cut = row.details.removesuffix("…")
    assert row.details.endswith("…")
    assert full.startswith(cut)
    assert full[len(cut)] in " ."


def test_the_print_names_actions_records_and_details_in_the_readers_words(
    engine: Engine,
) -> None:
    effective_document(engine, "QT-01")
    with read_session(engine) as session:
        vietnamese = trail_view.print_data(session, viewer=None, filters=QT01, language="vi")
        english = trail_view.print_data(session, viewer=None, filters=QT01, language="en")
    registered = next(r for r in vietnamese.rows if r.action == "đăng ký tài liệu")
    assert registered.entity == "tài liệu"
    assert "mã hiệu: QT-01; phòng ban: VP; ngôn ngữ: vi" in registered.details
    assert "tên tài liệu: Quy trình kiểm soát tài liệu; loại: Quy trình" in registered.details
    assert not registered.details.startswith("{")
    published = next(r for r in vietnamese.rows if r.action == "ban hành (có hiệu lực)")
    assert published.entity == "lần ban hành"
    assert "trạng thái: Đã phê duyệt → Có hiệu lực" in published.details
    assert {r.action for r in english.rows} >= {"document registered", "published (took effect)"}
    assert "status: Approved → Effective" in next(
        r.details for r in english.rows if r.action == "published (took effect)"
    )


def test_a_broken_chain_is_printed_with_its_first_problem(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE trail_event SET actor = 'mallory' WHERE seq = 2"))
    with read_session(engine) as session:
        printed = trail_view.print_data(session, viewer=None, filters=QT01, language="vi")
    assert printed.chain_problem.startswith("sự kiện 2 (department.create department VP)")


def test_only_admins_and_auditors_print_the_trail(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    with read_session(engine) as session:
        for name in ("admin", "binh"):
            viewer = users.get_user(session, name)
            assert trail_view.print_data(session, viewer=viewer, filters=QT01).rows
        with pytest.raises(PermissionDenied, match="thu cannot read the audit trail"):
            trail_view.print_data(session, viewer=users.get_user(session, "thu"), filters=QT01)


def test_a_print_holds_at_most_a_thousand_events(engine: Engine) -> None:
    with write_session(engine) as session:
        for n in range(trail_view.MAX_PRINTED_EVENTS + 1):
            trail.record(
                session,
                actor="admin",
                action="bulk.note",
                entity="bulk",
                entity_id=f"bulk.{n}",
                payload={"new": n},
            )
        session.commit()
    with read_session(engine) as session:
        bulk = trail_view.TrailFilter(entity="bulk")
        with pytest.raises(ValidationError, match="1,001 events match; a printed trail holds"):
            trail_view.print_data(session, viewer=None, filters=bulk)
        fewer = trail_view.TrailFilter(entity="bulk", entity_id="bulk.99")  # 99, 990-999
        assert len(trail_view.print_data(session, viewer=None, filters=fewer).rows) == 11


def test_the_trail_pdf_is_the_print_rendered(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    with read_session(engine) as session:
        pdf = trail_view.trail_pdf(session, viewer=None, filters=QT01, language="vi")
    printed = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "NHẬT KÝ HỆ THỐNG" in printed
    assert "Chuỗi nhật ký nguyên vẹn khi in" in printed
