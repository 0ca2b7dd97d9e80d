"""The document controller's upkeep in the browser: withdrawing a document with its reason
after a confirmation, periodic reviews and currency checks due, and the approved issues
waiting for their effective date; the same rules and trail events as the CLI."""

import json
from datetime import timedelta

from fastapi import FastAPI
from lxml import html
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms import clock
from qms.services.documents import revisions
from tests.helpers import act, effective_document, new_draft, snapshot, statuses
from tests.pinned_clock import NOW
from tests.seed import PASSWORD
from tests.web.client import WebClient, signed_in


def _controller(app: FastAPI) -> WebClient:
    thu = signed_in(app, "thu")
    thu.choose_language("en")
    return thu


def _trail_payload(engine: Engine, action: str) -> dict[str, object]:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT payload FROM trail_event WHERE action = :a ORDER BY seq DESC"),
            {"a": action},
        ).first()
    assert row is not None, action
    found: dict[str, object] = json.loads(row[0])
    return found


def test_a_controller_withdraws_a_document_after_confirming(
    app: FastAPI, web_engine: Engine
) -> None:
    effective_document(web_engine, "QT-01")
    thu = _controller(app)
    assert html.fromstring(thu.get("/documents/QT-01").text).xpath(
        "//form[@action='/documents/QT-01/withdraw']//input[@name='reason']"
    )
    hung = signed_in(app, "hung")
    assert not html.fromstring(hung.get("/documents/QT-01").text).xpath(
        "//form[@action='/documents/QT-01/withdraw']"
    )
    before = snapshot(web_engine)
    asked = thu.form("/documents/QT-01/withdraw", {"reason": "Thay bằng QT-05"})
    assert asked.status_code == 200
    page = html.fromstring(asked.text)
    assert page.xpath("//input[@name='confirm']/@value") == ["yes"]
    assert page.xpath("//input[@name='reason']/@value") == ["Thay bằng QT-05"]
    refused = thu.form("/documents/QT-01/withdraw", {"reason": "  ", "confirm": "yes"})
    assert refused.status_code == 422
    (error,) = html.fromstring(refused.text).xpath("//*[@id='withdraw-reason-error']")
    assert error.text_content() == "give the reason for withdrawing the document"
    assert snapshot(web_engine) == before
    withdrawn = thu.form(
        "/documents/QT-01/withdraw", {"reason": "Thay bằng QT-05", "confirm": "yes"}
    )
    assert withdrawn.status_code == 303
    assert statuses(web_engine, "QT-01") == {1: "obsolete"}
    assert _trail_payload(web_engine, "revision.obsolete")["reason"] == "Thay bằng QT-05"


def test_periodic_reviews_due_and_scheduled_publications(app: FastAPI, web_engine: Engine) -> None:
    effective_document(web_engine, "QT-01")
    new_draft(web_engine, "QT-04", title="Quy trình QT-04")
    act(web_engine, revisions.submit, "thu", code="QT-04", password=PASSWORD)
    act(web_engine, revisions.review, "hung", code="QT-04", accept=True, password=PASSWORD)
    act(web_engine, revisions.approve, "hai", code="QT-04", password=PASSWORD)
    with clock.pinned(NOW + timedelta(days=350)):  # QT-01's yearly review is due
        thu = _controller(app)
        page = html.fromstring(thu.get("/admin/reviews?within=30").text)
        assert page.xpath("//table[contains(@class, 'reviews')]/tbody/tr/@id") == ["due-QT-01"]
        assert page.xpath("//table[contains(@class, 'scheduled')]/tbody/tr/@id") == [
            "scheduled-QT-04"
        ]
        admin = signed_in(app, "admin")  # an admin sees the list, without the forms
        seen = html.fromstring(admin.get("/admin/reviews").text)
        assert seen.xpath("//tr[@id='due-QT-01']")
        assert not seen.xpath("//input[@name='note']")
        before = snapshot(web_engine)
        refused = thu.form("/admin/reviews/QT-01", {"note": " ", "within": "30"})
        assert refused.status_code == 422
        (error,) = html.fromstring(refused.text).xpath("//*[@id='review-QT-01-note-error']")
        assert error.text_content() == "say what the review found"
        refused = thu.form("/documents/QT-01/periodic-review", {"note": ""})
        assert refused.status_code == 422
        assert html.fromstring(refused.text).xpath("//*[@id='periodic_review-note-error']")
        assert snapshot(web_engine) == before
        recorded = thu.form("/admin/reviews/QT-01", {"note": "Vẫn phù hợp", "within": "30"})
        assert recorded.status_code == 303
        assert recorded.headers["location"] == "/admin/reviews?within=30"
        assert _trail_payload(web_engine, "document.periodic_review")["reason"] == "Vẫn phù hợp"
        page = html.fromstring(thu.get("/admin/reviews?within=30").text)
        assert not page.xpath("//tr[@id='due-QT-01']")  # the next one is a year away
