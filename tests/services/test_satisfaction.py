"""Citizen satisfaction (9.1.2): surveys on form BM-MC-01's scale imported per respondent
(XLSX) or counted per question (CSV), the satisfaction rate per field and period, the
objectives it feeds, bad files refused whole, and complaints that become nonconformities."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import Conflict, PermissionDenied, ValidationError
from qms.services.capa import views as capa_views
from qms.services.desk import feedback, mapping, rates, satisfaction
from qms.services.objectives import views
from tests.helpers import act, refused, snapshot
from tests.services import objectives_setup as obj

QUESTIONS = ["Câu 1", "Câu 2", "Đánh giá chung"]
RESPONDENT_HEADERS = ["Kỳ báo cáo", "Lĩnh vực", "Số phiếu", *QUESTIONS]


def counted(period: str = "2026-Q3", field: str = "Đất đai") -> list[list[Any]]:
    return [
        [period, field, "Câu 1", 30, 15, 4, 1],
        [period, field, "Câu 2", 20, 20, 6, 4],
        [period, field, "Đánh giá chung", 25, 20, 5, 0],
    ]


def test_counted_answers_give_the_satisfaction_rate_and_feed_an_objective(engine: Engine) -> None:
    ref = obj.approved(
        engine, indicator="Người dân hài lòng", target=90, measure="satisfaction_rate",
        scope_kind="field", scope_value="Đất đai",
    )  # fmt: skip
    result = obj.import_survey(
        engine, obj.csv_bytes(counted() + counted(field="Xây dựng"), obj.SURVEY_HEADERS)
    )
    assert (result.rows, result.periods, result.results) == (6, ["2026-Q3"], [f"{ref} 2026-Q3"])
    with read_session(engine) as session:
        table = rates.satisfaction_table(session, year=2026)
        shown = views.objective_view(session, ref).results
    # 75 + 55 satisfied answers of 150 per field.
    assert [(r.period, r.field, r.answers, r.satisfied, r.rate) for r in table] == [
        ("2026-Q3", "Xây dựng", 150, 130, 86.67),
        ("2026-Q3", "Đất đai", 150, 130, 86.67),
    ]
    assert [(r.period, r.value, r.met) for r in shown] == [("2026-Q3", 86.67, False)]


def test_answers_per_respondent_are_counted_on_the_forms_scale(engine: Engine) -> None:
    rows = [
        ["2026-07", "Tư pháp - Hộ tịch", "001", "Rất hài lòng", "Hài lòng", "Rất hài lòng"],
        ["2026-07", "Tư pháp - Hộ tịch", "002", 1, 4, 2],
        ["2026-08", "Tư pháp - Hộ tịch", "001", "hài lòng", "", "Bình thường"],
    ]
    result = obj.import_survey(
        engine, obj.xlsx_bytes(rows, RESPONDENT_HEADERS), filename="phieu.xlsx"
    )
    assert (result.rows, result.periods) == (3, ["2026-07", "2026-08"])
    with read_session(engine) as session:
        table = rates.satisfaction_table(session, year=2026)
    # 8 answers (one left blank), 6 at "Rất hài lòng" or "Hài lòng".
    assert [(r.period, r.field, r.answers, r.satisfied, r.rate) for r in table] == [
        ("2026-Q3", "Tư pháp - Hộ tịch", 8, 6, 75.0),
    ]


def test_a_mapping_file_sets_another_scale(engine: Engine) -> None:
    text = """
satisfaction:
  scale: {levels: ["Tốt", "Khá", "Kém"], satisfied: ["Tốt"]}
