"""The register of risks on the web: the table, what is overdue, and the risk matrix
drawn on the server and shown as an image that runs nothing."""

import base64
from datetime import timedelta

from fastapi import FastAPI
from lxml import etree, html
from sqlalchemy.engine import Engine

from qms import clock
from qms.services.risks import actions, register
from tests.helpers import act
from tests.pinned_clock import NOW, days_from_today
from tests.web.client import signed_in

RISK_ROWS = "//table[contains(concat(' ', @class, ' '), ' risks ')]/tbody/tr"


def test_the_register_shows_levels_overdue_items_and_the_matrix(
    app: FastAPI, web_engine: Engine
) -> None:
    risk = act(
        web_engine, register.add_risk, "thu", kind="risk", department="MC",
        process="Tiếp nhận hồ sơ", title="Hồ sơ trễ hẹn <script>", likelihood=4, impact=4,
        treatment="reduce", next_review=days_from_today(30),
    )  # fmt: skip
    act(web_engine, actions.add_action, "thu", ref=risk.ref, what="Phân công người thay",
        owner="lan", due=days_from_today(2))  # fmt: skip
    act(
        web_engine, register.add_risk, "thu", kind="opportunity", department="TP",
        title="Dịch vụ công trực tuyến", likelihood=2, impact=2, treatment="exploit",
        next_review=days_from_today(60),
    )  # fmt: skip
    with clock.pinned(NOW + timedelta(days=5)):
        lan = signed_in(app, "lan")
        page = lan.get("/risks")
        only_tp = html.fromstring(lan.get("/risks?dept=TP").text)
    assert page.status_code == 200
    assert "<script>" not in page.text.split("<body", 1)[1].replace('src="/static', "")
    doc = html.fromstring(page.text)
    rows = doc.xpath(RISK_ROWS)
    assert [r.get("id") for r in rows] == ["RR-001", "RR-002"]
    assert rows[0].get("class") == "level-high"
    (table,) = doc.xpath("//table[tbody/tr[@id='RR-001']]")
    assert "cards" in table.get("class").split()  # one card per risk on a phone
    assert rows[0].xpath("td/@data-label") == [  # every cell but the title's names its column
        "Số hiệu", "Phòng ban", "Mức độ", "Biện pháp xử lý", "Sau xử lý", "Xem xét lại",
        "Hành động",
    ]  # fmt: skip
    assert "Hồ sơ trễ hẹn <script>" in rows[0].text_content()
    assert "overdue" in rows[0].xpath(".//ol[@class='actions']/li")[0].get("class")
    (overdue,) = doc.xpath("//section[@class='overdue']//li")
    assert "RR-001" in overdue.text_content()
    assert "lan" in overdue.text_content()
    (img,) = doc.xpath("//figure[@class='chart']/img")
    prefix = "data:image/svg+xml;base64,"
    assert img.get("src").startswith(prefix)
    svg = base64.b64decode(img.get("src").removeprefix(prefix))
    root = etree.fromstring(svg, etree.XMLParser(resolve_entities=False, no_network=True))
    words = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"RR-001", "RR-002", "Khả năng xảy ra"} <= set(words)
    assert b"<script" not in svg
    assert [r.get("id") for r in only_tp.xpath(RISK_ROWS)] == ["RR-002"]
