"""Records control (7.5.3): the list of records read from the records tables of the
effective procedures, kept in step with new issues, lines added by hand, unreadable tables
reported without blocking, batches kept and their disposal, and the retention printed on
the records qms produces."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import Conflict, PermissionDenied, ValidationError
from qms.services.capa import records as capa_records
from qms.services.documents import revisions
from qms.services.records import batches, listing, printing, tables, views
from tests.helpers import act, last_event, new_draft, refused, to_effective, trail_actions
from tests.pinned_clock import TODAY
from tests.services import capa_setup as cs

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"

TABLE_HEAD = (
    "# 7. HỒ SƠ CẦN LƯU\n\n| TT | Tên hồ sơ | Nơi lưu | Thời gian lưu |\n|---|---|---|---|\n"
)


def procedure(*rows: str) -> str:
    return (
        "# 1. Mục đích\n\nQuy định việc đánh giá nội bộ.\n\n" + TABLE_HEAD + "\n".join(rows) + "\n"
    )


FIRST = procedure(
    "| 1 | Kế hoạch đánh giá nội bộ (BM-03-01) | Văn phòng (TKISO) | 05 năm |",
    "| 2 | Danh mục kiểm tra | Hệ thống quản lý tài liệu | 03 năm |",
    "| 3 | Sổ theo dõi chuyên gia | Phòng Nội vụ | Lưu vĩnh viễn |",
)


def body_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def lines(engine: Engine, **filters: str) -> list[views.RecordLineView]:
    with read_session(engine) as session:
        return views.list_view(session, today=TODAY, **filters)


def by_name(engine: Engine) -> dict[str, views.RecordLineView]:
    return {line.name: line for line in lines(engine)}


def publish(engine: Engine, code: str, body: str, **kwargs: str) -> None:
    new_draft(engine, code, body=body, **kwargs)
    to_effective(engine, code)


def reissue(engine: Engine, code: str, body: str) -> None:
    act(
        engine,
        revisions.revise,
        "thu",
        code=code,
        body=body,
        reason="Luật Lưu trữ 2024",
        description="Sửa bảng hồ sơ cần lưu",
    )
    to_effective(engine, code)


# ------------------------------------------------------------------- reading the tables


def test_the_records_tables_of_the_sample_procedures_are_read_whole() -> None:
    read = {}
    for path in sorted(PROCEDURES.glob("*.md")):
        table = tables.records_table(body_of(path))
        assert table.problems == [], path.name
        if table.found:
            read[path.stem] = table.rows
    assert {"QT-01", "QT-02", "QT-03", "QT-04", "QT-05", "QT-06", "QT-07"} <= set(read)
    audit = read["QT-03"]
    assert [row.name for row in audit][4] == "Báo cáo đánh giá nội bộ (BM-03-02)"
    assert audit[4].codes == ("BM-03-02",)
    assert audit[4].retention == tables.Retention("05 năm", years=5)
    assert audit[3].medium == tables.ELECTRONIC  # "Hệ thống quản lý tài liệu"
    assert audit[6].retention == tables.Retention("Đến khi chuyên gia thôi nhiệm vụ + 05 năm")
    assert read["QT-TP-02"][0].retention == tables.Retention("Lưu vĩnh viễn", permanent=True)
    assert read["QT-07"][0].retention == tables.Retention("2 years", years=2)
    # QT-02's table of retention rules (section 5.4) is not taken for its records table.
    assert next(row.name for row in read["QT-02"]) == "Danh mục hồ sơ của UBND quận"
    assert len(read["QT-02"]) == 5


def test_an_unreadable_table_names_its_lines() -> None:
    body = procedure(
        "| 1 | Kế hoạch đánh giá | Văn phòng | 05 năm |",
        "| 2 | Danh mục kiểm tra | Văn phòng |",
        "| 3 |  | Văn phòng | 05 năm |",
        "| 4 | Báo cáo đánh giá | Văn phòng |  |",
    )
    table = tables.records_table(body)
    assert [row.name for row in table.rows] == ["Kế hoạch đánh giá"]
    start = body.split("\n").index("| 1 | Kế hoạch đánh giá | Văn phòng | 05 năm |") + 1
    assert [(p.line, str(p.text)) for p in table.problems] == [
        (start + 1, "the row has 3 cells where the header has 4"),
        (start + 2, "the row names no record"),
        (start + 3, "the row gives no retention period"),
    ]
    no_retention = tables.records_table("# HỒ SƠ CẦN LƯU\n\n| TT | Tên hồ sơ |\n|---|---|\n")
    assert [(p.line, str(p.text)) for p in no_retention.problems] == [
        (3, "the records table has no retention column")
    ]


# ------------------------------------------------------------------ the list and issues


def test_a_new_issue_replaces_its_rows_and_hand_lines_stay(engine: Engine) -> None:
    new_draft(engine, "BM-03-01", title="Kế hoạch đánh giá nội bộ", doc_type="form")
    to_effective(engine, "BM-03-01")
    publish(engine, "QT-03", FIRST, title="Quy trình đánh giá nội bộ")
    act(
        engine, listing.add_line, "thu", name="Sổ công văn đến", retention="10 năm", department="VP"
    )
    shown = by_name(engine)
    plan = shown["Kế hoạch đánh giá nội bộ (BM-03-01)"]
    assert (plan.source, plan.form_code, plan.retention_years, plan.medium) == (
        "QT-03",
        "BM-03-01",
        5,
        "paper",
    )
    assert plan.department == "VP"
    assert plan.process == "QT-03 Quy trình đánh giá nội bộ"
    assert shown["Danh mục kiểm tra"].medium == "electronic"
    assert shown["Sổ theo dõi chuyên gia"].permanent
    act(engine, batches.keep_batch, "thu", line_id=plan.id, year=2019, count=3)

    seen = last_event(engine)
    reissue(
        engine,
        "QT-03",
        procedure(
            "| 1 | Kế hoạch đánh giá nội bộ (BM-03-01) | Văn phòng (TKISO) | 10 năm |",
            "| 2 | Sổ theo dõi chuyên gia | Phòng Nội vụ | Lưu vĩnh viễn |",
            "| 3 | Báo cáo đánh giá nội bộ | Văn phòng | 05 năm |",
        ),
    )
    shown = by_name(engine)
    assert sorted(shown) == [
        "Báo cáo đánh giá nội bộ",
        "Kế hoạch đánh giá nội bộ (BM-03-01)",
        "Sổ công văn đến",
        "Sổ theo dõi chuyên gia",
    ]
    kept = shown["Kế hoạch đánh giá nội bộ (BM-03-01)"]
    assert kept.id == plan.id
    assert kept.retention == "10 năm"
    assert [(b.year, b.due_from) for b in kept.batches] == [(2019, date(2030, 1, 1))]
    assert shown["Sổ công văn đến"].source == ""
    assert "records.from_issue" in trail_actions(engine, seen)
    with engine.connect() as connection:
        payload = connection.execute(
            text("SELECT payload FROM trail_event WHERE action = 'records.from_issue' "
                 "ORDER BY seq DESC LIMIT 1")
        ).scalar_one()  # fmt: skip
    assert "Danh mục kiểm tra" in str(payload)
    assert "Báo cáo đánh giá nội bộ" in str(payload)


def test_an_unreadable_table_is_reported_and_the_issue_still_takes_effect(
    engine: Engine,
) -> None:
    body = procedure(
        "| 1 | Kế hoạch đánh giá nội bộ | Văn phòng | 05 năm |",
        "| 2 | Danh mục kiểm tra | Văn phòng |",
    )
    publish(engine, "QT-03", body)
    with read_session(engine) as session:
        found = listing.problems(session)
        status = session.exec(
            text("SELECT status FROM revision WHERE issue = 1")  # type: ignore[call-overload]
        ).scalar_one()
    line = body.split("\n").index("| 2 | Danh mục kiểm tra | Văn phòng |") + 1
    assert [(p.code, p.issue, p.line, str(p.text)) for p in found] == [
        ("QT-03", 1, line, "the row has 3 cells where the header has 4")
    ]
    assert status == "effective"
    assert [v.name for v in lines(engine)] == ["Kế hoạch đánh giá nội bộ"]


def test_the_page_reads_the_problems_stored_when_each_issue_took_effect(
    engine: Engine,
) -> None:
    """Only tables found unreadable when their issue took effect (or never read then, as
    before an upgrade) are read again for the page; ``fresh`` reads every one."""
    publish(engine, "QT-03", FIRST)
    unreadable = "| 2 | Danh mục kiểm tra | Văn phòng |"
    with engine.begin() as connection:  # the text changed after it took effect
        connection.execute(
            text("UPDATE revision SET body = :b WHERE issue = 1"),
            {"b": FIRST.replace("| 2 | Danh mục kiểm tra | Hệ thống quản lý tài liệu | 03 năm |",
                                unreadable)},
        )  # fmt: skip
    with read_session(engine) as session:
        assert listing.problems(session) == []
        assert [p.code for p in listing.problems(session, fresh=True)] == ["QT-03"]
    with engine.begin() as connection:  # as an issue that took effect before the column
        connection.execute(text("UPDATE revision SET records_problems = NULL"))
    with read_session(engine) as session:
        assert [p.code for p in listing.problems(session)] == ["QT-03"]


def test_a_withdrawn_procedure_leaves_the_list(engine: Engine) -> None:
    publish(engine, "QT-03", FIRST)
    act(engine, revisions.obsolete, "thu", code="QT-03", reason="Gộp vào QT-02")
    assert lines(engine) == []


def test_hand_lines_are_the_coordinators_and_checked(engine: Engine) -> None:
    refused(
        engine,
        PermissionDenied,
        listing.add_line,
        "hung",
        "change the list",
        name="Sổ",
        retention="5 năm",
    )
    refused(engine, ValidationError, listing.add_line, "thu", "retention", name="Sổ", retention=" ")
    refused(
        engine,
        ValidationError,
        listing.add_line,
        "thu",
        "medium",
        name="Sổ",
        retention="5 năm",
        medium="cloud",
    )
    publish(engine, "QT-03", FIRST)
    from_table = lines(engine)[0].id
    refused(
        engine, ValidationError, listing.edit_line, "thu", "QT-03", line_id=from_table, name="X"
    )
    line = act(engine, listing.add_line, "thu", name="Sổ công văn đi", retention="Vĩnh viễn")
    act(engine, listing.edit_line, "thu", line_id=line.id, retention="20 năm", medium="both")
    edited = by_name(engine)["Sổ công văn đi"]
    assert (edited.retention_years, edited.permanent, edited.medium) == (20, False, "both")
    act(engine, listing.remove_line, "thu", line_id=line.id, reason="Trùng dòng khác")
    assert "Sổ công văn đi" not in by_name(engine)
    assert trail_actions(engine)[-3:] == ["records.add", "records.edit", "records.remove"]


# ------------------------------------------------------------------- batches, disposal


def test_disposal_is_refused_within_retention_and_by_the_same_person(engine: Engine) -> None:
    publish(engine, "QT-03", FIRST)
    shown = by_name(engine)
    five = shown["Kế hoạch đánh giá nội bộ (BM-03-01)"].id
    permanent = shown["Sổ theo dõi chuyên gia"].id
    recent = act(engine, batches.keep_batch, "thu", line_id=five, year=2022).id
    old = act(engine, batches.keep_batch, "thu", line_id=five, year=2019, description="3 hộp").id
    forever = act(engine, batches.keep_batch, "thu", line_id=permanent, year=2010).id
    refused(engine, ValidationError, batches.keep_batch, "thu", "year", line_id=five, year=2027)
    refused(engine, PermissionDenied, batches.keep_batch, "lan", "batches", line_id=five, year=2019)
    with read_session(engine) as session:
        assert [b.id for b in views.due(session, today=TODAY)] == [old]

    method = {"method": "Hủy bằng máy hủy giấy", "reference": "QĐ 15/QĐ-UBND"}
    refused(
        engine, Conflict, batches.dispose_batch, "thu", "until", batch_id=recent,
        approved_by="hai", **method,
    )  # fmt: skip
    refused(
        engine, Conflict, batches.dispose_batch, "thu", "permanently", batch_id=forever,
        approved_by="hai", **method,
    )  # fmt: skip
    refused(
        engine, ValidationError, batches.dispose_batch, "thu", "someone other", batch_id=old,
        approved_by="thu", **method,
    )  # fmt: skip
    refused(
        engine, ValidationError, batches.dispose_batch, "thu", "approver or a controller",
        batch_id=old, approved_by="lan", **method,
    )  # fmt: skip
    refused(
        engine, ValidationError, batches.dispose_batch, "thu", "how", batch_id=old,
        approved_by="hai",
    )  # fmt: skip
    seen = last_event(engine)
    act(engine, batches.dispose_batch, "thu", batch_id=old, approved_by="hai", **method)
    assert trail_actions(engine, seen) == ["records.dispose"]
    with read_session(engine) as session:
        assert views.due(session, today=TODAY) == []
        done = next(b for b in views.kept_batches(session, today=TODAY) if b.id == old)
    assert (done.disposed_on, done.disposed_by, done.approved_by, done.method) == (
        TODAY,
        "thu",
        "hai",
        "Hủy bằng máy hủy giấy",
    )
    refused(
        engine, Conflict, batches.dispose_batch, "nam", "was disposed", batch_id=old,
        approved_by="hai", **method,
    )  # fmt: skip
    assert trail_actions(engine).count("records.keep") == 3


# ------------------------------------------------------------------- printed retention


def test_the_list_pdf_and_the_car_record_carry_the_retention(engine: Engine) -> None:
    new_draft(engine, "BM-04-01", title="Phiếu yêu cầu hành động khắc phục", doc_type="form")
    to_effective(engine, "BM-04-01")
    publish(
        engine,
        "QT-04",
        procedure("| 1 | Phiếu yêu cầu hành động khắc phục (BM-04-01) | Văn phòng | 05 năm |"),
        title="Quy trình hành động khắc phục",
    )
    ref = cs.open_complaint(engine)
    with read_session(engine) as session:
        listed = printing.list_pdf(session, language="vi")
        _car, record = capa_records.record_pdf(session, viewer=None, ref=ref, language="en")
    printed = " ".join(cs.pdf_text(listed).split())
    assert "DANH MỤC HỒ SƠ" in printed
    assert "Phiếu yêu cầu hành động khắc phục (BM-04-01)" in printed
    assert "BM-04-01" in printed
    assert "05 năm" in printed
    assert "Giấy" in printed
    assert "Retention: 5 years" in " ".join(cs.pdf_text(record).split())


@pytest.mark.parametrize("kind", ["audit_report", "capa_record"])
def test_no_line_no_retention_printed(engine: Engine, kind: str) -> None:
    with read_session(engine) as session:
        assert views.produced_retention(session, kind, "vi") == ""


def test_rebuild_reads_the_effective_issues_again(engine: Engine) -> None:
    publish(engine, "QT-03", FIRST)
    with engine.begin() as connection:  # as after an upgrade from a version without the list
        connection.execute(text("DELETE FROM record_type"))
    refused(engine, PermissionDenied, listing.rebuild, "hung", "change the list")
    assert act(engine, listing.rebuild, "thu") == []
    assert sorted(by_name(engine)) == [
        "Danh mục kiểm tra",
        "Kế hoạch đánh giá nội bộ (BM-03-01)",
        "Sổ theo dõi chuyên gia",
    ]
