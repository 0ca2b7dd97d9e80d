"""The yearly papers of a public body and the leaders' dashboard: the report's figures
counted from the year's data and printed as a Vietnamese administrative report, the
conformity decision re-issued (new number) when the scope changes, the refusals, and the
dashboard's counts."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import Conflict, NotFound, PermissionDenied, ValidationError
from qms.services.documents import register as documents
from qms.services.objectives import results
from qms.services.people import users
from qms.services.yearly import conformity, dashboard, drafts, report
from tests.helpers import act, effective_document, refused, revise, to_effective, trail_actions
from tests.services import objectives_setup as obj
from tests.services import review_setup
from tests.services.capa_setup import open_complaint, pass_days, pdf_text, plan_mc, planned

TEXTS = {
    "difficulties": "Cán bộ một cửa kiêm nhiệm nhiều việc",
    "proposals": "Đề nghị tập huấn đánh giá nội bộ cho cán bộ cấp quận",
    "legal_bases": (
        "Căn cứ Nghị định số 31/2023/NĐ-CP ngày 09 tháng 6 năm 2023 của Chính phủ;\n"
        "Theo đề nghị của Chánh Văn phòng HĐND và UBND quận."
    ),
    "recipients": "Sở Khoa học và Công nghệ\nThường trực Quận ủy",
    "place": "Hồng Hà",
    "signer": "Nguyễn Văn Minh",
}


def save(engine: Engine, actor: str = "thu", year: int = 2026, **texts: str) -> None:
    act(engine, drafts.save_draft, actor, year=year, texts=texts)


def year_of_work(engine: Engine) -> None:
    """2026: two procedures issued and one revised, one-stop-desk figures for a quarter
    (3 dossiers late in August, under the threshold that opens a nonconformity), an
    approved objective met, a complaint recorded as a nonconformity."""
    effective_document(engine, "QT-01")
    effective_document(engine, "QT-02")
    revise(engine, "QT-01")
    to_effective(engine, "QT-01")
    obj.import_stats(engine, obj.csv_bytes(obj.quarter(late={"2026-08": 3})))
    ref = obj.approved(engine)
    act(engine, results.record_result, "hung", ref=ref, period="2026-Q3", value=99)
    open_complaint(engine)


def test_the_yearly_report_prints_the_years_figures_as_a_vietnamese_report(
    engine: Engine,
) -> None:
    year_of_work(engine)
    save(engine, **TEXTS)
    with read_session(engine) as session:
        figures = report.report_data(session, year=2026, language="vi").figures
    assert (figures.documents_issued, figures.documents_revised) == (2, 1)
    assert (figures.objectives_total, figures.objectives_met) == (1, 1)
    assert (figures.dossiers_resolved, figures.dossiers_late) == (183, 3)
    assert figures.on_time_rate == 98.36
    assert (figures.ncs_opened, figures.ncs_closed) == (1, 0)
    data = act(engine, report.issue_report, "thu", year=2026, language="vi")
    assert trail_actions(engine)[-1] == "yearly.report"
    words = " ".join(pdf_text(data).split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ",
        "Số: …/BC-UBND",
        "Hồng Hà, ngày 04 tháng 12 năm 2026",
        "BÁO CÁO",
        "Kính gửi: Sở Khoa học và Công nghệ",
        "Tài liệu ban hành mới: 2; sửa đổi: 1; thu hồi: 0.",
        "Mục tiêu chất lượng đạt: 1/1.",
        "Hồ sơ đã giải quyết: 183, đúng hạn: 98,36%; hồ sơ trễ hạn: 3.",
        "1.001193 - Thủ tục 1.001193",
        "Cán bộ một cửa kiêm nhiệm nhiều việc",
        "Đề nghị tập huấn đánh giá nội bộ",
        "Nơi nhận:",
        "CHỦ TỊCH",
        "Nguyễn Văn Minh",
    ):
        assert expected in words, expected


def test_the_report_lists_the_management_reviews_held_in_the_year(engine: Engine) -> None:
    """A year without a review says so; a review whose meeting started is listed with its
    reference and chair, one only planned is not."""
    year_of_work(engine)
    words = " ".join(
        pdf_text(act(engine, report.issue_report, "thu", year=2026, language="vi")).split()
    )
    assert "Trong năm không tổ chức họp xem xét của lãnh đạo." in words
    held = review_setup.started(engine)
    only_planned = review_setup.plan(engine)
    with read_session(engine) as session:
        shown = report.report_data(session, year=2026).management_reviews
    assert [(r.ref, r.chair) for r in shown] == [(held, "Trần Thanh Hải")]
    words = " ".join(
        pdf_text(act(engine, report.issue_report, "thu", year=2026, language="vi")).split()
    )
    assert held in words
    assert "Trần Thanh Hải" in words
    assert only_planned not in words
    assert "Trong năm không tổ chức họp xem xét của lãnh đạo." not in words


def test_a_scope_change_issues_a_new_numbered_decision_and_keeps_the_earlier(
    engine: Engine,
) -> None:
    obj.import_stats(engine, obj.csv_bytes(obj.quarter()))
    save(engine, **TEXTS)
    first = act(engine, conformity.issue_decision, "thu")
    assert (first.ref, first.issued_on, first.replaces) == ("01/QĐ-UBND", date(2026, 12, 4), "")
    assert first.procedures == ("1.001193 - Thủ tục 1.001193",)
    refused(
        engine, Conflict, conformity.issue_decision, "thu", "has not changed since decision 01/QĐ"
    )
    save(engine, activities="Quản lý văn bản đi, đến\nTiếp công dân")
    second = act(engine, conformity.issue_decision, "thu")
    assert (second.ref, second.replaces) == ("02/QĐ-UBND", "01/QĐ-UBND")
    assert len(second.procedures) == 3
    assert trail_actions(engine)[-1] == "yearly.decision"
    with read_session(engine) as session:
        assert [d.ref for d in conformity.history(session)] == ["02/QĐ-UBND", "01/QĐ-UBND"]
        _, new = conformity.decision_pdf(session, language="vi")
        _, old = conformity.decision_pdf(session, year=2026, number=1, language="vi")
        with pytest.raises(NotFound):
            conformity.decision_pdf(session, year=2026, number=3)
    new_words, old_words = (" ".join(pdf_text(d).split()) for d in (new, old))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 02/QĐ-UBND",
        "QUYẾT ĐỊNH",
        "Căn cứ Nghị định số 31/2023/NĐ-CP",
        "QUYẾT ĐỊNH:",
        "Điều 1.",
        "TCVN ISO 9001:2015",
        "thay thế Quyết định số 01/QĐ-UBND (04/12/2026)",
        "Điều 3.",
        "CHỦ TỊCH",
        "PHỤ LỤC",
        "Tiếp công dân",
    ):
        assert expected in new_words, expected
    assert "Số: 01/QĐ-UBND" in old_words
    assert "Tiếp công dân" not in old_words


def test_refusals_leave_the_database_unchanged(engine: Engine) -> None:
    refused(engine, ValidationError, conformity.issue_decision, "thu", "the scope is empty")
    refused(engine, ValidationError, report.issue_report, "thu", "no data for 2026", year=2026)
    effective_document(engine, "QT-01")
    refused(engine, ValidationError, report.issue_report, "thu", "2027 has not begun", year=2027)
    refused(engine, ValidationError, report.issue_report, "thu", "no data for 2025", year=2025)
    refused(engine, PermissionDenied, report.issue_report, "hai", "controller", year=2026)
    refused(engine, PermissionDenied, conformity.issue_decision, "lan", "controller")
    refused(
        engine,
        PermissionDenied,
        drafts.save_draft,
        "hung",
        "controller",
        year=2026,
        texts={"difficulties": "x"},
    )
    refused(
        engine,
        ValidationError,
        drafts.save_draft,
        "thu",
        "2027 has not begun",
        year=2027,
        texts={"difficulties": "x"},
    )
    refused(
        engine,
        ValidationError,
        drafts.save_draft,
        "thu",
        "one line",
        year=2026,
        texts={"place": "Hồng\nHà"},
    )


def test_a_draft_keeps_what_is_not_changed_and_goes_on_the_trail(engine: Engine) -> None:
    save(engine, difficulties="Thiếu người", proposals="Tập huấn")
    save(engine, proposals="Bổ sung biên chế")
    save(engine, proposals="Bổ sung biên chế")  # no change, no event
    with read_session(engine) as session:
        kept = drafts.draft_of(session, 2026)
    assert (kept.difficulties, kept.proposals) == ("Thiếu người", "Bổ sung biên chế")
    assert trail_actions(engine)[-2:] == ["yearly.draft", "yearly.draft"]
    assert trail_actions(engine).count("yearly.draft") == 2


def test_the_dashboard_counts_match_the_data(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    effective_document(engine, "QT-02")
    with engine.begin() as connection:  # QT-01 was last reviewed a year and a half ago
        connection.execute(
            text("UPDATE document SET last_reviewed_on = :d WHERE code = 'QT-01'"),
            {"d": date(2025, 6, 1)},
        )
    overdue = planned(engine)
    pass_days(engine, "capa_action", "due_date", 30)
    planned(engine)  # its actions are due in two weeks
    act(engine, drafts.save_draft, "thu", year=2026, texts={})
    plan_mc(engine)
    obj.import_stats(engine, obj.csv_bytes(obj.quarter(late={"2026-10": 4}, months=(10,))))
    met = obj.approved(engine)
    act(engine, results.record_result, "hung", ref=met, period="2026-Q3", value=99)
    missed = obj.approved(engine, indicator="Hồ sơ trả trước hạn")
    act(engine, results.record_result, "hung", ref=missed, period="2026-Q3", value=60)
    with read_session(engine) as session:
        board = dashboard.dashboard(session, viewer=users.get_user(session, "hai"), language="vi")
        due = documents.review_due(session)
        with pytest.raises(PermissionDenied):
            dashboard.dashboard(session, viewer=users.get_user(session, "binh"), language="vi")
    assert overdue
    assert (board.objectives_met, board.objectives_total) == (1, 2)
    assert (board.ncs_open, board.ncs_overdue) == (2, 1)
    assert (board.audits_done, board.audits_planned) == (0, 1)
    assert board.documents_due == len(due) == 1
    assert (board.dossiers_late, board.dossiers_resolved) == (4, 64)
    assert "<svg" in board.objectives_chart
    assert "<script" not in board.objectives_chart
