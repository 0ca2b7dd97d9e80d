"""The printed measurement reports and the area's spreadsheets, on both databases: the
quarterly objectives report, the approved objectives of a year and the risk register read
back from their PDFs (Vietnamese text, charts drawn, pages); the workbooks read back with
openpyxl (headers, values and their types); who may print what; each print on the trail."""

import io
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import PermissionDenied, ValidationError
from qms.services.exports import tables
from qms.services.objectives import report
from qms.services.risks import report as risk_report
from qms.services.trail import chain as trail
from tests.helpers import act, refused
from tests.services.reports_setup import a_year_of_measurements


@pytest.fixture
def year(engine: Engine) -> dict[str, Any]:
    return a_year_of_measurements(engine)


def texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def missing(text: str, *phrases: str) -> list[str]:
    return [phrase for phrase in phrases if phrase not in text]


def printed(engine: Engine) -> list[tuple[str, str, str]]:
    with read_session(engine) as session:
        return [(e.actor, e.action, e.entity_id) for e in trail.events(session, entity="report")]


def test_the_quarterly_report_in_vietnamese(engine: Engine, year: dict[str, Any]) -> None:
    pdf = act(engine, report.quarterly_pdf, "thu", quarter="2026-Q3", language="vi")
    pages = texts(pdf)
    whole = " ".join(pages)
    assert 2 <= len(pages) <= 6
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN MỤC TIÊU CHẤT LƯỢNG QUÝ III/2026" in pages[0]
    assert "Số mục tiêu đạt trong quý: 1/2" in whole
    # The department's objective: its July-September results, August not met.
    assert missing(whole, "2026-07: 96 %", "2026-08: 90 %", "Không đạt", "Đạt") == []
    assert "2026-Q2: 97 %" in whole  # year to date
    assert year["draft"] not in whole  # not approved: not reported
    # Charts: each objective's, the on-time rate per field and satisfaction per quarter.
    assert f"{year['desk']}: Hồ sơ TTHC được giải quyết đúng hạn (%)" in whole
    assert "Hồ sơ giải quyết đúng hạn (%) Q3/2026" in whole
    assert "Người dân hài lòng (%) 2026" in whole
    # The nonconformity opened from the Q2 result, and the lines for signing.
    assert year["car"] in whole
    assert missing(whole, "NGƯỜI LẬP", "LÃNH ĐẠO PHÊ DUYỆT") == []
    assert "Lê Thị Minh Thư" in pages[-1]
    assert printed(engine) == [("thu", "report.quarterly_print", "objectives-2026-Q3")]


def test_the_approved_objectives_of_a_year(engine: Engine, year: dict[str, Any]) -> None:
    pdf = act(engine, report.plan_pdf, "hai", year=2026, language="vi")
    whole = " ".join(texts(pdf))
    assert "MỤC TIÊU CHẤT LƯỢNG NĂM 2026" in whole
    assert missing(whole, year["desk"], year["civil"]) == []
    assert year["draft"] not in whole
    assert "Rà soát hồ sơ tồn hằng tuần" in whole  # the plan
    assert "Trần Thanh Hải" in whole  # who approved
    assert missing(whole, "≥ 98 %", "Hằng tháng") == []
    assert printed(engine) == [("hai", "report.objectives_print", "objectives-2026")]


def test_the_risk_register_with_its_matrix(engine: Engine, year: dict[str, Any]) -> None:
    pdf = act(engine, risk_report.register_pdf, "thu", language="vi")
    whole = " ".join(texts(pdf))
    assert "SỔ ĐĂNG KÝ RỦI RO VÀ CƠ HỘI" in whole
    assert "Hồ sơ trễ hẹn do thiếu người tiếp nhận" in whole
    assert missing(whole, "Cao", "Giảm thiểu") == []
    assert "Phân công cán bộ dự phòng" in whole
    assert "Ma trận rủi ro theo khả năng xảy ra và mức độ ảnh hưởng" in whole  # the chart
    assert printed(engine) == [("thu", "report.risks_print", "risk-register")]


def test_a_department_head_prints_only_their_department(
    engine: Engine, year: dict[str, Any]
) -> None:
    data = act(engine, lambda session, actor: report.quarterly_data(
        session, quarter="2026-Q3", prepared_by=actor,
        department=report.report_scope(session, actor).department,
    ), "mai")  # fmt: skip
    assert [o.ref for o in data.objectives] == [year["civil"]]
    for func, kwargs in (
        (report.quarterly_pdf, {"quarter": "2026-Q3", "department": "MC"}),
        (report.plan_pdf, {"year": 2026, "department": "MC"}),
        (risk_report.register_pdf, {"department": "MC"}),
        (tables.risks_xlsx, {"department": "MC"}),
        (tables.desk_xlsx, {"year": 2026}),
    ):
        refused(engine, PermissionDenied, func, "mai", "mai cannot", **kwargs)