"""
    survey = mapping.parse(text, filename="thang-do.yaml").satisfaction
    rows = [["2026-Q2", "Kinh doanh", "Câu 1", 8, 1, 1]]
    obj.import_survey(
        engine,
        obj.csv_bytes(rows, ["Kỳ báo cáo", "Lĩnh vực", "Câu hỏi", "Tốt", "Khá", "Kém"]),
        mapping=survey,
    )
    with read_session(engine) as session:
        assert [r.rate for r in rates.satisfaction_table(session, year=2026)] == [80.0]


def test_the_same_survey_imports_once(engine: Engine) -> None:
    data = obj.csv_bytes(counted(), obj.SURVEY_HEADERS)
    obj.import_survey(engine, data)
    before = snapshot(engine)
    assert obj.import_survey(engine, data).already is True
    assert snapshot(engine) == before
    refused(
        engine, ValidationError, satisfaction.import_survey, "thu",
        "khac.csv: the survey of Đất đai for 2026-Q3 was already imported from khao-sat.csv",
        data=obj.csv_bytes(counted()[:1], obj.SURVEY_HEADERS), filename="khac.csv",
        max_bytes=obj.MAX_BYTES,
    )  # fmt: skip


BAD_SURVEYS = [
    (RESPONDENT_HEADERS, [["2026-07", "Đất đai", "1", "Tuyệt vời", "", ""]], "row 2, column Câu 1: 'Tuyệt vời' is not on the scale"),
    (RESPONDENT_HEADERS, [["2026-07", "Đất đai", "1", 1, 1, 1], ["2026-07", "Đất đai", "1", 2, 2, 2]], "row 3, column Số phiếu: repeats row 2"),
    (RESPONDENT_HEADERS, [["2027-Q1", "Đất đai", "1", 1, 1, 1]], "row 2, column Kỳ báo cáo: the period 2027-Q1 is in the future"),
    (RESPONDENT_HEADERS, [["", "Đất đai", "1", 1, 1, 1]], "row 2, column Kỳ báo cáo: the period is missing"),
    (obj.SURVEY_HEADERS, [["2026-Q3", "Đất đai", "Câu 1", 3, -1, 0, 0]], "row 2, column Hài lòng: the count -1 is negative"),
    (obj.SURVEY_HEADERS, [["2026-Q3", "Đất đai", "Câu 1", 3, "ba", 0, 0]], "row 2, column Hài lòng: 'ba' is not a whole number"),
    (obj.SURVEY_HEADERS, [*counted(), counted()[1]], "row 5, column Câu hỏi: repeats row 3"),
    ([*obj.SURVEY_HEADERS, "Rất không hài lòng"], counted(), "row 1: unknown column Rất không hài lòng"),
]  # fmt: skip


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(("headers", "rows", "message"), BAD_SURVEYS)
def test_a_bad_survey_is_refused_whole_naming_the_row_and_column(
    engine: Engine, kind: str, headers: list[str], rows: list[list[Any]], message: str
) -> None:
    data = obj.csv_bytes(rows, headers) if kind == "csv" else obj.xlsx_bytes(rows, headers)
    refused(
        engine, ValidationError, satisfaction.import_survey, "thu", f"khao-sat.{kind}, {message}",
        data=data, filename=f"khao-sat.{kind}", max_bytes=obj.MAX_BYTES,
    )  # fmt: skip


def test_a_complaint_is_recorded_and_becomes_a_nonconformity_once(engine: Engine) -> None:
    item = act(
        engine, feedback.record_feedback, "lan", kind="complaint", received_on=date(2026, 10, 12),
        department="TP", summary="Phải đi lại ba lần để bổ sung hồ sơ khai sinh",
        channel="Hòm thư góp ý", field="Tư pháp - Hộ tịch",
    )  # fmt: skip
    assert item.ref == "PA-2026-001"
    refused(
        engine, PermissionDenied, feedback.raise_nonconformity, "lan", "needs a controller",
        ref=item.ref,
    )  # fmt: skip
    car = act(engine, feedback.raise_nonconformity, "mai", ref=item.ref)
    refused(engine, Conflict, feedback.raise_nonconformity, "thu", "already became", ref=item.ref)
    with read_session(engine) as session:
        record = capa_views.detail(session, viewer=None, ref=car)
        listed = feedback.list_feedback(session, year=2026)
    assert (record.source, record.department, record.clause) == ("complaint", "TP", "9.1.2")
    assert "Phải đi lại ba lần" in record.description
    assert [(f.ref, f.kind, f.department, f.recorded_by, f.nonconformity) for f in listed] == [
        ("PA-2026-001", "complaint", "TP", "lan", car)
    ]


def test_feedback_from_the_future_is_refused(engine: Engine) -> None:
    refused(
        engine, ValidationError, feedback.record_feedback, "lan", "in the future",
        kind="feedback", received_on=date(2027, 1, 2), department="TP", summary="Góp ý",
    )  # fmt: skip
