"""The JSON API: the same services and rules, JSON errors, the OpenAPI schema."""

import pytest
from fastapi import FastAPI

from qms.services.documents import revisions
from qms.web.errors import ApiError
from tests.helpers import act, last_event, new_draft, snapshot, statuses, trail_actions
from tests.seed import PASSWORD
from tests.web.client import WebClient, signed_in


def test_openapi_schema_lists_the_api(workflow_app: FastAPI) -> None:
    with WebClient(workflow_app) as client:
        schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/documents",
        "/api/documents/{code}",
        "/api/documents/{code}/revisions",
        "/api/documents/{code}/revisions/{issue}",
        "/api/documents/{code}/revisions/{issue}/pdf",
        "/api/documents/{code}/approve",
    ):
        assert path in paths
    assert "/documents" not in paths  # pages are not part of the API
    for view in ("DocumentRow", "DocumentPage", "IssueDetail", "IssueView"):
        assert view in schema["components"]["schemas"]


def test_the_schema_describes_every_refusal_the_api_makes(workflow_app: FastAPI) -> None:
    with WebClient(workflow_app) as client:
        schema = client.get("/api/openapi.json").json()
        refusal = client.get("/api/documents")
    components = schema["components"]["schemas"]
    assert components["ApiError"]["required"] == ["error"]
    assert "HTTPValidationError" not in components  # a shape the API never sends
    api_error = {"$ref": "#/components/schemas/ApiError"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("400", "401", "403", "404", "409", "413", "422"):
                declared = responses[status]["content"]["application/json"]["schema"]
                assert declared == api_error, (method, path, status)
    assert "429" in schema["paths"]["/api/session"]["post"]["responses"]
    for path in (
        "/api/documents/{code}/revisions/{issue}/pdf",
        "/api/audits/{ref}/report.pdf",
        "/api/capa/{ref}/record.pdf",
    ):
        assert list(schema["paths"][path]["get"]["responses"]["200"]["content"]) == [
            "application/pdf"
        ]
    assert refusal.status_code == 401
    assert ApiError.model_validate(refusal.json()).error.status == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/capa?year=%2B0.0",  # read as year 0, which listed every record
        "/api/audits?year=2026.0",
        "/api/capa?year=1999",
        "/api/documents?page=1.0",
        "/api/documents?per_page=%2050",
        "/api/documents/QT-01/revisions/1.0",
        "/api/documents/QT-01/revisions/1_0/pdf",
    ],
)
def test_numbers_are_taken_as_the_schema_states_them(workflow_app: FastAPI, path: str) -> None:
    with signed_in(workflow_app, "thu") as thu:
        refused = thu.get(path)
    assert refused.status_code == 422, refused.text
    assert ApiError.model_validate(refused.json()).error.status == 422


def test_the_schema_bounds_the_year_filters(workflow_app: FastAPI) -> None:
    with WebClient(workflow_app) as client:
        paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/audits", "/api/capa"):
        (year,) = [p for p in paths[path]["get"]["parameters"] if p["name"] == "year"]
        assert year["schema"]["anyOf"][0] == {"type": "integer", "minimum": 2000, "maximum": 2100}


def test_lifecycle_through_the_api(app: FastAPI) -> None:
    engine = app.state.engine
    thu, hung, hai = (signed_in(app, name) for name in ("thu", "hung", "hai"))
    hai.choose_language("en")  # refusals in the user's language: English here
    created = thu.api(
        "/api/documents",
        {
            "code": "QT-30",
            "title": "Quy trình API",
            "type": "procedure",
            "department": "TP",
            "body": "# Mục đích\n\nKiểm soát.\n",
        },
    )
    assert created.status_code == 201
    assert created.json()["in_progress"]["status"] == "draft"
    assert thu.api("/api/documents/QT-30/submit", {"password": PASSWORD}).status_code == 200
    review = hung.api("/api/documents/QT-30/review", {"accept": True, "password": PASSWORD})
    assert review.json()["status"] == "in_review"
    before, seq = snapshot(engine, skip=("trail_event",)), last_event(engine)
    wrong = hai.api("/api/documents/QT-30/approve", {"password": "nope"})
    assert wrong.status_code == 401
    assert wrong.json() == {"error": {"status": 401, "message": "wrong password for hai"}}
    assert snapshot(engine, skip=("trail_event",)) == before
    assert trail_actions(engine, after=seq) == ["signing.refused"]  # only the attempt
    assert hai.api("/api/documents/QT-30/approve", {"password": PASSWORD}).status_code == 200
    published = thu.api("/api/documents/QT-30/publish")
    assert published.json()["status"] == "effective"
    assert statuses(engine, "QT-30") == {1: "effective"}
    detail = hung.get("/api/documents/QT-30/revisions/1").json()
    assert [s["meaning"] for s in detail["signatures"]] == ["drafted", "reviewed", "approved"]
    assert all(s["valid"] for s in detail["signatures"])
    ack = hung.api("/api/documents/QT-30/acknowledge").json()
    assert ack == {"code": "QT-30", "issue": 1, "new": True}
    pdf = hung.get("/api/documents/QT-30/revisions/1/pdf")
    assert pdf.content.startswith(b"%PDF")
    listing = hung.get("/api/documents", params={"q": "kiem soat"}).json()
    assert [d["code"] for d in listing["items"]] == ["QT-30"]
    assert listing["total"] == 1
    for client in (thu, hung, hai):
        client.close()


def test_errors_are_json_with_the_right_status(workflow_app: FastAPI) -> None:
    thu = signed_in(workflow_app, "thu")
    conflict = thu.api("/api/documents/QT-04/submit", {"password": PASSWORD})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["status"] == 409
    invalid = thu.api("/api/documents", {"code": "QT-99"})
    assert invalid.status_code == 422
    assert invalid.json()["error"]["message"].startswith("Dữ liệu không hợp lệ")
    denied = signed_in(workflow_app, "lan").api("/api/documents/QT-01/revise", {"body": "x"})
    assert denied.status_code == 403
    thu.close()


def test_sign_in_through_the_api(workflow_app: FastAPI) -> None:
    with WebClient(workflow_app) as client:
        token = client.get("/api/session").json()["csrf_token"]
        signed = client.post(
            "/api/session",
            json={"username": "binh", "password": PASSWORD},
            headers={"X-CSRF-Token": token},
        )
        assert signed.status_code == 200
        assert signed.json()["roles"] == ["auditor"]
        assert client.get("/api/documents").status_code == 200
        refused = client.post(
            "/api/session",
            json={"username": "binh", "password": "bad"},
            headers={"X-CSRF-Token": signed.json()["csrf_token"]},
        )
        assert refused.status_code == 401


def test_api_approval_with_a_stale_content_hash_is_refused(app: FastAPI) -> None:
    engine = app.state.engine
    new_draft(engine, "QT-31")
    act(engine, revisions.submit, "thu", code="QT-31", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-31", accept=True, password=PASSWORD)
    hai = signed_in(app, "hai")
    before = snapshot(engine)
    stale = hai.api(
        "/api/documents/QT-31/approve", {"password": PASSWORD, "content_hash": "0" * 64}
    )
    assert stale.status_code == 422
    assert stale.json()["error"]["message"] == (
        "Lần ban hành đã thay đổi sau khi bạn mở; hãy xem lại."
    )
    assert snapshot(engine) == before
    hai.close()
