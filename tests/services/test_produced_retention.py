"""The records qms produces print their retention from the list of records in the running
footer: the audit report (by its form), the management review minutes and the printed
trail (by the record's name in the list, as the sample procedures list them without a
form), read back from the PDFs."""

from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.audits import planning as audits
from qms.services.audits import reports as audit_reports
from qms.services.people import users
from qms.services.records import listing
from qms.services.reviews import meeting
from qms.services.reviews import views as review_views
from qms.services.trail import view as trail_view
from qms.services.trail.view import TrailFilter
from tests.helpers import act, new_draft, to_effective
from tests.seed import PASSWORD
from tests.services import capa_setup as cs
from tests.services.audit_helpers import answer_all
from tests.services.review_setup import conclude_all, started


def printed(data: bytes) -> str:
    return " ".join(cs.pdf_text(data).split())


def test_the_audit_report_prints_the_retention_of_its_form(engine: Engine) -> None:
    new_draft(engine, "BM-03-02", title="Báo cáo đánh giá nội bộ", doc_type="form")
    to_effective(engine, "BM-03-02")
    act(
        engine,
        listing.add_line,
        "thu",
        name="Báo cáo đánh giá nội bộ",
        form_code="BM-03-02",
        retention="05 năm",
        department="VP",
    )
    ref = cs.audit_with_findings(engine, grades=("NC_MINOR",))
    answer_all(engine, ref, skip=(1,), auditor="binh")
    act(engine, audits.conclude, "binh", ref=ref, conclusions="Phù hợp")
    act(engine, audit_reports.report, "binh", ref=ref, password=PASSWORD)
    with read_session(engine) as session:
        binh = users.get_user(session, "binh")
        report = audit_reports.report_pdf(session, viewer=binh, ref=ref)[1]
    assert "Thời gian lưu: 5 năm" in printed(report)


def test_the_signed_minutes_print_the_retention_of_their_line(engine: Engine) -> None:
    act(
        engine,
        listing.add_line,
        "thu",
        name="Biên bản họp  xem xét của lãnh đạo",  # spacing as typed: names are compared by words
        retention="10 năm",
        department="VP",
    )
    ref = started(engine)
    conclude_all(engine, ref)
    act(engine, meeting.sign, "hai", ref=ref, password=PASSWORD)
    with read_session(engine) as session:
        hai = users.get_user(session, "hai")
        minutes = review_views.minutes_pdf(session, viewer=hai, ref=ref)[1]
    assert f"{ref} · Thời gian lưu: 10 năm" in printed(minutes)


def test_the_printed_trail_carries_its_retention_only_when_listed(engine: Engine) -> None:
    with read_session(engine) as session:
        unlisted = trail_view.trail_pdf(session, viewer=None, filters=TrailFilter(), language="vi")
    assert "Thời gian lưu" not in printed(unlisted)
    act(
        engine,
        listing.add_line,
        "thu",
        name="Nhật ký hệ thống",
        retention="Lưu vĩnh viễn",
        department="VP",
        medium="electronic",
    )
    with read_session(engine) as session:
        listed = trail_view.trail_pdf(session, viewer=None, filters=TrailFilter(), language="en")
    assert "Retention: permanent" in printed(listed)
