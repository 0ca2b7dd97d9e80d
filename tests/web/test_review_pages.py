"""Management review pages: a refused form comes back with what was typed and the
message beside its field, and changes nothing; the pack shows its charts as images that
run nothing; the CAR raised by a decision names the review."""

from fastapi import FastAPI
from lxml import html
from sqlalchemy.engine import Engine

from qms.services.reviews import meeting
from tests.helpers import act, snapshot
from tests.pinned_clock import days_from_today
from tests.services.capa_setup import open_complaint
from tests.services.review_setup import started
from tests.web.client import signed_in

PLAN_FORM = {
    "planned_on": days_from_today(10).isoformat(),
    "period_from": "2026-06-30",
    "period_to": "2026-01-01",
    "chair": "hai",
    "attendees": ["hung"],
    "place": "Phòng họp <b>số 1</b>",
}


def test_a_refused_plan_keeps_what_was_typed_beside_the_field(
    app: FastAPI, web_engine: Engine
) -> None:
    thu = signed_in(app, "thu")
    before = snapshot(web_engine)
    response = thu.form("/reviews", PLAN_FORM)
    assert response.status_code == 422
    page = html.fromstring(response.text)
    (error,) = page.xpath("//span[@id='plan-period_to-error']")
    assert "trước ngày bắt đầu" in error.text_content()
    assert page.xpath("//input[@name='place']/@value") == ["Phòng họp <b>số 1</b>"]
    assert page.xpath("//input[@name='attendees' and @checked]/@value") == ["hung"]
    assert page.xpath("//select[@name='chair']/option[@selected]/@value") == ["hai"]
    assert snapshot(web_engine) == before
    planned = thu.form("/reviews", {**PLAN_FORM, "period_to": days_from_today(0).isoformat()})
    assert planned.status_code == 303
    assert planned.headers["location"] == "/reviews/MR-2026-01"


def test_the_pack_its_charts_and_the_car_a_decision_raised(
    app: FastAPI, web_engine: Engine
) -> None:
    open_complaint(web_engine)
    ref = started(web_engine)
    act(web_engine, meeting.decide, "thu", ref=ref, kind="improvement", text="Giảm hồ sơ trễ")
    thu = signed_in(app, "thu")
    before = snapshot(web_engine)
    refused = thu.form(f"/reviews/{ref}/decisions/1/act", {"outcome": "capa", "department": "MC"})
    assert refused.status_code == 422
    page = html.fromstring(refused.text)
    assert page.xpath("//form[contains(@class, 'act')]//span[@class='field-error']")
    assert page.xpath("//select[@name='department']/option[@selected]/@value") == ["MC"]
    assert snapshot(web_engine) == before
    raised = thu.form(
        f"/reviews/{ref}/decisions/1/act",
        {"outcome": "capa", "department": "MC", "severity": "minor"},
    )
    assert raised.status_code == 303
    page = html.fromstring(thu.get(f"/reviews/{ref}").text)
    (link,) = page.xpath("//tr[@id='decision-1']//a")
    car = link.text_content()
    assert link.get("href") == f"/capa/{car}"
    charts = page.xpath("//section[@id='input-processes' or @id='input-risks']//img/@src")
    assert all(src.startswith("data:image/svg+xml;base64,") for src in charts)
    record = html.fromstring(thu.get(f"/capa/{car}").text)
    assert record.xpath(f"//a[@href='/reviews/{ref}#decisions']/text()") == [f"{ref}/1"]