@pytest.mark.parametrize("user", ["lan", "binh"])
def test_staff_and_auditors_print_nothing(engine: Engine, year: dict[str, Any], user: str) -> None:
    for func, kwargs in (
        (report.quarterly_pdf, {"quarter": "2026-Q3"}),
        (report.plan_pdf, {"year": 2026}),
        (risk_report.register_pdf, {}),
        (tables.objectives_xlsx, {"year": 2026}),
        (tables.desk_xlsx, {"year": 2026}),
        (tables.risks_xlsx, {}),
    ):
        refused(engine, PermissionDenied, func, user, "cannot print this report", **kwargs)


@pytest.mark.parametrize("value", ["2026-07", "2026-H2", "Q3", "2026-Q5"])
def test_a_quarter_that_is_not_one_is_refused(
    engine: Engine, year: dict[str, Any], value: str
) -> None:
    refused(engine, ValidationError, report.quarterly_pdf, "thu", "quarter|period", quarter=value)


def book(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(values_only=True))


def test_objectives_and_results_as_a_workbook(engine: Engine, year: dict[str, Any]) -> None:
    wb = book(act(engine, tables.objectives_xlsx, "thu", year=2026, language="vi"))
    assert wb.sheetnames == ["Mục tiêu", "Kết quả"]
    objectives, results = wb["Mục tiêu"], wb["Kết quả"]
    header = rows(objectives)[0]
    assert header[:4] == ("Số hiệu", "Năm", "Đơn vị", "Chỉ số đo lường")
    assert objectives["A1"].font.b
    assert objectives.freeze_panes == "A2"
    first = dict(zip(header, rows(objectives)[1], strict=True))
    assert (first["Số hiệu"], first["Năm"], first["Chỉ tiêu"]) == (year["desk"], 2026, 98)
    assert isinstance(first["Thời điểm phê duyệt (UTC)"], datetime)
    found = {(r[0], r[2]): r for r in rows(results)[1:]}
    q2 = found[(year["desk"], "2026-Q2")]
    assert (q2[3], q2[5], q2[9]) == (97, "Không", year["car"])
    assert found[(year["desk"], "2026-Q3")][5] == "Có"
    assert printed(engine) == [("thu", "report.export", "objectives-2026")]


def test_the_one_stop_desk_figures_as_a_workbook(engine: Engine, year: dict[str, Any]) -> None:
    wb = book(act(engine, tables.desk_xlsx, "hai", year=2026, language="en"))
    assert wb.sheetnames == [
        "By procedure and month",
        "By field and quarter",
        "By department and quarter",
        "Satisfaction",
        "Complaints and feedback",
    ]
    by_month = rows(wb["By procedure and month"])
    assert by_month[0][:3] == ("Period", "Group", "Received")
    assert by_month[1][:3] == ("2026-07", "1.001193 - Thủ tục 1.001193", 63)
    assert by_month[1][7] == 100
    fields = {r[1]: r for r in rows(wb["By field and quarter"])[1:]}
    assert fields["Đất đai"][2] == 3 * 63
    satisfaction = rows(wb["Satisfaction"])[1:]
    assert [(r[0], r[2], r[3], r[4]) for r in satisfaction] == [
        ("2026-Q2", 50, 40, 80),
        ("2026-Q3", 50, 45, 90),
    ]
    complaint = rows(wb["Complaints and feedback"])[1]
    assert complaint[1] == "Complaint"
    assert isinstance(complaint[2], datetime)
    assert complaint[6] == "Phải đi lại 3 lần để bổ sung hồ sơ"


def test_risks_and_actions_as_a_workbook(engine: Engine, year: dict[str, Any]) -> None:
    wb = book(act(engine, tables.risks_xlsx, "thu", language="vi"))
    risks = rows(wb["Rủi ro và cơ hội"])
    by_ref = {r[0]: r for r in risks[1:]}
    entry = by_ref[year["risk"]]
    assert (entry[7], entry[8], entry[9], entry[10]) == (4, 4, "Cao", "Giảm thiểu")
    assert isinstance(entry[14], datetime)
    assert entry[15] == "Không"
    # Text that looks like a formula stays text.
    cell = next(c for c in wb["Rủi ro và cơ hội"]["E"] if c.value == "=1+1 hồ sơ trực tuyến")
    assert cell.data_type == "s"
    actions = rows(wb["Hành động"])
    assert actions[1][:4] == (year["risk"], 1, "Phân công cán bộ dự phòng", "lan")
    assert isinstance(actions[1][4], datetime)
    assert wb["Hành động"]["E2"].value.date() > date(2026, 1, 1)
