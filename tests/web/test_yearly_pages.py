"""The leaders' dashboard and the yearly papers on the web: the dashboard's figures and
their links, the year's draft saved from a form, the report printed, and a conformity
decision issued and downloaded."""

from fastapi import FastAPI
from lxml import html
from sqlalchemy.engine import Engine

from qms.services.objectives import results
from tests.helpers import act, effective_document, trail_actions
from tests.services import objectives_setup as obj
from tests.services.capa_setup import open_complaint, pdf_text
from tests.web.client import signed_in


def test_the_dashboard_shows_each_figure_with_its_link_and_the_charts(
    app: FastAPI, web_engine: Engine
) -> None:
    ref = obj.approved(web_engine)
    act(web_engine, results.record_result, "hung", ref=ref, period="2026-Q3", value=99)
    obj.approved(web_engine, indicator="Hồ sơ trả trước hạn")
    open_complaint(web_engine)
    obj.import_stats(web_engine, obj.csv_bytes(obj.quarter(late={"2026-11": 2}, months=(11,))))
    with signed_in(app, "hai") as hai:
        page = hai.get("/dashboard")
    assert page.status_code == 200
    doc = html.fromstring(page.text)
    tiles = {li.get("id"): li for li in doc.xpath("//ul[@class='tiles']/li")}
    figure = {key: tile.xpath("string(.//strong)") for key, tile in tiles.items()}
    assert figure == {
        "objectives": "1 / 2",
        "nonconformities": "1",
        "audits": "0 / 0",
        "documents": "0",
        "dossiers": "2",
    }
    links = {key: tile.xpath("string(.//a/@href)") for key, tile in tiles.items()}
    assert links["nonconformities"] == "/capa"
    assert links["objectives"] == "/objectives?year=2026"
    assert "quý 4" in tiles["dossiers"].text_content()
    images = doc.xpath("//figure[@class='chart']/img/@src")
    assert len(images) == 2
    assert all(src.startswith("data:image/svg+xml;base64,") for src in images)
    assert doc.xpath("//nav[@id='main-nav']//a[@href='/dashboard']/text()") == ["Tổng quan"]
    with signed_in(app, "lan") as lan:
        assert lan.get("/dashboard").status_code == 403
        assert 'href="/dashboard"' not in lan.get("/").text


def test_the_year_is_written_printed_and_announced_from_the_browser(
    app: FastAPI, web_engine: Engine
) -> None:
    effective_document(web_engine, "QT-01")
    with signed_in(app, "thu") as thu:
        saved = thu.form(
            "/reports/yearly",
            {
                "year": 2026,
                "difficulties": "Thiếu người",
                "recipients": "Sở Khoa học và Công nghệ",
                "activities": "Tiếp công dân",
                "place": "Hồng Hà",
                "signer": "Nguyễn Văn Minh",
            },
        )
        assert saved.status_code == 303
        assert saved.headers["location"] == "/reports/yearly?year=2026"
        page = html.fromstring(thu.get("/reports/yearly?year=2026").text)
        assert page.xpath("string(//textarea[@name='difficulties'])") == "Thiếu người"
        printed = thu.form("/reports/yearly/pdf", {"year": 2026})
        assert printed.headers["content-type"] == "application/pdf"
        assert "Kính gửi: Sở Khoa học và Công nghệ" in pdf_text(printed.content).replace("\n", " ")
        future = thu.form("/reports/yearly/pdf", {"year": 2027})
        assert future.status_code == 422
        assert "2027" in future.text
        issued = thu.form("/reports/conformity")
        assert issued.status_code == 303
        shown = html.fromstring(thu.get("/reports/conformity").text)
        assert shown.xpath("//tr[@id='decision-2026-1']/td[1]/text()") == ["01/QĐ-UBND"]
        assert not shown.xpath("//form[@action='/reports/conformity']")  # nothing changed
        again = thu.form("/reports/conformity")
        assert again.status_code == 409
        decision = thu.get("/reports/conformity/2026/1.pdf")
        assert "Điều 1." in pdf_text(decision.content)
    with signed_in(app, "binh") as binh:
        assert binh.get("/reports/conformity/2026/1.pdf").status_code == 403
    done = [a for a in trail_actions(web_engine) if a.startswith("yearly.")]
    assert done == ["yearly.draft", "yearly.report", "yearly.decision"]
