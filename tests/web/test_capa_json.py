"""One shape for a corrective action: ``qms capa show|list --format json`` and the
matching ``GET /api/capa`` routes give the same fields with the same values."""

from collections.abc import Callable

from sqlalchemy.engine import Engine

from qms.services.capa import lifecycle as capa
from tests.helpers import act, cli_json, effective_document
from tests.services import capa_setup as cs
from tests.web.client import WebClient

Login = Callable[[str], WebClient]


def test_cli_and_api_give_the_same_record_and_register(
    web_engine: Engine, db_url: str, as_user: Login
) -> None:
    effective_document(web_engine, "QT-01")
    closed = cs.verified(web_engine)
    act(web_engine, capa.close, "thu", ref=closed)
    planned = cs.analysed(web_engine, department="VP")
    cs.add_action(web_engine, planned, "lan")
    cs.add_action(web_engine, planned, "thu", document="QT-01")
    act(web_engine, capa.plan, "thu", ref=planned)
    fresh = cs.open_complaint(web_engine, department="TP")
    thu = as_user("thu")

    for ref in (closed, planned, fresh):
        api = thu.get(f"/api/capa/{ref}")
        assert api.status_code == 200, api.text
        assert cli_json(db_url, "capa", "show", ref, "--as", "thu") == api.json()
    shown = cli_json(db_url, "capa", "show", planned, "--as", "thu")
    assert shown["steps"] == ["add_action", "change_document"]
    assert [a["steps"] for a in shown["actions"]] == [["done"], []]
    assert [a["document_change"] for a in shown["actions"]] == [None, "QT-01 issue 2 (draft)"]
    assert shown["finding"] is None
    assert cli_json(db_url, "capa", "show", planned)["steps"] == []  # nobody asked

    listed = thu.get("/api/capa").json()
    assert cli_json(db_url, "capa", "list") == listed
    assert [row["ref"] for row in listed] == [closed, planned, fresh]
    assert set(listed[0]) == {
        "ref", "status", "source", "department", "severity", "description",
        "reported_at", "age_days", "open_actions", "overdue_actions",
    }  # fmt: skip
