"""The JSON API for management reviews: the list and one review as the services' views,
in the caller's language, only for those who may read them, errors as JSON."""

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from qms.services.reviews import meeting
from qms.services.reviews.words import INPUTS
from qms.web.errors import ApiError
from tests.helpers import act
from tests.services.capa_setup import open_complaint
from tests.services.review_setup import plan, started
from tests.web.client import WebClient, signed_in


def test_reviews_are_listed_and_shown_with_pack_conclusions_and_decisions(
    app: FastAPI, web_engine: Engine
) -> None:
    open_complaint(web_engine)
    ref = started(web_engine, providers="Nhà cung cấp phần mềm đáp ứng yêu cầu")
    act(web_engine, meeting.conclude, "thu", ref=ref, key="audits", text="Đạt yêu cầu")
    act(web_engine, meeting.decide, "thu", ref=ref, kind="resources", text="Bổ sung máy quét")
    later = plan(web_engine)
    with signed_in(app, "thu") as thu:
        listed = thu.get("/api/reviews")
        assert listed.status_code == 200
        assert [(r["ref"], r["status"]) for r in listed.json()] == [
            (later, "planned"),
            (ref, "in_progress"),
        ]
        assert listed.json()[1]["status_label"] == "Đang họp"
        shown = thu.get(f"/api/reviews/{ref}").json()
    assert (shown["ref"], shown["chair_username"], shown["status"]) == (ref, "hai", "in_progress")
    assert [i["key"] for i in shown["inputs"]] == list(INPUTS)
    by_key = {i["key"]: i for i in shown["inputs"]}
    assert by_key["providers"]["text"] == "Nhà cung cấp phần mềm đáp ứng yêu cầu"
    assert by_key["audits"]["conclusion"] == "Đạt yêu cầu"
    assert by_key["nonconformities"]["rows"]  # the complaint's CAR, frozen in the pack
    assert [(d["number"], d["kind"], d["text"]) for d in shown["decisions"]] == [
        (1, "resources", "Bổ sung máy quét")
    ]
    assert shown["steps"] == ["conclude", "decide", "act"]
    assert "audits" not in shown["missing_conclusions"]
    with signed_in(app, "hai") as hai:  # the chair, reading English
        hai.choose_language("en")
        shown = hai.get(f"/api/reviews/{ref}").json()
        assert shown["status_label"] == "In progress"
        assert shown["steps"] == ["sign"]
        minutes = hai.get(f"/api/reviews/{ref}/minutes.pdf")
    assert minutes.status_code == 200
    assert minutes.headers["content-type"] == "application/pdf"
    assert minutes.content.startswith(b"%PDF")


def test_the_reviews_api_refuses_as_json(app: FastAPI, web_engine: Engine) -> None:
    ref = started(web_engine)
    with signed_in(app, "lan") as lan:  # neither coordinator, chair nor attendee
        assert lan.get("/api/reviews").json() == []
        denied = lan.get(f"/api/reviews/{ref}")
        assert denied.status_code == 403
        assert ApiError.model_validate(denied.json()).error.status == 403
        assert lan.get(f"/api/reviews/{ref}/minutes.pdf").status_code == 403
    with signed_in(app, "thu") as thu:
        missing = thu.get("/api/reviews/MR-2026-99")
        assert missing.status_code == 404
        assert missing.json()["error"]["status"] == 404
        assert thu.get(f"/api/reviews/{ref}/minutes.pdf?lang=xx").status_code == 422
    with WebClient(app) as anonymous:
        refused = anonymous.get("/api/reviews")
        assert refused.status_code == 401
        assert refused.json()["error"]["status"] == 401
        assert anonymous.get(f"/api/reviews/{ref}").status_code == 401
        paths = anonymous.get("/api/openapi.json").json()["paths"]
    assert {"/api/reviews", "/api/reviews/{ref}", "/api/reviews/{ref}/minutes.pdf"} <= set(paths)
    assert list(paths["/api/reviews/{ref}/minutes.pdf"]["get"]["responses"]["200"]["content"]) == [
        "application/pdf"
    ]
    assert "post" not in paths["/api/reviews"]  # read-only
