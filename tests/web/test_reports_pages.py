"""The reports page: what each reader may print, downloads with their type and a file
name that keeps its Vietnamese, and bad input refused with nothing recorded."""

import io
from urllib.parse import quote

from fastapi import FastAPI
from lxml import html
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.exports.tables import XLSX_TYPE
from qms.services.trail import chain as trail
from tests.helpers import snapshot
from tests.services.reports_setup import a_year_of_measurements
from tests.web.client import signed_in


def forms(page: str) -> list[str]:
    return [str(a) for a in html.fromstring(page).xpath("//main//form/@action")]


def test_each_reader_sees_what_they_may_print(app: FastAPI) -> None:
    coordinator = signed_in(app, "thu").get("/reports")
    assert coordinator.status_code == 200
    assert forms(coordinator.text) == [
        "/reports/quarterly", "/reports/objectives", "/reports/risks", "/reports/desk.xlsx",
    ]  # fmt: skip
    doc = html.fromstring(coordinator.text)
    assert doc.xpath("//nav[@id='main-nav']//a[@href='/reports']")
    assert doc.xpath("//form[@action='/reports/quarterly']//option[@selected]/text()") == [
        "2026", "III",  # the last quarter that has ended (today is in December 2026)
    ]  # fmt: skip
    head = signed_in(app, "hung").get("/reports")  # a reviewer of VP: VP's reports only
    assert "Báo cáo của đơn vị VP." in head.text
    assert "/reports/desk.xlsx" not in forms(head.text)
    assert not html.fromstring(head.text).xpath("//input[@name='dept']")
    staff = signed_in(app, "lan")
    assert staff.get("/reports").status_code == 403
    assert not html.fromstring(staff.get("/").text).xpath("//a[@href='/reports']")


def test_downloads_keep_their_vietnamese_names(app: FastAPI, web_engine: Engine) -> None:
    year = a_year_of_measurements(web_engine)
    thu = signed_in(app, "thu")
    sheet = thu.form("/reports/risks.xlsx", {})
    assert sheet.status_code == 200
    assert sheet.headers["content-type"] == XLSX_TYPE
    name = quote("Sổ_đăng_ký_rủi_ro_và_cơ_hội.xlsx")
    disposition = sheet.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="S')  # an ASCII form for old browsers
    assert disposition.endswith(f"; filename*=UTF-8''{name}")
    risks = load_workbook(io.BytesIO(sheet.content))["Rủi ro và cơ hội"]
    assert risks["A2"].value == year["risk"]
    report = thu.form("/reports/quarterly", {"year": 2026, "quarter": 3})
    assert report.headers["content-type"] == "application/pdf"
    assert (
        "filename*=UTF-8''" + quote("Báo_cáo_mục_tiêu_chất_lượng_2026-Q3.pdf")
        in (report.headers["content-disposition"])
    )
    first = PdfReader(io.BytesIO(report.content)).pages[0].extract_text()
    assert "QUÝ III/2026" in " ".join(first.split())
    with read_session(web_engine) as session:
        events = [(e.actor, e.action) for e in trail.events(session, entity="report")]
    assert events == [("thu", "report.export"), ("thu", "report.quarterly_print")]


def test_bad_input_is_refused_and_records_nothing(app: FastAPI, web_engine: Engine) -> None:
    a_year_of_measurements(web_engine)
    thu, hung = signed_in(app, "thu"), signed_in(app, "hung")
    before = snapshot(web_engine, skip=("web_session",))
    for client, path, data, status in (
        (thu, "/reports/quarterly", {"year": 2026, "quarter": 5}, 422),
        (thu, "/reports/quarterly", {"year": "năm nay", "quarter": 3}, 422),
        (thu, "/reports/objectives", {"year": 2026, "dept": "XX"}, 404),
        (hung, "/reports/risks", {"dept": "MC"}, 403),
        (hung, "/reports/desk.xlsx", {"year": 2026}, 403),
    ):
        response = client.form(path, data)
        assert response.status_code == status, (path, data, response.text[:200])
        assert "text/html" in response.headers["content-type"]
    assert snapshot(web_engine, skip=("web_session",)) == before
