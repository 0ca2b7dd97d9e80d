"""A year of measurements for the report tests: objectives of two departments with results
in three quarters (one not met, with its nonconformity), a draft not yet approved, a
quarter of one-stop-desk figures, a survey, a complaint and a risk register."""

from typing import Any

from sqlalchemy.engine import Engine

from qms.services.desk import feedback
from qms.services.objectives import results
from qms.services.risks import actions, register
from tests.helpers import act
from tests.pinned_clock import days_from_today
from tests.services import objectives_setup as obj

SURVEY = [
    ["2026-Q3", "Tư pháp - Hộ tịch", "Đánh giá chung", 30, 15, 4, 1],
    ["2026-Q2", "Tư pháp - Hộ tịch", "Đánh giá chung", 20, 20, 6, 4],
]


def a_year_of_measurements(engine: Engine) -> dict[str, Any]:
    desk = obj.approved(engine)  # MC, quarterly, at least 98 %, owner hung
    for period, value in (("2026-Q1", "99"), ("2026-Q2", "97"), ("2026-Q3", "99.5")):
        act(engine, results.record_result, "hung", ref=desk, period=period, value=value)
    car = act(engine, results.raise_nonconformity, "hung", ref=desk, period="2026-Q2")
    civil = obj.approved(
        engine, department="TP", owner="mai", frequency="monthly", target=95,
        indicator="Hồ sơ hộ tịch trả đúng hẹn", plan_what="Rà soát hồ sơ tồn hằng tuần",
    )  # fmt: skip
    for month, value in (("2026-07", "96"), ("2026-08", "90"), ("2026-09", "97")):
        act(engine, results.record_result, "mai", ref=civil, period=month, value=value)
    draft = obj.draft(engine, indicator="Chỉ tiêu còn đang dự thảo")
    obj.import_stats(
        engine, obj.csv_bytes(obj.quarter() + obj.quarter("2.000001", field="Đất đai"))
    )
    obj.import_survey(engine, obj.csv_bytes(SURVEY, obj.SURVEY_HEADERS))
    act(
        engine, feedback.record_feedback, "thu", kind="complaint", received_on=days_from_today(-3),
        department="MC", summary="Phải đi lại 3 lần để bổ sung hồ sơ", channel="Hòm thư góp ý",
    )  # fmt: skip
    risk = act(
        engine, register.add_risk, "thu", kind="risk", department="MC",
        title="Hồ sơ trễ hẹn do thiếu người tiếp nhận", likelihood=4, impact=4,
        treatment="reduce", next_review=days_from_today(90), process="Tiếp nhận hồ sơ",
        cause="Nghỉ phép không có người thay", effect="Người dân phải chờ",
    )  # fmt: skip
    act(
        engine, actions.add_action, "thu", ref=risk.ref, what="Phân công cán bộ dự phòng",
        owner="lan", due=days_from_today(20),
    )  # fmt: skip
    formula = act(
        engine, register.add_risk, "mai", kind="opportunity", department="TP",
        title="=1+1 hồ sơ trực tuyến", likelihood=2, impact=2, treatment="exploit",
        next_review=days_from_today(120),
    )  # fmt: skip
    return {
        "desk": desk,
        "civil": civil,
        "draft": draft,
        "car": car,
        "risk": risk.ref,
        "formula": formula.ref,
    }
