"""One shape for the same data: ``qms doc show/list --format json`` and the matching
``GET /api/documents...`` routes give the same fields with the same values."""

from fastapi import FastAPI

from qms.services.documents import revisions
from tests.helpers import act, cli_json, effective_document, revise
from tests.seed import PASSWORD
from tests.web.client import signed_in


def test_cli_and_api_give_the_same_document_json(app: FastAPI, db_url: str) -> None:
    engine = app.state.engine
    effective_document(engine)
    revise(engine)  # issue 2 in progress, with a review comment to show
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=False, comment="Bổ sung")
    act(engine, revisions.acknowledge, "lan", code="QT-01")
    for user in ("thu", "hung", "lan"):
        client = signed_in(app, user)
        pairs = [
            (("doc", "show", "QT-01"), "/api/documents/QT-01"),
            (("doc", "show", "QT-01", "--issue", "1"), "/api/documents/QT-01/revisions/1"),
            (("doc", "list"), "/api/documents"),
        ]
        if user != "lan":  # staff see effective issues only
            pairs.append(
                (("doc", "show", "QT-01", "--issue", "2"), "/api/documents/QT-01/revisions/2")
            )
        for args, path in pairs:
            printed = cli_json(db_url, *args, "--as", user)
            answered = client.get(path).json()
            if path == "/api/documents":
                answered = answered["items"]
            assert printed == answered, (user, args)
        client.close()
    shown = cli_json(db_url, "doc", "show", "QT-01", "--issue", "2", "--as", "thu")
    assert isinstance(shown, dict)
    assert set(shown["steps"]) == {"edit", "submit", "acknowledge", "withdraw", "periodic_review"}
    assert shown["comments"][0].keys() == {"author", "outcome", "body", "created_at"}
    assert shown["signatures"][0]["username"] == "thu"
